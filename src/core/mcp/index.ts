/**
 * MCP for the agent: which servers a project declares, and a manager that
 * connects them and offers their tools. Used by the extension (src/vscode/mcp)
 * and by `elixir-agent run` (headless):
 *
 *   const mcp = await createMcpManager({ cwd, approve: (req) => userSaidYes(req) });
 *   await mcp.whenSettled();
 *   const tools = [...builtinTools, ...mcp.tools()];
 *   ...
 *   await mcp.dispose();
 */
import * as path from 'node:path';
import { loadMcpJson, mergeServers, parseServerMap, type Env } from './config';
import { McpManager, type McpManagerOptions } from './manager';
import { normalizeMcpName } from './naming';
import { discoverTidewave, TIDEWAVE_SERVER_NAME } from './tidewave';
import type { McpServerSpec } from './types';

export { McpManager, type McpManagerOptions } from './manager';
export { approvalQuestion, definitionLines, commandLine, McpApprovalStore, decideFromSources, type McpApprovalSource, type McpApprovalDecision, type McpApprovalRecord } from './approval';
export { mcpToolHint, mcpToolName, parseMcpToolName, matchesMcpPattern, normalizeMcpName } from './naming';
export type { McpServerSpec, McpServerStatus, McpServerState, McpApprovalRequest, McpLogger } from './types';

/** A value of the servers setting that comes from the repository (workspace or folder settings). */
export interface ProjectSettingsValue {
  value: unknown;
  /** Where it is declared (`.vscode/settings.json`, a `.code-workspace` file), for messages. */
  origin: string;
  /** The folder its stdio servers run in. */
  baseDir: string;
}

export interface CollectOptions {
  /** Folders whose `.mcp.json` is read (in order: the first wins on equal names). */
  folders: readonly string[];
  /** Extra servers in `.mcp.json` entry format from the user's own settings (trusted); these win over `.mcp.json`. */
  settings?: unknown;
  /**
   * The same setting's values from repository content (workspace-folder settings, then the
   * workspace's), in precedence order; they win over the user's, and each server needs approval.
   */
  projectSettings?: readonly ProjectSettingsValue[];
  /** Tidewave discovery (default on); `port` overrides config/dev.exs. */
  tidewave?: boolean | { port?: number };
  env?: Env;
}

/** Every server the configuration declares, plus Tidewave when discovered and not declared already. */
export async function collectServers(opts: CollectOptions): Promise<{ servers: McpServerSpec[]; problems: string[] }> {
  const env = opts.env ?? process.env;
  const problems: string[] = [];
  const lists: McpServerSpec[][] = [];
  for (const p of opts.projectSettings ?? []) {
    const parsed = parseServerMap(p.value, { source: 'settings', origin: p.origin, baseDir: p.baseDir, project: true });
    problems.push(...parsed.problems);
    lists.push(parsed.servers);
  }
  const fromSettings = parseServerMap(opts.settings, {
    source: 'settings',
    origin: 'setting elixirAgent.mcp.servers',
    baseDir: opts.folders[0] ?? process.cwd(),
  });
  problems.push(...fromSettings.problems);
  lists.push(fromSettings.servers);
  for (const folder of opts.folders) {
    const parsed = await loadMcpJson(folder);
    problems.push(...parsed.problems);
    lists.push(parsed.servers);
  }
  const merged = mergeServers(lists, normalizeMcpName);
  problems.push(...merged.shadowed);
  const servers = merged.servers;
  if (opts.tidewave !== false) {
    const declared = servers.some((s) => s.tidewave || normalizeMcpName(s.name) === TIDEWAVE_SERVER_NAME);
    if (!declared) {
      const port = typeof opts.tidewave === 'object' ? opts.tidewave.port : undefined;
      const found = await discoverTidewave(opts.folders, { port, env });
      if (found) servers.push(found);
    }
  }
  return { servers, problems };
}

export interface CreateMcpManagerOptions extends Omit<McpManagerOptions, 'servers' | 'problems'> {
  /** The project directory: its `.mcp.json` is read and stdio servers run there. */
  cwd: string;
  /** More folders (multi-root); default [cwd]. */
  folders?: string[];
  /** Extra servers in `.mcp.json` entry format, from the caller's own (trusted) configuration. */
  servers?: unknown;
  tidewave?: boolean | { port?: number };
  /** Start connecting at once (default true). */
  start?: boolean;
}

/** Loads `.mcp.json` (and Tidewave) for a directory and starts a manager, without vscode. */
export async function createMcpManager(opts: CreateMcpManagerOptions): Promise<McpManager> {
  const cwd = path.resolve(opts.cwd);
  const { servers, problems } = await collectServers({
    folders: opts.folders?.map((f) => path.resolve(f)) ?? [cwd],
    settings: opts.servers,
    tidewave: opts.tidewave,
    env: opts.env,
  });
  for (const p of problems) opts.log?.warn(`MCP configuration: ${p}`);
  const manager = new McpManager({ ...opts, servers, problems });
  if (opts.start !== false) manager.start();
  return manager;
}
