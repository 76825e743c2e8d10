/** MCP `tools/call` results as the model's tool_result content. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolResult, ToolResultContent } from '../tools/types';

/** Image types the Messages API accepts in a tool result. */
const MODEL_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

const approxBytes = (base64: string): number => Math.floor((base64.length * 3) / 4);

export function convertCallResult(result: CallToolResult): ToolResult {
  const content: ToolResultContent[] = [];
  for (const item of result.content ?? []) {
    switch (item.type) {
      case 'text':
        content.push({ type: 'text', text: item.text });
        break;
      case 'image':
        if (MODEL_IMAGE_TYPES.has(item.mimeType)) content.push({ type: 'image', source: { type: 'base64', media_type: item.mimeType, data: item.data } });
        else content.push({ type: 'text', text: `[image of type ${item.mimeType}, ${approxBytes(item.data)} bytes, not shown: unsupported type]` });
        break;
      case 'audio':
        content.push({ type: 'text', text: `[audio of type ${item.mimeType}, ${approxBytes(item.data)} bytes, not shown]` });
        break;
      case 'resource': {
        const r = item.resource;
        if ('text' in r && typeof r.text === 'string') content.push({ type: 'text', text: `Resource ${r.uri}${r.mimeType ? ` (${r.mimeType})` : ''}:\n${r.text}` });
        else content.push({ type: 'text', text: `[binary resource ${r.uri}${r.mimeType ? ` (${r.mimeType})` : ''}, not shown]` });
        break;
      }
      case 'resource_link':
        content.push({ type: 'text', text: `Resource link: ${item.name} <${item.uri}>${item.description ? ` ${item.description}` : ''}` });
        break;
      default:
        content.push({ type: 'text', text: `[unsupported content of type ${(item as { type: string }).type}]` });
    }
  }
  if (content.length === 0 && result.structuredContent !== undefined) {
    content.push({ type: 'text', text: JSON.stringify(result.structuredContent, null, 2) });
  }
  if (content.length === 0) content.push({ type: 'text', text: result.isError ? '(the tool failed without a message)' : '(no output)' });
  const out: ToolResult = { content };
  if (result.isError) out.isError = true;
  return out;
}
