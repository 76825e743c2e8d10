/**
 * MCP in the editor: builds the server list from `.mcp.json` in each
 * workspace folder, the elixirAgent.mcp.servers setting and Tidewave
 * discovery; runs the core McpManager; asks once per workspace before a
 * stdio server starts; shows the servers' state in the status bar; offers
 * `services.mcp` to the chat and the agent resolution.
 */
import * as vscode from 'vscode';
import { collectServers, McpManager, type McpServerStatus, type StdioApprovalRequest } from '../../core/mcp';
import type { Tool } from '../../core/tools/types';
import { COMMANDS, CONFIG_SECTION } from '../ids';
import type { Runtime } from '../runtime';
import { McpStatusBar } from './statusBar';

/** What the MCP feature offers the rest of the runtime (services.mcp). */
export interface McpService {
  /** Tools of the connected servers (`mcp__server__tool`). */
  tools(): Tool[];
  /** Every configured server with its state, detail and tool names. */
  states(): McpServerStatus[];
  /** Fires when a server's state or tool list changes. */
  onDidChange(listener: () => void): vscode.Disposable;
  /** Reconnects one server by name, or all. */
  reconnect(name?: string): Promise<void>;
  /** A hint for a tool name a server does not offer (Tidewave renames...). */
  toolHint(server: string, tool: string): string | undefined;
  /** Configuration problems (unreadable `.mcp.json` entries, shadowed names). */
  problems(): string[];
}

const APPROVALS_KEY = 'elixirAgent.mcp.approvedStdio';

function folders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

export function registerMcp(rt: Runtime): McpService {
  const { context, log } = rt;
  const asking = new Map<string, Promise<boolean>>();

  const approveStdio = (req: StdioApprovalRequest): Promise<boolean> => {
    const approved = context.workspaceState.get<Record<string, string>>(APPROVALS_KEY, {});
    if (approved[req.name] === req.hash) return Promise.resolve(true);
    const key = `${req.name}:${req.hash}`;
    let pending = asking.get(key);
    if (!pending) {
      const commandLine = [req.command, ...req.args].join(' ');
      pending = Promise.resolve(
        vscode.window.showWarningMessage(
          `Start the MCP server "${req.name}"${req.origin ? ` from ${vscode.workspace.asRelativePath(req.origin)}` : ''}? It runs \`${commandLine}\` in ${vscode.workspace.asRelativePath(req.cwd)} with your permissions.`,
          'Allow',
          "Don't Allow",
        ),
      ).then(async (pick) => {
        asking.delete(key);
        if (pick !== 'Allow') return false;
        const now = context.workspaceState.get<Record<string, string>>(APPROVALS_KEY, {});
        await context.workspaceState.update(APPROVALS_KEY, { ...now, [req.name]: req.hash });
        return true;
      });
      asking.set(key, pending);
    }
    return pending;
  };

  const manager = new McpManager({
    trusted: vscode.workspace.isTrusted,
    approveStdio,
    clientInfo: { name: 'elixir-agent', version: String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0') },
    log,
  });
  rt.track({ dispose: () => manager.dispose() });

  let loading: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    loading = loading.then(async () => {
      const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
      const tidewavePort = config.get<number>('tidewave.port', 0);
      const { servers, problems } = await collectServers({
        folders: folders(),
        settings: config.get<unknown>('mcp.servers', {}),
        tidewave: config.get<boolean>('tidewave.enabled', true) ? { port: tidewavePort > 0 ? tidewavePort : undefined } : false,
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

  rt.track(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${CONFIG_SECTION}.mcp`) || e.affectsConfiguration(`${CONFIG_SECTION}.tidewave`)) reloadSoon();
    }),
  );
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

  const statusBar = rt.track(new McpStatusBar(manager, COMMANDS.reconnectMcp));

  const service: McpService = {
    tools: () => manager.tools(),
    states: () => manager.states(),
    onDidChange: (listener) => {
      const sub = manager.onDidChange(listener);
      return new vscode.Disposable(() => sub.dispose());
    },
    reconnect: (name) => manager.reconnect(name),
    toolHint: (server, tool) => manager.toolHint(server, tool),
    problems: () => manager.problems(),
  };

  rt.registerCommand(COMMANDS.reconnectMcp, async (arg?: unknown) => {
    await loading;
    if (typeof arg === 'string') return manager.reconnect(arg);
    if (arg === true || (typeof arg === 'object' && arg !== null && (arg as { all?: boolean }).all)) return manager.reconnect();
    return statusBar.pick();
  });

  void reload();
  return service;
}
