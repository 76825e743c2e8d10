/**
 * Serves our `ide` MCP server (src/core/mcp/ideServer.ts) to the Claude Code
 * CLI in the integrated terminal while elixirAgent.ideServer.enabled is on:
 * the same getDiagnostics and executeCode the chat uses, plus openFile and
 * getWorkspaceFolders. Integrated terminals get CLAUDE_CODE_SSE_PORT and
 * ENABLE_IDE_INTEGRATION, as Claude Code's extension sets them.
 */
import * as vscode from 'vscode';
import { IdeServer, workspaceFoldersTool } from '../../core/mcp/ideServer';
import { MemoryReadTracker, NodeFileAccess } from '../../core/tools/nodeFiles';
import type { DiagnosticsProvider, Tool, ToolContext } from '../../core/tools/types';
import type { FeatureContext } from '../context';
import { openFileTool } from './tools';
import { fileFolderPaths } from '../folders';

/** What the feature offers (services.ideServer): the running server, for status and tests. */
export interface IdeServerService {
  /** The port and lock file while the server runs. */
  current(): { port: number; lockFile: string } | undefined;
  /** Resolves once the server matches the setting (started or stopped). */
  ready(): Promise<void>;
}

const CLAUDE_CODE_EXTENSION = 'anthropic.claude-code';

export interface IdeServerDeps {
  /** The diagnostics the chat's getDiagnostics reads (the Elixir feature's). */
  diagnostics: DiagnosticsProvider;
  /** getDiagnostics and executeCode as the chat has them (the Elixir feature's: settings, Tidewave's status). */
  ideTools: () => Tool[];
}

export function registerIdeServer(rt: FeatureContext, deps: IdeServerDeps): IdeServerService {
  const { context, log } = rt;
  const env = context.environmentVariableCollection;
  env.persistent = false;
  env.description = 'Lets the Claude Code CLI use Elixir Agent\'s ide channel (diagnostics, Elixir evaluation).';

  const tools = (): Tool[] => {
    return [
      ...deps.ideTools(),
      openFileTool(fileFolderPaths),
      workspaceFoldersTool(fileFolderPaths),
    ];
  };

  const toolContext = (signal: AbortSignal): ToolContext => {
    const list = fileFolderPaths();
    return {
      workspaceFolders: list,
      cwd: list[0] ?? process.cwd(),
      signal,
      files: new NodeFileAccess(),
      reads: new MemoryReadTracker(),
      services: { diagnostics: deps.diagnostics },
    };
  };

  const confirm = async (tool: Tool, request: { title: string; command?: string; warning?: string }): Promise<boolean> => {
    const detail = [request.command, request.warning].filter(Boolean).join('\n\n');
    const pick = await vscode.window.showWarningMessage(
      `Claude Code (in the terminal) asks to run ${tool.name.replace(/^mcp__ide__/, '')}: ${request.title}`,
      { modal: true, detail },
      'Run',
    );
    return pick === 'Run';
  };

  let server: IdeServer | undefined;
  let sync: Promise<void> = Promise.resolve();

  const stop = async () => {
    const s = server;
    server = undefined;
    env.delete('CLAUDE_CODE_SSE_PORT');
    env.delete('ENABLE_IDE_INTEGRATION');
    if (s) {
      await s.dispose();
      log.info('ide server: stopped, lock file removed');
    }
  };

  const start = async () => {
    if (server) return;
    if (vscode.extensions.getExtension(CLAUDE_CODE_EXTENSION)?.isActive) {
      log.warn('ide server: the Claude Code extension is active and already serves the ide channel; ours is not started');
      void vscode.window.showWarningMessage(
        'Elixir Agent: the Claude Code extension already serves the ide channel to the CLI, so Elixir Agent\'s ide server was not started.',
      );
      return;
    }
    const s = new IdeServer({
      tools,
      context: toolContext,
      confirm,
      workspaceFolders: fileFolderPaths,
      ideName: `Elixir Agent (${vscode.env.appName})`,
      version: String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0'),
      log,
    });
    await s.start();
    server = s;
    env.replace('CLAUDE_CODE_SSE_PORT', String(s.port));
    env.replace('ENABLE_IDE_INTEGRATION', 'true');
  };

  const apply = (): Promise<void> => {
    sync = sync
      .then(async () => {
        const enabled = rt.config.get('ideServer.enabled');
        if (enabled) await start();
        else await stop();
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`ide server: ${message}`);
        void vscode.window.showErrorMessage(`Elixir Agent: the ide server could not start: ${message}`);
      });
    return sync;
  };

  rt.track(rt.config.onChange(['ideServer'], () => void apply()));
  rt.track(vscode.workspace.onDidChangeWorkspaceFolders(() => void server?.writeLock().catch((err: unknown) => log.warn(`ide server: ${String(err)}`))));
  rt.track({ dispose: () => stop() });
  void apply();

  return {
    current: () => (server ? { port: server.port, lockFile: server.lockFile } : undefined),
    ready: () => sync,
  };
}
