/**
 * The chat feature: API key commands, the conversation history of this
 * workspace, the chat controller (the ChatBackend the webviews talk to) and
 * its commands. Built by the composition root (runtime.ts) with the services
 * it needs; the chat webviews (view.ts) are given its backend.
 * Tools reach the chat through a ToolProviderRegistry (toolProviders.ts):
 * the builtin tools (services.tools), the ide channel (services.elixir) and
 * the MCP servers' tools (services.mcp).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { agentPermissionRules } from '../../core/agents';
import { ConversationStore } from '../../core/chat/historyStore';
import type { AgentsService } from '../agents/service';
import type { FeatureContext } from '../context';
import type { ElixirService } from '../elixir';
import { COMMANDS } from '../ids';
import type { McpService } from '../mcp';
import type { ClaudeSettingsService } from '../settings';
import { registerApiKey } from '../secrets/apiKey';
import type { ToolsService } from '../tools';
import { ChatController } from './controller';
import { ToolProviderRegistry } from './toolProviders';

export interface ChatService {
  /** The backend the chat webviews talk to. */
  readonly backend: ChatController;
  /** Puts text in the chat input (visible, editable) and optionally sends it. */
  prefill(text: string, options?: { send?: boolean }): Promise<void>;
}

export interface ChatDeps {
  agents: AgentsService;
  mcp: McpService;
  elixir: ElixirService;
  tools: ToolsService;
  settings: ClaudeSettingsService;
}

/** Where this workspace's conversations are kept (the extension's workspace storage). */
function historyDir(context: vscode.ExtensionContext): string {
  const base = context.storageUri?.fsPath ?? path.join(context.globalStorageUri.fsPath, 'no-workspace');
  return path.join(base, 'chat');
}

/** The builtin tools with the editor's file access, services and approval policy; the ide tools; the MCP tools. */
export function chatToolProviders({ tools, elixir, mcp }: Pick<ChatDeps, 'tools' | 'elixir' | 'mcp'>, log: Pick<vscode.LogOutputChannel, 'warn'>): ToolProviderRegistry {
  const registry = new ToolProviderRegistry((id, err) => log.warn(`tool provider "${id}" failed; its tools are left out of this answer: ${err instanceof Error ? err.message : String(err)}`));
  registry.register({
    id: 'builtin',
    tools: () => tools.builtinTools(),
    files: () => tools.environment().files,
    services: () => tools.environment().services,
    policy: (agent) => tools.policy({ permissionMode: agent?.permissionMode, agentRules: agent && agentPermissionRules(agent) }),
  });
  registry.register({
    id: 'ide',
    tools: () => elixir.tools().filter((t) => vscode.workspace.isTrusted || t.readOnly),
    services: () => elixir.toolServices(),
  });
  registry.register({ id: 'mcp', tools: () => mcp.tools() });
  return registry;
}

export async function registerChat(rt: FeatureContext, deps: ChatDeps): Promise<ChatService> {
  const keys = await registerApiKey(rt);
  const store = new ConversationStore(historyDir(rt.context), {
    // Read at each save: a changed setting applies to the next save.
    maxConversations: () => rt.config.maxConversations(),
    log: rt.log,
    onRepaired: ({ recovered }) => {
      void vscode.window
        .showWarningMessage(
          `Elixir Agent: the conversation history list was damaged and has been rebuilt from the saved conversations (${recovered} recovered).`,
          'Show Log',
        )
        .then((pick) => pick && rt.log.show());
    },
  });
  const controller = new ChatController({
    log: rt.log,
    config: rt.config,
    store,
    keys,
    providers: chatToolProviders(deps, rt.log),
    agents: deps.agents,
    mcp: deps.mcp,
    elixir: deps.elixir,
    settings: deps.settings,
  });
  await controller.start();
  rt.track(controller);

  rt.registerCommand(COMMANDS.newConversation, () => controller.newConversation());
  rt.registerCommand(COMMANDS.stop, () => controller.stop());
  rt.registerCommand(COMMANDS.showHistory, () => controller.showHistory());
  rt.registerCommand(COMMANDS.exportConversation, (id?: unknown, target?: unknown) =>
    controller.exportConversation(typeof id === 'string' ? id : undefined, target instanceof vscode.Uri ? target : undefined),
  );
  // elixirAgent.openChat and openChatInEditor belong to the chat view (view.ts).

  return { backend: controller, prefill: (text, options) => controller.prefill(text, options) };
}
