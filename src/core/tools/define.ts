/**
 * Shared plumbing for the builtin tools: input checking with messages the
 * model can act on, and a wrapper that turns every failure into an is_error
 * result instead of an exception (so one bad call never breaks the loop).
 */
import { ToolError, errorResult, type ApprovalRequest, type JsonSchema, type Tool, type ToolContext, type ToolKind, type ToolResult } from './types';

export type Input = Record<string, unknown>;

export interface ToolSpec<I> {
  name: string;
  description: string;
  inputSchema: JsonSchema;
  kind: ToolKind;
  readOnly: boolean;
  parse(input: Input): I;
  describe?(input: I, ctx: ToolContext): Promise<ApprovalRequest>;
  run(input: I, ctx: ToolContext): Promise<ToolResult>;
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
export function defineTool<I>(spec: ToolSpec<I>): Tool<Input> {
  const parse = (raw: unknown): I => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ToolError(`${spec.name} expects an object of parameters.`);
    return spec.parse(raw as Input);
  };
  const tool: Tool<Input> = {
    name: spec.name,
    description: spec.description,
    inputSchema: spec.inputSchema,
    kind: spec.kind,
    readOnly: spec.readOnly,
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

// ---- input checking -------------------------------------------------------

export function str(input: Input, key: string): string {
  const v = input[key];
  if (typeof v !== 'string') throw new ToolError(`Parameter ${key} is required and must be a string${v === undefined ? '' : `, got ${typeof v}`}.`);
  return v;
}

export function optStr(input: Input, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ToolError(`Parameter ${key} must be a string, got ${typeof v}.`);
  return v;
}

export function optBool(input: Input, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ToolError(`Parameter ${key} must be true or false, got ${JSON.stringify(v)}.`);
}

export function optInt(input: Input, key: string, { min, max }: { min?: number; max?: number } = {}): number | undefined {
  let v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) v = Number(v);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ToolError(`Parameter ${key} must be an integer, got ${JSON.stringify(v)}.`);
  if (min !== undefined && v < min) throw new ToolError(`Parameter ${key} must be at least ${min}, got ${v}.`);
  if (max !== undefined && v > max) throw new ToolError(`Parameter ${key} must be at most ${max}, got ${v}.`);
  return v;
}

export function oneOf<T extends string>(input: Input, key: string, values: readonly T[]): T | undefined {
  const v = optStr(input, key);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw new ToolError(`Parameter ${key} must be one of ${values.join(', ')}; got "${v}".`);
  return v as T;
}

export function optStrList(input: Input, key: string): string[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ToolError(`Parameter ${key} must be an array of strings.`);
  return v as string[];
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
