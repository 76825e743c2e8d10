/**
 * Resolves an agent's `tools` / `disallowedTools` against what the host
 * offers right now: builtin tools (each perhaps unavailable for a reason,
 * e.g. Restricted Mode) and MCP servers with their state and tool lists.
 * Every name the agent lists gets a status (available, unavailable with a
 * reason, unknown with a hint); nothing is dropped silently, nothing throws.
 */
import { mcpToolHint } from '../mcp/naming';
import { parseRule, parseRules, type PermissionRule, type RuleSet } from '../permissions';
import { BASH_COMPANIONS, TOOL_ALIASES } from '../tools/names';
import { BUILTIN_TOOL_NAMES, NOT_OFFERED } from './claudeTools';
import { closest } from './similar';
import type { AgentDefinition, ToolStatus } from './types';

export { BUILTIN_TOOL_NAMES } from './claudeTools';

/** The `ide` channel's tools (served by the extension, named like MCP tools). */
export const IDE_TOOL_NAMES = ['mcp__ide__getDiagnostics', 'mcp__ide__executeCode'] as const;

export type McpServerState = 'connected' | 'connecting' | 'down' | 'disabled';

export interface OfferedTool {
  name: string;
  /** Set when the tool exists but cannot run now ("disabled in Restricted Mode"). */
  unavailable?: string;
}

export interface McpServerOffer {
  name: string;
  state: McpServerState;
  /**
   * Its tools from `tools/list`, when connected: short names (`get_logs`) or
   * model-facing names (`mcp__tidewave__get_logs`, as McpServerStatus has them).
   */
  tools?: string[];
  /** Why it is not connected: an error, "Restricted Mode", ... */
  detail?: string;
}

export interface ToolOffer {
  /** Builtin tools and any other directly offered tool (the `ide` channel's tools by full name). */
  tools: OfferedTool[];
  mcpServers: McpServerOffer[];
  /**
   * How to treat an MCP server nobody reported: `unknown` in the editor (it is
   * not configured), `not-connected` in the CLI check (it does not start servers).
   */
  unlistedMcpServer?: 'unknown' | 'not-connected';
}

export interface ToolResolution {
  /** One entry per name the agent lists (or, when `tools` is omitted, per offered tool and server). */
  statuses: ToolStatus[];
  /** Tool names to give the model now: available and not disallowed. */
  enabled: string[];
}

type Pattern = { kind: 'tool'; name: string } | { kind: 'server'; server: string };

/** `mcp__s__t` → tool, `mcp__s` and `mcp__s__*` → whole server, anything else → a tool name. */
export function parseToolPattern(entry: string): Pattern & { server?: string; tool?: string } {
  const m = /^mcp__(.+?)(?:__(.*))?$/.exec(entry);
  if (!m) return { kind: 'tool', name: entry };
  const server = m[1]!;
  const tool = m[2];
  if (tool === undefined || tool === '*' || tool === '') return { kind: 'server', server };
  return { kind: 'tool', name: entry, server, tool };
}

const stateText = (s: McpServerOffer): string => {
  const what =
    s.state === 'connecting' ? 'is still connecting' : s.state === 'disabled' ? 'is disabled' : s.state === 'down' ? 'is not running' : 'is connected';
  return `MCP server "${s.name}" ${what}${s.detail ? ` (${s.detail})` : ''}`;
};

