/**
 * Model-facing names of MCP tools (`mcp__<server>__<tool>`), the persona's
 * patterns for them, and hints for tool names a server no longer offers.
 */
import { createHash } from 'node:crypto';

/** The Messages API accepts tool names matching ^[a-zA-Z0-9_-]{1,64}$. */
export const MAX_TOOL_NAME = 64;

/** As Claude Code does: anything outside [a-zA-Z0-9_-] becomes `_`. */
export function normalizeMcpName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** `mcp__<server>__<tool>`; names over 64 characters are cut and end in a short hash so they stay unique. */
export function mcpToolName(server: string, tool: string): string {
  const full = `mcp__${normalizeMcpName(server)}__${normalizeMcpName(tool)}`;
  if (full.length <= MAX_TOOL_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_TOOL_NAME - 9)}_${hash}`;
}

/** Splits `mcp__server__tool` (or `mcp__server`, `mcp__server__*`); undefined for other names. */
export function parseMcpToolName(name: string): { server: string; tool?: string } | undefined {
  const m = /^mcp__(.+?)(?:__(.*))?$/.exec(name);
  if (!m || !m[1]) return undefined;
  return m[2] === undefined || m[2] === '' ? { server: m[1] } : { server: m[1], tool: m[2] };
}

/**
 * Does a persona's `tools` entry cover this MCP tool name?
 * Entries: the exact name, `mcp__server` (every tool of that server) or `mcp__server__*`.
 */
export function matchesMcpPattern(pattern: string, toolName: string): boolean {
  const p = pattern.trim();
  if (p === toolName) return true;
  const pat = parseMcpToolName(p);
  const name = parseMcpToolName(toolName);
  if (!pat || !name || normalizeMcpName(pat.server) !== name.server) return false;
  return pat.tool === undefined || pat.tool === '*';
}

/**
 * Tools Tidewave removed or renamed over its versions (its changelog), with
 * what to use instead in 0.9.
 */
const TIDEWAVE_RENAMED: Record<string, string> = {
  get_package_location:
    'Tidewave 0.5.0 folded get_package_location into get_source_location: call mcp__tidewave__get_source_location with reference "dep:PACKAGE" (e.g. "dep:phoenix").',
  list_liveview_pages:
    'Tidewave 0.4.0 removed list_liveview_pages: use mcp__tidewave__project_eval with `Phoenix.Router.routes(MyAppWeb.Router)` to list the routes, or read the router file.',
  search_package_docs:
    'Tidewave 0.6.0 moved search_package_docs out of its MCP server into the Hex CLI: use mcp__tidewave__get_docs with a module or function reference (e.g. "Ecto.Query.preload/3").',
  get_ecto_schemas:
    'Tidewave 0.9.0 removed get_ecto_schemas: use mcp__tidewave__project_eval (e.g. listing modules that export __schema__/1) or Grep for "use Ecto.Schema".',
  get_models: 'Tidewave removed get_models: use mcp__tidewave__project_eval or Grep to find the modules you need.',
  read_project_file: 'Tidewave 0.4.0 removed its file tools: use the built-in Read tool.',
  write_project_file: 'Tidewave 0.4.0 removed its file tools: use the built-in Write tool.',
  edit_project_file: 'Tidewave 0.4.0 removed its file tools: use the built-in Edit tool.',
  list_project_files: 'Tidewave 0.4.0 removed its file tools: use the built-in Glob or LS tools.',
  glob_project_files: 'Tidewave 0.4.0 removed its file tools: use the built-in Glob tool.',
  grep_project_files: 'Tidewave 0.2.0 removed grep_project_files: use the built-in Grep tool.',
  shell_eval: 'Tidewave removed shell_eval: use the built-in Bash tool.',
  package_search: 'Tidewave 0.2.0 removed package_search: use the built-in Bash tool with `mix hex.search NAME`.',
};

function closest(tool: string, available: readonly string[]): string | undefined {
  const words = (s: string) => new Set(s.toLowerCase().split(/[_\-\s]+/).filter(Boolean));
  const mine = words(tool);
  let best: { name: string; score: number } | undefined;
  for (const name of available) {
    const theirs = words(name);
    let shared = 0;
    for (const w of mine) if (theirs.has(w)) shared++;
    const score = shared / Math.max(mine.size, theirs.size);
    if (score > 0 && (!best || score > best.score)) best = { name, score };
  }
  return best && best.score >= 0.5 ? best.name : undefined;
}

/**
 * A hint for a tool name the persona asks for but the server does not offer
 * (or undefined when there is nothing useful to say).
 * @param server the server's name as the persona writes it (`tidewave`)
 * @param tool the tool's name without prefix (`get_package_location`)
 * @param available the tools the server offers now (their short names), when known
 */
export function mcpToolHint(server: string, tool: string, available?: readonly string[]): string | undefined {
  if (available?.includes(tool)) return undefined;
  const isTidewave = /tidewave/i.test(server);
  if (isTidewave && TIDEWAVE_RENAMED[tool]) return TIDEWAVE_RENAMED[tool];
  const near = available && closest(tool, available);
  if (near) return `the server "${server}" has no tool "${tool}"; did you mean mcp__${normalizeMcpName(server)}__${near}?`;
  if (available) return `the server "${server}" has no tool "${tool}"${available.length ? ` (it offers: ${available.join(', ')})` : ''}`;
  return undefined;
}
