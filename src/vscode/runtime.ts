/**
 * The runtime: everything heavy, loaded on first use (see extension.ts).
 * Each feature registers its commands and services here. Features live in
 * their own folders under src/vscode/ and are composed below.
 */
import * as vscode from 'vscode';
import { Config } from './config';
import type { Services } from './services';
import { registerMcp } from './mcp';
import { registerIdeServer } from './ideServer';

export type CommandHandler = (...args: unknown[]) => unknown;

export class Runtime implements vscode.Disposable {
  /** What features offer each other (see services.ts). */
  readonly services: Services = {};
  private readonly commands = new Map<string, CommandHandler>();
  private readonly disposables: vscode.Disposable[] = [];
  private chatViewResolver?: (view: vscode.WebviewView, ctx: vscode.WebviewViewResolveContext, token: vscode.CancellationToken) => Promise<void> | void;

  /** The extension's settings, typed, with change events. */
  readonly config: Config;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.config = this.track(new Config());
  }

  registerCommand(id: string, handler: CommandHandler): void {
    this.commands.set(id, handler);
  }

  async runCommand(id: string, args: unknown[]): Promise<unknown> {
    const handler = this.commands.get(id);
    if (!handler) {
      void vscode.window.showWarningMessage(`Elixir Agent: the command ${id} is not available.`);
      return undefined;
    }
    try {
      return await handler(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`command ${id} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
      void vscode.window.showErrorMessage(`Elixir Agent: ${message}`);
      return undefined;
    }
  }

  setChatViewResolver(resolver: Runtime['chatViewResolver']): void {
    this.chatViewResolver = resolver;
  }

  async resolveChatView(view: vscode.WebviewView, ctx: vscode.WebviewViewResolveContext, token: vscode.CancellationToken): Promise<void> {
    if (!this.chatViewResolver) throw new Error('the chat view is not available');
    await this.chatViewResolver(view, ctx, token);
  }

  /** Owned by the runtime; disposed with the extension. */
  track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        await (d.dispose() as unknown);
      } catch (err) {
        this.log.warn(`dispose failed: ${String(err)}`);
      }
    }
  }
}

export async function createRuntime(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<Runtime> {
  const rt = new Runtime(context, log);
  rt.registerCommand('elixirAgent.showLog', () => log.show());
  // --- features register here (one line each) ---
  (await import('./agents/index.js')).registerAgents(rt);
  rt.services.mcp = registerMcp(rt);
  rt.services.ideServer = registerIdeServer(rt, {
    isTidewaveConnected: () => !!rt.services.mcp?.states().some((s) => s.tidewave && s.state === 'connected'),
    diagnostics: () => rt.services.diagnostics,
  });
  rt.services.tools = (await import('./tools/index.js')).registerTools(rt);
  (await import('./elixir/index.js')).registerElixir(rt);
  (await import('./chat/view.js')).registerChatView(rt, () => rt.services.chatBackend);
  await (await import('./chat/index.js')).registerChat(rt);
  // --- end features ---
  log.info('Elixir Agent runtime ready');
  return rt;
}
