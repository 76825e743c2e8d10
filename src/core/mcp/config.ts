/**
 * Reading MCP server declarations in Claude Code's format:
 *   {"mcpServers": {"name": {"type": "http"|"sse"|"stdio", "url", "headers", "command", "args", "env"}}}
 * as found in a project's `.mcp.json` and in the `elixirAgent.mcp.servers` setting
 * (the same entries without the `mcpServers` wrapper).
 * Definitions are kept as declared: `${VAR}` and `${VAR:-default}` are expanded
 * (see expand.ts) only when a server is about to connect, after the approval a
 * repository's server needs, and never to a secret the extension holds.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hasVariables } from './expand';
import { isTidewaveUrl } from './tidewave';
import type { McpServerConfig, McpServerSource, McpServerSpec } from './types';

export const MCP_JSON = '.mcp.json';

export type Env = Record<string, string | undefined>;

export interface ParseOptions {
  source: McpServerSource;
  /** File or setting name, for messages. */
  origin: string;
  /** Default working directory of stdio servers (the folder holding `.mcp.json`). */
  baseDir: string;
  /** Repository content (workspace settings): needs the user's approval. `.mcp.json` always does. */
  project?: boolean;
}

export interface ParsedServers {
  servers: McpServerSpec[];
  /** Entries that could not be read at all (wrong shape); each names the entry. */
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown, what: string, problems: string[]): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) {
    problems.push(`${what} must be an object of strings`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else problems.push(`${what}.${k} must be a string`);
  }
  return out;
}

/** One server entry; returns the spec or a problem message. */
export function parseServerEntry(name: string, entry: unknown, opts: ParseOptions): McpServerSpec | string {
  const where = `${opts.origin}: server "${name}"`;
  if (!name.trim()) return `${opts.origin}: a server has an empty name`;
  if (!isRecord(entry)) return `${where} must be an object`;
  const declared = entry.type;
  const type =
    declared === undefined ? (typeof entry.command === 'string' ? 'stdio' : typeof entry.url === 'string' ? 'http' : undefined) : declared;
  if (type !== 'stdio' && type !== 'http' && type !== 'sse') {
    return type === undefined
      ? `${where} needs a "command" (stdio) or a "url" (http, sse)`
      : `${where} has type ${JSON.stringify(type)}; supported types are "stdio", "http" and "sse"`;
  }
  const problems: string[] = [];
  let config: McpServerConfig;
  if (type === 'stdio') {
    if (typeof entry.command !== 'string' || !entry.command.trim()) return `${where} needs a "command"`;
    if (entry.args !== undefined && !(Array.isArray(entry.args) && entry.args.every((a) => typeof a === 'string'))) {
      return `${where}: "args" must be an array of strings`;
    }
    if (entry.cwd !== undefined && typeof entry.cwd !== 'string') return `${where}: "cwd" must be a string`;
    const env = stringMap(entry.env, '"env"', problems);
    // A cwd with variables is resolved against baseDir once expanded.
    const cwd = typeof entry.cwd === 'string' && !hasVariables(entry.cwd) ? path.resolve(opts.baseDir, entry.cwd) : (entry.cwd ?? opts.baseDir);
    config = { type: 'stdio', command: entry.command, args: (entry.args as string[] | undefined) ?? [], env, cwd };
  } else {
    if (typeof entry.url !== 'string' || !entry.url.trim()) return `${where} needs a "url"`;
    const url = entry.url;
    const headers = stringMap(entry.headers, '"headers"', problems);
    config = { type, url, headers };
    // A url with variables is checked once expanded.
    const urlProblem = hasVariables(url) ? undefined : checkUrl(url);
    if (urlProblem) problems.push(urlProblem);
  }
  if (problems.length) return `${where}: ${problems.join('; ')}`;
  const spec: McpServerSpec = { name, config, source: opts.source, origin: opts.origin };
  if (opts.project || opts.source === 'mcp.json') spec.project = true;
  if (config.type === 'stdio') spec.baseDir = opts.baseDir;
  if (config.type !== 'stdio' && isTidewaveUrl(config.url)) spec.tidewave = true;
  return spec;
}

/** Why a url cannot be used, or undefined. */
export function checkUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `"url" must be http or https, not ${u.protocol}`;
    return undefined;
  } catch {
    return `"url" is not a valid URL: ${url}`;
  }
}

/** A map of name -> entry (the `mcpServers` object, or the setting's value). */
export function parseServerMap(map: unknown, opts: ParseOptions): ParsedServers {
  const out: ParsedServers = { servers: [], problems: [] };
  if (map === undefined || map === null) return out;
  if (!isRecord(map)) {
    out.problems.push(`${opts.origin}: expected an object of servers`);
    return out;
  }
  for (const [name, entry] of Object.entries(map)) {
    const parsed = parseServerEntry(name, entry, opts);
    if (typeof parsed === 'string') out.problems.push(parsed);
    else out.servers.push(parsed);
  }
  return out;
}

/** Parses the text of a `.mcp.json`. */
export function parseMcpJson(text: string, opts: ParseOptions): ParsedServers {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { servers: [], problems: [`${opts.origin}: invalid JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
  if (!isRecord(raw)) return { servers: [], problems: [`${opts.origin}: expected an object with "mcpServers"`] };
  if (raw.mcpServers === undefined) return { servers: [], problems: [`${opts.origin}: no "mcpServers" object`] };
  return parseServerMap(raw.mcpServers, opts);
}

/** Reads `<dir>/.mcp.json` (repository content: every server needs approval); a missing file is no servers and no problem. */
export async function loadMcpJson(dir: string): Promise<ParsedServers> {
  const file = path.join(dir, MCP_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: [], problems: [] };
    return { servers: [], problems: [`${file}: ${(err as Error).message}`] };
  }
  return parseMcpJson(text, { source: 'mcp.json', origin: file, baseDir: dir, project: true });
}

/**
 * Merges server lists in precedence order (first wins on equal names, compared
 * after normalization since both would give the same tool names).
 */
export function mergeServers(lists: McpServerSpec[][], normalize: (n: string) => string): { servers: McpServerSpec[]; shadowed: string[] } {
  const seen = new Map<string, McpServerSpec>();
  const shadowed: string[] = [];
  for (const list of lists) {
    for (const spec of list) {
      const key = normalize(spec.name);
      const first = seen.get(key);
      if (first) shadowed.push(`server "${spec.name}" from ${spec.origin ?? spec.source} is ignored: "${first.name}" from ${first.origin ?? first.source} has the same name`);
      else seen.set(key, spec);
    }
  }
  return { servers: [...seen.values()], shadowed };
}
