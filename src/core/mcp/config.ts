/**
 * Reading MCP server declarations in Claude Code's format:
 *   {"mcpServers": {"name": {"type": "http"|"sse"|"stdio", "url", "headers", "command", "args", "env"}}}
 * as found in a project's `.mcp.json` and in the `elixirAgent.mcp.servers` setting
 * (the same entries without the `mcpServers` wrapper).
 * `${VAR}` and `${VAR:-default}` are expanded in command, args, env, url and headers,
 * as Claude Code does; a variable that is unset and has no default disables that server.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isTidewaveUrl } from './tidewave';
import type { McpServerConfig, McpServerSource, McpServerSpec } from './types';

export const MCP_JSON = '.mcp.json';

export type Env = Record<string, string | undefined>;

/** Expands `${VAR}` and `${VAR:-default}`; names of unset variables without a default go to `missing`. */
export function expandEnvVars(value: string, env: Env, missing: Set<string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_whole, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    if (v === '') return '';
    missing.add(name);
    return '';
  });
}

export interface ParseOptions {
  source: McpServerSource;
  /** File or setting name, for messages. */
  origin: string;
  env: Env;
  /** Default working directory of stdio servers (the folder holding `.mcp.json`). */
  baseDir: string;
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
  const missing = new Set<string>();
  const x = (s: string): string => expandEnvVars(s, opts.env, missing);
  let config: McpServerConfig;
  if (type === 'stdio') {
    if (typeof entry.command !== 'string' || !entry.command.trim()) return `${where} needs a "command"`;
    if (entry.args !== undefined && !(Array.isArray(entry.args) && entry.args.every((a) => typeof a === 'string'))) {
      return `${where}: "args" must be an array of strings`;
    }
    const env = stringMap(entry.env, '"env"', problems);
    const cwd = typeof entry.cwd === 'string' ? path.resolve(opts.baseDir, x(entry.cwd)) : opts.baseDir;
    config = {
      type: 'stdio',
      command: x(entry.command),
      args: ((entry.args as string[] | undefined) ?? []).map(x),
      env: env && Object.fromEntries(Object.entries(env).map(([k, v]) => [k, x(v)])),
      cwd,
    };
  } else {
    if (typeof entry.url !== 'string' || !entry.url.trim()) return `${where} needs a "url"`;
    const url = x(entry.url);
    const headers = stringMap(entry.headers, '"headers"', problems);
    config = { type, url, headers: headers && Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, x(v)])) };
    if (missing.size === 0) {
      try {
        const u = new URL(url);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`"url" must be http or https, not ${u.protocol}`);
      } catch {
        problems.push(`"url" is not a valid URL: ${url}`);
      }
    }
  }
  if (problems.length) return `${where}: ${problems.join('; ')}`;
  const spec: McpServerSpec = { name, config, source: opts.source, origin: opts.origin };
  if (config.type !== 'stdio' && isTidewaveUrl(config.url)) spec.tidewave = true;
  if (missing.size) spec.problem = `missing environment variable${missing.size > 1 ? 's' : ''} ${[...missing].join(', ')} (used in ${opts.origin})`;
  return spec;
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

/** Reads `<dir>/.mcp.json`; a missing file is no servers and no problem. */
export async function loadMcpJson(dir: string, env: Env = process.env): Promise<ParsedServers> {
  const file = path.join(dir, MCP_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: [], problems: [] };
    return { servers: [], problems: [`${file}: ${(err as Error).message}`] };
  }
  return parseMcpJson(text, { source: 'mcp.json', origin: file, env, baseDir: dir });
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
