/**
 * Keeping a conversation inside the model's context window, and marking the
 * prompt-cache breakpoints.
 *
 * Budget: context window − max output tokens − a small reserve. Over budget,
 * older tool results are shortened first (newest kept), then the older part of
 * the conversation is summarized (see summarize.ts). Token counts are
 * estimated from characters, calibrated by the usage the API reports.
 */
import type { ContentBlockParam, MessageParam, TextBlockParam, Tool as ApiTool, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ConversationRecord } from './conversation';

/** Characters per token: starts conservative, then follows what the API reports. */
export class TokenEstimator {
  private charsPerToken = 3.2;

  estimate(value: unknown): number {
    return Math.ceil(weightedChars(value) / this.charsPerToken);
  }

  /** After a response: `chars` of prompt cost `tokens` input tokens. */
  calibrate(value: unknown, tokens: number): void {
    if (tokens < 500) return; // too small to say anything
    const ratio = weightedChars(value) / tokens;
    this.charsPerToken = Math.min(6, Math.max(1.5, ratio));
  }
}

/** JSON length, with an image counted as about 1,600 tokens rather than its base64 size. */
function weightedChars(value: unknown): number {
  let images = 0;
  const json = JSON.stringify(value, (key, v: unknown) => {
    if (key === 'source' && v && typeof v === 'object' && (v as { type?: string }).type === 'base64') {
      images++;
      return undefined;
    }
    return v;
  });
  return (json?.length ?? 0) + images * 1600 * 4;
}

export interface Budget {
  contextWindow: number;
  maxOutputTokens: number;
}

/** Tokens the prompt may use. */
export function promptBudget(b: Budget): number {
  const reserve = Math.max(1000, Math.round(b.contextWindow * 0.02));
  return Math.max(1000, b.contextWindow - b.maxOutputTokens - reserve);
}

export const SHORTENED_MARKER = '[Elixir Agent shortened this older tool result to keep the conversation within the context window.';

/** Tool results of the newest assistant turns are never shortened. */
const KEEP_RECENT_TURNS = 2;
const SHORTEN_ABOVE_CHARS = 800;

/**
 * Shortens older tool results (oldest first) until `fits()` says the prompt
 * fits. Changes the record in place; returns how many results were shortened.
 */
export function shortenOldToolResults(record: ConversationRecord, fits: () => boolean): number {
  if (fits()) return 0;
  const turns = record.messages.filter((m) => m.view.role === 'assistant' && !m.excluded && m.toolResults?.length);
  const candidates = turns.slice(0, Math.max(0, turns.length - KEEP_RECENT_TURNS));
  let count = 0;
  for (const m of candidates) {
    const results = m.toolResults ?? [];
    for (const [i, r] of results.entries()) {
      const text = resultText(r);
      if (text.length <= SHORTEN_ABOVE_CHARS || text.startsWith(SHORTENED_MARKER)) continue;
      const head = text.slice(0, 400);
      results[i] = {
        ...r,
        content: [
          {
            type: 'text',
            text: `${SHORTENED_MARKER} It had ${text.length} characters; the first 400 follow. Run the tool again if you need all of it.]\n${head}`,
          },
        ],
      };
      count++;
      if (fits()) return count;
    }
  }
  return count;
}

function resultText(r: ToolResultBlockParam): string {
  if (typeof r.content === 'string') return r.content;
  return (r.content ?? []).map((b) => (b.type === 'text' ? b.text : b.type === 'image' ? '[image]' : '')).join('\n');
}

/** Truncates a tool result that is too large, keeping its head and tail, with a marker the model understands. */
export function truncateToolText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * 0.8);
  const tail = maxChars - head;
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}\n\n[... ${cut} characters truncated by Elixir Agent: the result had ${text.length} characters; the first ${head} and the last ${tail} are shown. Narrow the request (offset/limit, a more specific pattern) to see the rest ...]\n\n${text.slice(text.length - tail)}`;
}

/**
 * Marks at most 4 prompt-cache breakpoints: the tools, the system prompt, and
 * the last two user turns (the newest caches this turn's prefix; the one before
 * reads the prefix cached by the previous request). Returns copies; the
 * inputs are not changed.
 */
export function withCacheBreakpoints(
  system: TextBlockParam[],
  tools: ApiTool[],
  messages: MessageParam[],
): { system: TextBlockParam[]; tools: ApiTool[]; messages: MessageParam[] } {
  const eph = { type: 'ephemeral' as const };
  const outTools = tools.map((t, i) => (i === tools.length - 1 ? { ...t, cache_control: eph } : t));
  const outSystem = system.map((b, i) => (i === system.length - 1 ? { ...b, cache_control: eph } : b));
  let budget = 4 - (outTools.length ? 1 : 0) - (outSystem.length ? 1 : 0);
  const outMessages = messages.map((m) => ({ ...m }));
  for (const m of [...outMessages].reverse()) {
    if (budget <= 0) break;
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    const content = [...m.content];
    const j = lastCacheable(content);
    if (j < 0) continue;
    content[j] = { ...content[j], cache_control: eph } as ContentBlockParam;
    m.content = content;
    budget--;
  }
  return { system: outSystem, tools: outTools, messages: outMessages };
}

function lastCacheable(content: ContentBlockParam[]): number {
  for (let j = content.length - 1; j >= 0; j--) {
    const b = content[j]!;
    if (b.type === 'thinking' || b.type === 'redacted_thinking') continue;
    if (b.type === 'text' && !b.text) continue;
    return j;
  }
  return -1;
}
