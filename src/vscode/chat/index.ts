/**
 * The chat feature: API key commands, the conversation history of this
 * workspace, the chat controller (ChatBackend) and its commands, and
 * `services.chat`. Tools come from the providers of toolProviders(rt); the
 * builtin, ide and MCP tools are registered here as defaults, and a feature
 * can replace any of them by registering the same id.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { agentPermissionRules } from '../../core/agents';
import { ConversationStore } from '../../core/chat/historyStore';
import { diagnosticsAfterEdit, ideTools } from '../../core/ide';
import { createApprovalPolicy } from '../../core/tools/approval';
import { NodeFileAccess } from '../../core/tools/nodeFiles';
import { builtinTools } from '../../core/tools/registry';
import { findRipgrep } from '../../core/tools/ripgrep';
import { COMMANDS } from '../ids';
import { editorDiagnostics } from '../ideServer/tools';
import type { Runtime } from '../runtime';
import { registerApiKey } from '../secrets/apiKey';
import { ChatController } from './controller';
import { toolProviders } from './toolProviders';

export interface ChatService {
  /** The backend the chat webviews talk to. */
  backend: ChatController;
  prefill(text: string, options?: { send?: boolean }): Promise<void>;
}

/** Where this workspace's conversations are kept (the extension's workspace storage). */
function historyDir(context: vscode.ExtensionContext): string {
  const base = context.storageUri?.fsPath ?? path.join(context.globalStorageUri.fsPath, 'no-workspace');
  return path.join(base, 'chat');
}

function registerDefaultTools(rt: Runtime): void {
  const registry = toolProviders(rt);
  const { config } = rt;
  const diagnostics = editorDiagnostics();
  const folders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  if (!registry.has('builtin')) {
    // The tools feature (services.tools) gives the editor's file access, terminal and policy; plain fs without it.
    const plainFiles = new NodeFileAccess();
    let rg: string | undefined | null = null;
    registry.register({
      id: 'builtin',
      tools: () => rt.services.tools?.builtinTools() ?? builtinTools({ trusted: vscode.workspace.isTrusted }),
      files: () => rt.services.tools?.environment().files ?? plainFiles,
      services: () => {
        const fromTools = rt.services.tools?.environment().services;
        if (fromTools) return fromTools;
        if (rg === null) rg = findRipgrep({ appRoot: vscode.env.appRoot });
        return { ripgrepPath: rg, diagnosticsAfterEdit: diagnosticsAfterEdit(diagnostics, (p) => vscode.Uri.file(p).toString()) };
      },
      policy: (agent) =>
        rt.services.tools?.policy({ permissionMode: agent?.permissionMode, agentRules: agent && agentPermissionRules(agent) }) ??
        createApprovalPolicy({
          tools: config.get('approvals.tools'),
          bashAllow: config.get('approvals.bashAllow'),
          permissionMode: agent?.permissionMode,
          agentRules: agent && agentPermissionRules(agent),
          homeDir: os.homedir(),
          trusted: vscode.workspace.isTrusted,
          workspaceFolders: folders(),
          cwd: folders()[0],
        }),
    });
  }
  if (!registry.has('ide')) {
    // The Elixir feature (services.elixir) wires them to mix and the language servers; the core tools without it.
    registry.register({
      id: 'ide',
      tools: () =>
        (
          rt.services.elixir?.tools() ??
          ideTools({
            mixCommand: () => config.get('mix.command'),
            isTidewaveConnected: () => !!rt.services.mcp?.states().some((s) => s.tidewave && s.state === 'connected'),
          })
        ).filter((t) => vscode.workspace.isTrusted || t.readOnly),
      services: () => rt.services.elixir?.toolServices() ?? { diagnostics },
    });
  }
  if (!registry.has('mcp')) registry.register({ id: 'mcp', tools: () => rt.services.mcp?.tools() ?? [] });
}

export async function registerChat(rt: Runtime): Promise<ChatService> {
  const keys = await registerApiKey(rt);
  registerDefaultTools(rt);
  const store = new ConversationStore(historyDir(rt.context), {
    // Read at each save: a changed setting applies to the next save.
    maxConversations: () => rt.config.maxConversations(),
    log: rt.log,
    onRepaired: ({ recovered }) => {
      void vscode.window.showWarningMessage(
        `Elixir Agent: the conversation history list was damaged and has been rebuilt from the saved conversations (${recovered} recovered).`,
        'Show Log',
      ).then((pick) => pick && rt.log.show());
    },
  });
  const controller = new ChatController(rt, store, keys, toolProviders(rt));
  await controller.start();
  rt.track(controller);

  rt.registerCommand(COMMANDS.newConversation, () => controller.newConversation());
  rt.registerCommand(COMMANDS.stop, () => controller.stop());
  rt.registerCommand(COMMANDS.showHistory, () => controller.showHistory());
  rt.registerCommand(COMMANDS.exportConversation, (id?: unknown, target?: unknown) =>
    controller.exportConversation(typeof id === 'string' ? id : undefined, target instanceof vscode.Uri ? target : undefined),
  );
  // elixirAgent.openChat and openChatInEditor belong to the chat view (view.ts).

  const service: ChatService = { backend: controller, prefill: (text, options) => controller.prefill(text, options) };
  rt.services.chat = service;
  rt.services.chatBackend = controller;
  return service;
}