/** Resolves an agent's tools against an offer. */
export function resolveTools(agent: Pick<AgentDefinition, 'tools' | 'disallowedTools'>, offer: ToolOffer): ToolResolution {
  const offered = new Map(offer.tools.map((t) => [t.name, t]));
  const servers = new Map(offer.mcpServers.map((s) => [s.name, s]));
  const shortNames = (s: McpServerOffer): string[] =>
    (s.tools ?? []).map((t) => (t.startsWith(`mcp__${s.name}__`) ? t.slice(`mcp__${s.name}__`.length) : t));
  const serverToolNames = (s: McpServerOffer): string[] => (s.state === 'connected' ? shortNames(s).map((t) => `mcp__${s.name}__${t}`) : []);
  /** Every tool name that exists right now. */
  const universe = [...offered.keys(), ...offer.mcpServers.flatMap(serverToolNames)];

  const matches = (entry: string, name: string): boolean => {
    const p = parseToolPattern(entry);
    return p.kind === 'server' ? name.startsWith(`mcp__${p.server}__`) : p.name === name;
  };
  // A scoped entry (`Bash(rm *)`) does not remove the tool: it denies matching calls (agentPermissionRules).
  const disallowed = (agent.disallowedTools ?? []).map(wholeToolEntry).filter((e): e is string => e !== undefined);
  const isDisallowed = (name: string): boolean => disallowed.some((d) => matches(d, name));
  const usable = (name: string): boolean => !isDisallowed(name) && !offered.get(name)?.unavailable;

  const statuses: ToolStatus[] = [];
  const enabled = new Set<string>();

  const resolveName = (name: string): ToolStatus => {
    if (isDisallowed(name)) return { name, status: 'unavailable', reason: 'removed by disallowedTools' };
    const direct = offered.get(name);
    if (direct) {
      if (direct.unavailable) return { name, status: 'unavailable', reason: direct.unavailable };
      enabled.add(name);
      return { name, status: 'available' };
    }
    const renamed = TOOL_ALIASES[name];
    if (renamed && !offered.has(name)) {
      // An earlier Claude Code name (BashOutput, KillShell): the tool under its current name.
      const current = resolveName(renamed);
      return current.status === 'available' ? { name, status: 'available', detail: `now called ${renamed}` } : { ...current, name };
    }
    const p = parseToolPattern(name);
    if (p.server && p.tool) {
      const s = servers.get(p.server);
      if (s?.state === 'connected') {
        const available = shortNames(s);
        if (available.includes(p.tool)) {
          enabled.add(name);
          return { name, status: 'available' };
        }
        return { name, status: 'unknown', hint: mcpToolHint(p.server, p.tool, available) ?? `"${p.server}" has no tool ${p.tool}` };
      }
      // Known renames and removals (Tidewave) are flagged even when the server is not connected.
      const hint = mcpToolHint(p.server, p.tool);
      if (hint) return { name, status: 'unknown', hint };
      if (s) return { name, status: 'unavailable', reason: stateText(s) };
      if (offer.unlistedMcpServer === 'not-connected') return { name, status: 'unavailable', reason: 'not connected (MCP servers are not started here)' };
      const ideHint = p.server === 'ide' ? 'the ide channel is not available here' : `no MCP server named "${p.server}" is configured (.mcp.json or the elixirAgent.mcp.servers setting)`;
      return { name, status: 'unknown', hint: ideHint };
    }
    const known = NOT_OFFERED[name];
    if (known) return { name, status: 'unknown', hint: known };
    const guess = closest(name, [...offered.keys()].filter((n) => !n.startsWith('mcp__')), 2);
    return { name, status: 'unknown', hint: guess ? `not a tool this extension offers; did you mean ${guess}?` : 'not a tool this extension offers' };
  };

  const resolveServer = (entry: string, server: string): ToolStatus => {
    const s = servers.get(server);
    // Directly offered tools under this prefix (the ide channel) count too.
    const direct = [...offered.keys()].filter((n) => n.startsWith(`mcp__${server}__`));
    const names = [...direct, ...(s ? serverToolNames(s) : [])].filter(usable);
    if (names.length > 0 || s?.state === 'connected') {
      names.forEach((n) => enabled.add(n));
      return { name: entry, status: 'available', detail: `${names.length} tool${names.length === 1 ? '' : 's'}`, expandsTo: names };
    }
    if (direct.length > 0) {
      const why = direct.map((n) => (isDisallowed(n) ? 'removed by disallowedTools' : offered.get(n)?.unavailable)).find(Boolean);
      return { name: entry, status: 'unavailable', reason: why ?? 'unavailable' };
    }
    if (s) return { name: entry, status: 'unavailable', reason: stateText(s) };
    if (offer.unlistedMcpServer === 'not-connected') return { name: entry, status: 'unavailable', reason: 'not connected (MCP servers are not started here)' };
    return {
      name: entry,
      status: 'unknown',
      hint: `no MCP server named "${server}" is configured (.mcp.json or the elixirAgent.mcp.servers setting)`,
    };
  };

  if (agent.tools === undefined) {
    // Omitted: every tool, MCP included (minus disallowedTools).
    // Bash's companions are not listed on their own: they come with Bash (below).
    for (const t of offer.tools) if (!(BASH_COMPANIONS as readonly string[]).includes(t.name)) statuses.push(resolveName(t.name));
    for (const s of offer.mcpServers) statuses.push(resolveServer(`mcp__${s.name}`, s.name));
  } else {
    for (const entry of agent.tools) {
      const parsed = parseRule(entry);
      if ('error' in parsed) {
        statuses.push({ name: entry, status: 'unknown', hint: `not a tool name or a rule: ${parsed.error}` });
        continue;
      }
      const { rule } = parsed;
      const p = parseToolPattern(rule.kind === 'mcp' ? entry : rule.tool);
      const status = p.kind === 'server' ? resolveServer(entry, p.server) : resolveName(p.name);
      // `Bash(git *)`: the tool is granted; the specifier says what runs without asking.
      const scope = scopeText(rule);
      statuses.push({ ...status, name: entry, ...(status.status === 'available' && scope ? { detail: scope } : {}) });
    }
  }

  // Bash brings the tools that read and stop what it runs in the background.
  if (enabled.has('Bash')) for (const c of BASH_COMPANIONS) if (offered.has(c) && usable(c)) enabled.add(c);

  return { statuses, enabled: universe.filter((n) => enabled.has(n)) };
}

