/**
 * A tool's parameters, written once as a zod schema: the JSON schema the model
 * sees and the parser of what it sends both come from it (defineTool).
 *
 * Models do not always send what the schema says, so before zod checks the
 * input it is forgiven the usual slips, each checked against the schema:
 * `null` for an omitted optional parameter, "true"/"false" for a boolean, "5"
 * for an integer, one string for an array of strings, an array of objects sent
 * as a JSON string, and a parameter's earlier name (aliases). Anything else
 * that does not fit becomes one sentence naming the parameter, what it must
 * be and what came, so the model can correct the call.
 */
import { z } from 'zod';
import type { JsonSchema } from './types';

type Schema = Record<string, unknown>;

/** zod writes ±2^53-1 as the bounds of every integer; the model does not need them. */
const SAFE_INT_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

function tidy(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(tidy);
  const o = node as Schema;
  for (const k of ['minimum', 'maximum'] as const) if (SAFE_INT_BOUNDS.has(o[k] as number)) delete o[k];
  for (const v of Object.values(o)) tidy(v);
}

/** The model-facing JSON schema of a tool's parameters (what the caller sends: defaults are optional). */
export function jsonSchemaOf(input: z.ZodType): JsonSchema {
  const schema = z.toJSONSchema(input, { io: 'input', target: 'draft-07' }) as Schema;
  delete schema.$schema;
  tidy(schema);
  if (schema.type !== 'object') throw new Error('A tool takes an object of parameters.');
  return schema as JsonSchema;
}

const typeOf = (s: Schema | undefined): string | undefined => (typeof s?.type === 'string' ? s.type : undefined);

/** The input with the usual slips forgiven, as far as the schema says what was meant. */
function forgive(value: unknown, schema: Schema | undefined): unknown {
  const type = typeOf(schema);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if ((type === 'integer' || type === 'number') && typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  if (type === 'array' && typeof value === 'string') {
    const items = schema?.items as Schema | undefined;
    if (typeOf(items) === 'string') return [value];
    if (typeOf(items) === 'object' && value.trim().startsWith('[')) {
      try {
        return forgive(JSON.parse(value), schema);
      } catch {
        return value;
      }
    }
  }
  if (type === 'array' && Array.isArray(value)) return value.map((v) => forgive(v, schema?.items as Schema | undefined));
  if (type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    const props = (schema?.properties ?? {}) as Record<string, Schema>;
    const required = (schema?.required ?? []) as string[];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null && k in props && !required.includes(k)) continue;
      out[k] = k in props ? forgive(v, props[k]) : v;
    }
    return out;
  }
  return value;
}

/** Earlier names of parameters, renamed when the current name is absent. */
function renameAliases(raw: Record<string, unknown>, aliases: Record<string, string> | undefined): Record<string, unknown> {
  if (!aliases) return raw;
  const out = { ...raw };
  for (const [old, current] of Object.entries(aliases)) {
    if (old in out && out[current] === undefined) out[current] = out[old];
    delete out[old];
  }
  return out;
}

function schemaAt(root: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = root;
  for (const key of path) {
    if (!s) return undefined;
    s = (typeof key === 'number' ? s.items : (s.properties as Record<string, Schema> | undefined)?.[String(key)]) as Schema | undefined;
  }
  return s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** "a string", "an array of {old_string, new_string, replace_all?} objects", "one of a, b". */
function expected(s: Schema | undefined): string {
  if (Array.isArray(s?.enum)) return `one of ${s.enum.join(', ')}`;
  switch (typeOf(s)) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array': {
      const items = s?.items as Schema | undefined;
      if (typeOf(items) === 'object') {
        const required = (items?.required ?? []) as string[];
        const keys = Object.keys((items?.properties ?? {}) as Schema).map((k) => (required.includes(k) ? k : `${k}?`));
        return `an array of {${keys.join(', ')}} objects`;
      }
      return `an array of ${typeOf(items) ?? 'value'}s`;
    }
    case 'object':
      return 'an object';
    default:
      return 'a valid value';
  }
}

function shown(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v && typeof v === 'object') return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function pathName(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** One sentence the model can act on, for the first thing wrong with the input. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown, schema: Schema, toolName: string): string {
  const name = pathName(issue.path);
  const at = schemaAt(schema, issue.path);
  const got = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.path.length === 0) return `${toolName} expects an object of parameters.`;
      return got === undefined ? `Parameter ${name} is required and must be ${expected(at)}.` : `Parameter ${name} must be ${expected(at)}, got ${shown(got)}.`;
    case 'invalid_value':
      return `Parameter ${name} must be ${expected(at)}; got ${shown(got)}.`;
    case 'too_small':
      if (issue.origin === 'array') {
        return Number(issue.minimum) === 1 ? `Parameter ${name} must be a non-empty ${expected(at).replace(/^an /, '')}.` : `Parameter ${name} must have at least ${issue.minimum} items.`;
      }
      if (issue.origin === 'string') return `Parameter ${name} must not be empty.`;
      return `Parameter ${name} must be at least ${issue.minimum}, got ${shown(got)}.`;
    case 'too_big':
      if (issue.origin === 'array') return `Parameter ${name} must have at most ${issue.maximum} items.`;
      return `Parameter ${name} must be at most ${issue.maximum}, got ${shown(got)}.`;
    case 'unrecognized_keys': {
      const known = Object.keys((at?.properties ?? {}) as Schema);
      const where = name ? ` in ${name}` : '';
      return `Unknown parameter${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}${where}: ${toolName} takes ${known.join(', ')}.`;
    }
    default:
      // A refinement's message: a whole sentence, or what the parameter must be ("must be a non-empty string").
      return /^[A-Z]/.test(issue.message) || !name ? issue.message : `Parameter ${name} ${issue.message}.`;
  }
}

export type InputParser<T> = (raw: unknown) => { ok: true; value: T } | { ok: false; message: string };

/** The parser of a tool's input: forgive the usual slips, then check with zod. */
export function inputParser<S extends z.ZodType>(toolName: string, input: S, jsonSchema: JsonSchema, aliases?: Record<string, string>): InputParser<z.output<S>> {
  return (raw) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, message: `${toolName} expects an object of parameters.` };
    const forgiven = forgive(renameAliases(raw as Record<string, unknown>, aliases), jsonSchema);
    const result = input.safeParse(forgiven);
    if (result.success) return { ok: true, value: result.data };
    return { ok: false, message: describeIssue(result.error.issues[0] as z.core.$ZodIssue, forgiven, jsonSchema, toolName) };
  };
}
