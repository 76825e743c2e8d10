/**
 * Activation: only composes, and stays small. The heavy runtime (SDK, MCP,
 * language client, tools) lives in dist/runtime.js and is loaded after
 * activation returns, or at once when a command or the chat view needs it.
 */
import * as vscode from 'vscode';
import type { Runtime } from './vscode/runtime';
import { CHAT_VIEW_ID, COMMANDS, CONTEXT_KEYS } from './vscode/ids';

let runtimePromise: Promise<Runtime> | undefined;
let runtimeInstance: Runtime | undefined;

export interface ExtensionApi {
  /** Loads (once) and returns the runtime; used by tests and the benchmark. */
  runtime(): Promise<Runtime>;
  /** Milliseconds spent in activate(). */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Elixir Agent', { log: true });
  context.subscriptions.push(log);

  const loadRuntime = (): Promise<Runtime> => {
    runtimePromise ??= (async () => {
      // A computed path keeps esbuild from inlining the runtime into this bundle.
      const file = './runtime.js';
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file) as typeof import('./vscode/runtime');
      runtimeInstance = await mod.createRuntime(context, log);
      return runtimeInstance;
    })().catch((err: unknown) => {
      runtimePromise = undefined;
      const message = err instanceof Error ? err.message : String(err);
      log.error(`Elixir Agent failed to start: ${err instanceof Error ? (err.stack ?? message) : message}`);
      void vscode.window.showErrorMessage(`Elixir Agent failed to start: ${message}`, 'Show Log').then((pick) => {
        if (pick) log.show();
      });
      throw err;
    });
    return runtimePromise;
  };

  // Every contributed command dispatches to the runtime, loaded on first use;
  // Show Log never waits for it (it is how a slow or failed start is diagnosed).
  const commands = (context.extension.packageJSON.contributes?.commands ?? []) as Array<{ command: string }>;
  for (const { command } of commands) {
    if (command === COMMANDS.showLog) {
      context.subscriptions.push(vscode.commands.registerCommand(command, () => log.show()));
      continue;
    }
    context.subscriptions.push(
      vscode.commands.registerCommand(command, async (...args: unknown[]) => {
        const rt = await loadRuntime();
        return rt.runCommand(command, args);
      }),
    );
  }

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(
      CHAT_VIEW_ID,
      {
        resolveWebviewView: async (view, ctx, token) => {
          const rt = await loadRuntime();
          await rt.resolveChatView(view, ctx, token);
        },
      },
      { webviewOptions: { retainContextWhenHidden: false } },
    ),
  );

  void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.activated, true);
  // Background start (agent diagnostics, mix, MCP discovery) once activation has returned.
  setTimeout(() => void loadRuntime().catch(() => undefined), 0);

  return { runtime: loadRuntime, activationMs: performance.now() - started };
}

export async function deactivate(): Promise<void> {
  await runtimeInstance?.dispose();
  runtimeInstance = undefined;
  runtimePromise = undefined;
}