/** The tool an entry grants or removes whole (`Bash`, `Bash(*)`, `mcp__s`), or undefined for a scoped rule or a malformed entry. */
function wholeToolEntry(entry: string): string | undefined {
  const parsed = parseRule(entry);
  if ('error' in parsed) return undefined;
  return parsed.rule.kind === 'tool' || parsed.rule.kind === 'mcp' ? parsed.rule.tool : undefined;
}

/** What a scoped entry lets run without asking, for the tool list ("`git *` runs without asking"). */
function scopeText(rule: PermissionRule): string | undefined {
  switch (rule.kind) {
    case 'bash':
      return `\`${rule.form === 'prefix' ? `${rule.pattern}:*` : rule.pattern}\` runs without asking; other commands ask`;
    case 'path':
      return `${rule.tool === 'Read' ? 'reads' : 'changes'} of \`${rule.pattern}\` run without asking`;
    case 'agent':
    case 'specifier':
      return `only \`${rule.text}\``;
    default:
      return undefined;
  }
}

/**
 * The permission rules an agent file brings: its scoped `tools` entries
 * (`Bash(git *)`, `Edit(lib/**)`) allow matching calls without asking, its
 * scoped `disallowedTools` entries (`Bash(rm *)`) deny matching calls. Whole
 * tools (`Bash`, `Bash(*)`, `mcp__server`) are granted or removed by
 * resolveTools and still ask as usual. Malformed entries bring nothing.
 */
export function agentPermissionRules(agent: Pick<AgentDefinition, 'tools' | 'disallowedTools'>): RuleSet {
  const scoped = (list: readonly string[] | undefined): PermissionRule[] => parseRules(list ?? []).rules.filter((r) => r.kind !== 'tool' && r.kind !== 'mcp');
  return { allow: scoped(agent.tools), deny: scoped(agent.disallowedTools) };
}

/** The offer the CLI check assumes: builtin tools available, MCP servers (the ide channel included) not connected. */
export function cliToolOffer(): ToolOffer {
  return { tools: BUILTIN_TOOL_NAMES.map((name) => ({ name })), mcpServers: [], unlistedMcpServer: 'not-connected' };
}
