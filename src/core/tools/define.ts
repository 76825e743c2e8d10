/**
 * Shared plumbing for the tools: parameters declared once as a zod schema
 * (toolInput.ts makes the model's JSON schema and the parser from it), and a
 * wrapper that turns every failure into an is_error result instead of an
 * exception (so one bad call never breaks the loop).
 */
import type { z } from 'zod';
import { inputParser, jsonSchemaOf } from './toolInput';
import { ToolError, errorResult, type ApprovalRequest, type Tool, type ToolContext, type ToolKind, type ToolResult } from './types';

export interface ToolSpec<S extends z.ZodType> {
  name: string;
  /** Read when the request is built: a getter may change it (executeCode mentions Tidewave when it is connected). */
  readonly description: string;
  kind: ToolKind;
  readOnly: boolean;
  /** The parameters: a zod object, strict (unknown parameters are refused). A transform may reshape them or throw a ToolError. */
  input: S;
  /** Earlier names of parameters still accepted: { shell_id: 'task_id' }. */
  aliases?: Record<string, string>;
  describe?(input: z.output<S>, ctx: ToolContext): Promise<ApprovalRequest>;
  run(input: z.output<S>, ctx: ToolContext): Promise<ToolResult>;
}

function messageOf(err: unknown): string {
  if (err instanceof ToolError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    const what = e.path ? ` (${e.path})` : '';
    const known: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EISDIR: 'is a directory',
      ENOTDIR: 'not a directory',
      ENOENT: 'no such file or directory',
      ENOSPC: 'no space left on device',
      EROFS: 'read-only file system',
      ELOOP: 'too many levels of symbolic links',
      EMFILE: 'too many open files',
      EBUSY: 'resource busy',
    };
    return `${known[e.code] ?? e.message}${what}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Build a Tool whose invoke never throws: bad input and failures become is_error results. */
export function defineTool<S extends z.ZodType>(spec: ToolSpec<S>): Tool {
  const inputSchema = jsonSchemaOf(spec.input);
  const parser = inputParser(spec.name, spec.input, inputSchema, spec.aliases);
  const parse = (raw: unknown): z.output<S> => {
    const parsed = parser(raw);
    if (!parsed.ok) throw new ToolError(parsed.message);
    return parsed.value;
  };
  const tool: Tool = {
    name: spec.name,
    get description() {
      return spec.description;
    },
    inputSchema,
    kind: spec.kind,
    readOnly: spec.readOnly,
    checkInput(raw) {
      try {
        const parsed = parser(raw);
        return parsed.ok ? undefined : parsed.message;
      } catch (err) {
        return messageOf(err);
      }
    },
    async invoke(raw, ctx) {
      try {
        if (ctx.signal.aborted) return errorResult(`${spec.name} was cancelled before it started.`);
        return await spec.run(parse(raw), ctx);
      } catch (err) {
        if (ctx.signal.aborted) return errorResult(`${spec.name} was cancelled.`);
        return errorResult(err instanceof ToolError ? err.message : `${spec.name} failed: ${messageOf(err)}`);
      }
    },
  };
  if (spec.describe) {
    const describe = spec.describe;
    tool.describe = async (raw, ctx) => {
      try {
        return await describe(parse(raw), ctx);
      } catch (err) {
        // Describing must not fail: show what we can and say why it will not work.
        return { title: `${spec.name}`, warning: `This call will fail: ${messageOf(err)}` };
      }
    };
  }
  return tool;
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
