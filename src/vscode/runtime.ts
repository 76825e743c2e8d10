/**
 * The runtime: everything heavy, loaded on first use (see extension.ts).
 * This is the composition root: it builds each feature once, in dependency
 * order, and hands each the services it needs as required arguments.
 * Features see only the small FeatureContext (context.ts), never this module.
 */
import * as vscode from 'vscode';
import { registerAgents } from './agents';
import { registerChat } from './chat';
import { registerChatView } from './chat/view';
import { Config } from './config';
import type { CommandHandler, FeatureContext } from './context';
import { registerElixir } from './elixir';
import { registerActions } from './elixir/actions';
import { COMMANDS } from './ids';
import { registerIdeServer } from './ideServer';
import { registerMcp } from './mcp';
import type { Services } from './services';
import { registerClaudeSettings } from './settings';
import { registerTools } from './tools';

export type { CommandHandler } from './context';

type ChatViewResolver = (view: vscode.WebviewView, ctx: vscode.WebviewViewResolveContext, token: vscode.CancellationToken) => Promise<void> | void;

export class Runtime implements FeatureContext, vscode.Disposable {
  readonly config: Config;
  private built?: Services;
  private readonly commands = new Map<string, CommandHandler>();
  private readonly disposables: vscode.Disposable[] = [];
  private chatViewResolver?: ChatViewResolver;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.config = this.track(new Config());
  }

  /** What the features offer each other (see services.ts); complete once createRuntime has returned. */
  get services(): Services {
    if (!this.built) throw new Error('the runtime is still starting');
    return this.built;
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

  setChatViewResolver(resolver: ChatViewResolver): void {
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

  /** Called once by createRuntime, when every feature is built. */
  compose(services: Services): void {
    this.built = services;
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

/**
 * Builds every feature. Nothing here waits for slow work (mix project
 * detection, language servers, MCP connections): those start in the
 * background and their results reach the features through events.
 */
export async function createRuntime(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<Runtime> {
  const rt = new Runtime(context, log);
  rt.registerCommand(COMMANDS.showLog, () => log.show());
  const agents = registerAgents(rt);
  const mcp = registerMcp(rt);
  const elixir = registerElixir(rt, { mcp });
  const ideServer = registerIdeServer(rt, { diagnostics: elixir.diagnostics, ideTools: () => elixir.service.tools() });
  const settings = registerClaudeSettings(rt);
  const tools = registerTools(rt, { diagnostics: elixir.diagnostics, settings });
  const chat = await registerChat(rt, { agents, mcp, elixir: elixir.service, tools, settings });
  registerActions(rt, { chat, elixir: elixir.service, runMixCompile: elixir.runMixCompile });
  const views = registerChatView(rt, chat.backend);
  rt.setChatViewResolver((view) => views.resolveView(view));
  rt.compose({ agents, mcp, elixir: elixir.service, diagnostics: elixir.diagnostics, ideServer, tools, settings, chat });
  log.info('Elixir Agent runtime ready');
  return rt;
}
