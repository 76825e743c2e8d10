/**
 * MCP in the editor: builds the server list from `.mcp.json` in each
 * workspace folder, the elixirAgent.mcp.servers setting (the user's own, and
 * the repository's workspace and folder values, told apart with inspect())
 * and Tidewave discovery; runs the core McpManager; asks the user once per
 * workspace before a server the repository declares is used (approvals.ts);
 * shows the servers' state in the status bar; offers `services.mcp` to the
 * chat and the agent resolution.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { collectServers, McpManager, type McpApprovalRequest, type McpServerStatus, type ProjectSettingsValue } from '../../core/mcp';
import type { Tool } from '../../core/tools/types';
import { HeldSecrets } from '../../core/util/heldSecrets';
import type { Config } from '../config';
import { COMMANDS, SECRET_API_KEY } from '../ids';
import type { FeatureContext } from '../context';
import { McpApprovals } from './approvals';
import { McpStatusBar } from './statusBar';
import { fileFolderPaths } from '../folders';

/** What the MCP feature offers the rest of the runtime (services.mcp). */
export interface McpService {
  /** Tools of the connected servers (`mcp__server__tool`). */
  tools(): Tool[];
  /** Every configured server with its state, detail and tool names. */
  states(): McpServerStatus[];
  /** True while a Tidewave server is connected (executeCode then points to project_eval). */
  tidewaveConnected(): boolean;
  /** Fires when a server's state or tool list changes. */
  onDidChange(listener: () => void): vscode.Disposable;
  /** Reconnects one server by name, or all. */
  reconnect(name?: string): Promise<void>;
  /** A hint for a tool name a server does not offer (Tidewave renames...). */
  toolHint(server: string, tool: string): string | undefined;
  /** Configuration problems (unreadable `.mcp.json` entries, shadowed names). */
  problems(): string[];
  /** The exact definition a repository server is approved for (undefined for the user's own servers). */
  approvalRequest(name: string): McpApprovalRequest | undefined;
}

/**
 * The servers setting split by where each value comes from: the user's own (trusted) and
 * the repository's (a folder's .vscode/settings.json, the .code-workspace file), which
 * need approval. Objects are merged by VS Code's get(); inspect() keeps them apart.
 */
export function serverSettings(config: Config): { user: unknown; project: ProjectSettingsValue[] } {
  const project: ProjectSettingsValue[] = [];
  const wsFile = vscode.workspace.workspaceFile;
  const fileFolders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (wsFile) {
    // Multi-root: each folder's own settings, then the workspace file's.
    for (const f of fileFolders) {
      const value = config.inspect('mcp.servers', f.uri)?.workspaceFolderValue;
      if (value !== undefined) project.push({ value, origin: path.join(f.uri.fsPath, '.vscode', 'settings.json'), baseDir: f.uri.fsPath });
    }
  }
  const all = config.inspect('mcp.servers');
  const first = fileFolders[0]?.uri.fsPath ?? process.cwd();
  if (all?.workspaceValue !== undefined) {
    const origin = wsFile ? (wsFile.scheme === 'file' ? wsFile.fsPath : 'the workspace settings') : path.join(first, '.vscode', 'settings.json');
    project.push({ value: all.workspaceValue, origin, baseDir: first });
  }
  return { user: all?.globalValue, project };
}

export function registerMcp(rt: FeatureContext): McpService {
  const { context, log } = rt;
  const approvals = new McpApprovals(context.workspaceState, log);
  // Stdio-only approvals of earlier versions were keyed by the expanded definition: those servers ask once more.
  void context.workspaceState.update('elixirAgent.mcp.approvedStdio', undefined);
  // What no `${VAR}` may expand to: the credential variables, and the key in SecretStorage.
  const secrets = new HeldSecrets(process.env);
  secrets.addSource(() => context.secrets.get(SECRET_API_KEY));

  const manager = new McpManager({
    trusted: vscode.workspace.isTrusted,
    approve: approvals.approve,
    approvalHint: 'run "Elixir Agent: Review MCP Server Approvals" or click MCP in the status bar to allow it',
    secrets,
    clientInfo: { name: 'elixir-agent', version: String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0') },
    log,
  });
  rt.track({ dispose: () => manager.dispose() });

  let loading: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    loading = loading.then(async () => {
      const { config } = rt;
      const tidewavePort = config.get('tidewave.port');
      const settings = serverSettings(config);
      const { servers, problems } = await collectServers({
        folders: fileFolderPaths(),
        settings: settings.user,
        projectSettings: settings.project,
        tidewave: config.get('tidewave.enabled') ? { port: tidewavePort > 0 ? tidewavePort : undefined } : false,
      });
      // Restricted Mode: no MCP server at all (a project's .mcp.json could point anywhere).
      const specs = vscode.workspace.isTrusted
        ? servers
        : servers.map((s) => ({ ...s, problem: 'MCP servers are disabled in Restricted Mode: trust this workspace to use them' }));
      for (const p of problems) log.warn(`MCP configuration: ${p}`);
      await manager.setServers(specs, problems);
      manager.start();
    });
    return loading.catch((err: unknown) => log.error(`MCP: could not load the configuration: ${err instanceof Error ? err.message : String(err)}`));
  };

  let timer: NodeJS.Timeout | undefined;
  const reloadSoon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void reload(), 300);
  };
  rt.track({ dispose: () => timer && clearTimeout(timer) });

  rt.track(rt.config.onChange(['mcp', 'tidewave'], reloadSoon));
  rt.track(vscode.workspace.onDidChangeWorkspaceFolders(() => reloadSoon()));
  rt.track(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void manager.setTrusted(true).then(reload);
    }),
  );
  // .mcp.json, and what Tidewave discovery reads.
  for (const glob of ['**/.mcp.json', '**/mix.exs', '**/config/dev.exs']) {
    const watcher = rt.track(vscode.workspace.createFileSystemWatcher(glob));
    watcher.onDidCreate(reloadSoon);
    watcher.onDidChange(reloadSoon);
    watcher.onDidDelete(reloadSoon);
  }

  const statusBar = rt.track(new McpStatusBar(manager, COMMANDS.reconnectMcp, (name) => approvals.review(manager, name)));

  const service: McpService = {
    tools: () => manager.tools(),
    states: () => manager.states(),
    tidewaveConnected: () => manager.states().some((s) => s.tidewave && s.state === 'connected'),
    onDidChange: (listener) => {
      const sub = manager.onDidChange(listener);
      return new vscode.Disposable(() => sub.dispose());
    },
    reconnect: (name) => manager.reconnect(name),
    toolHint: (server, tool) => manager.toolHint(server, tool),
    problems: () => manager.problems(),
    approvalRequest: (name) => manager.approvalRequest(name),
  };

  rt.registerCommand(COMMANDS.reconnectMcp, async (arg?: unknown) => {
    await loading;
    if (typeof arg === 'string') return manager.reconnect(arg);
    if (arg === true || (typeof arg === 'object' && arg !== null && (arg as { all?: boolean }).all)) return manager.reconnect();
    return statusBar.pick();
  });
  rt.registerCommand(COMMANDS.reviewMcpApprovals, async (arg?: unknown) => {
    await loading;
    return approvals.review(manager, arg);
  });

  void reload();
  return service;
}
