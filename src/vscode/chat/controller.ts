/**
 * The chat controller: implements ChatBackend for the webviews (view.ts) by
 * composing the agent loop (core/chat ChatSession) with its surroundings
 * (environment.ts: persona, projects, MCP, key), what each answer runs with
 * (runSetup.ts), the tools of every provider (toolProviders.ts), the API key
 * and the conversation history of this workspace (historyPicker.ts).
 * Approvals asked by the loop are answered on the tool cards (approvals.ts).
 */
import * as vscode from 'vscode';
import { newConversation, type ConversationRecord } from '../../core/chat/conversation';
import type { ConversationStore } from '../../core/chat/historyStore';
import { conversationToMarkdown } from '../../core/chat/markdown';
import { ChatSession, type ToolEnvironment } from '../../core/chat/session';
import { ModelClient } from '../../core/model/client';
import { ZERO_USAGE } from '../../core/model/models';
import { NodeFileAccess } from '../../core/tools/nodeFiles';
import type { ApprovalPolicy } from '../../core/tools/types';
import type { ChatEvent } from '../../core/chat/events';
import type { ConversationEntry } from '../../core/chat/records';
import type { ChatStateView, HostMessage, MentionItem } from '../../shared/protocol';
import type { AgentsService } from '../agents/service';
import type { Config } from '../config';
import type { ElixirService } from '../elixir';
import { CHAT_VIEW_ID, COMMANDS, CONTEXT_KEYS } from '../ids';
import type { McpService } from '../mcp';
import type { ClaudeSettingsService } from '../settings';
import { configuredBaseUrl, type ApiKeyStore } from '../secrets/apiKey';
import { PendingApprovals } from './approvals';
import { unhandled, type BackendMessage, type ChatBackend } from './backend';
import { ChatEnvironment } from './environment';
import { showHistoryPicker } from './historyPicker';
import { backgroundTaskView, conversationSummary, hostMessage, messageView, personaView, usageView } from './toWebview';
import { mentionSuggestions, resolveMention } from './mentions';
import { runSetup } from './runSetup';
import type { ToolProviderRegistry } from './toolProviders';
import { fileFolderPaths } from '../folders';

type Listener = (m: HostMessage) => void;


export interface ChatControllerDeps {
  log: vscode.LogOutputChannel;
  config: Config;
  store: ConversationStore;
  keys: ApiKeyStore;
  providers: ToolProviderRegistry;
  agents: AgentsService;
  mcp: McpService;
  elixir: ElixirService;
  /** Claude Code's settings files: a bare tool name in their deny list takes the tool away. */
  settings: Pick<ClaudeSettingsService, 'rules' | 'ready' | 'addAllowRule'>;
}

export class ChatController implements ChatBackend, vscode.Disposable {
  private session!: ChatSession;
  private readonly listeners = new Set<Listener>();
  private readonly approvals = new PendingApprovals(
    () => this.listeners.size === 0 && void this.reveal(),
    (rule) => this.deps.settings.addAllowRule(rule),
  );
  private readonly environment: ChatEnvironment;
  private history: ConversationEntry[] = [];
  private runs = new Set<Promise<void>>();

  constructor(private readonly deps: ChatControllerDeps) {
    this.environment = new ChatEnvironment(deps, (m) => this.emit(m));
  }

  /** Restores the conversation that was open, and starts following agents, MCP, trust and the key (not waiting for mix project detection). */
  async start(): Promise<void> {
    const { store } = this.deps;
    const activeId = await store.getActive();
    const record = activeId ? await store.load(activeId) : undefined;
    this.session = this.newSession(record);
    this.history = await store.list();
    await this.environment.start();
  }

  // --- ChatBackend ---

  snapshot(): ChatStateView {
    const record = this.session.conversation;
    const persona = this.environment.currentPersona();
    return {
      conversationId: record.id,
      title: record.title,
      messages: this.session.views().map(messageView),
      busy: this.session.busy,
      persona: persona && personaView(persona),
      personas: this.deps.agents.personas(),
      history: this.history.map(conversationSummary),
      env: this.environment.env(),
      totals: usageView(record.totals ?? ZERO_USAGE),
      contextFill: this.session.fill,
      backgroundTasks: this.session.backgroundTasks().map(backgroundTaskView),
    };
  }

  onMessage(listener: Listener): vscode.Disposable {
    this.listeners.add(listener);
    return {
      dispose: () => {
        // The last chat view closed while an answer runs: closing the chat stops it (the partial answer is kept).
        if (this.listeners.delete(listener) && this.listeners.size === 0 && this.session.busy) {
          this.deps.log.info('chat: every chat view closed; stopping the running answer');
          void this.session.stop();
        }
      },
    };
  }

  async handle(msg: BackendMessage): Promise<void> {
    switch (msg.type) {
      case 'send':
        return this.send(msg.text, msg.mentions);
      case 'stop':
        return this.session.stop();
      case 'retry':
        return this.track(this.session.retry());
      case 'continue':
        return this.track(this.session.continue());
      case 'approve':
        return this.approvals.answer(msg);
      case 'newConversation':
        return this.newConversation();
      case 'pickPersona':
        if (msg.name) return this.deps.agents.setActive(msg.name);
        await vscode.commands.executeCommand(COMMANDS.pickAgent);
        return;
      case 'openConversation':
        return this.openConversation(msg.id);
      case 'deleteConversation':
        return this.deleteConversation(msg.id);
      case 'renameConversation':
        return this.renameConversation(msg.id, msg.title);
      case 'exportConversation':
        await this.exportConversation(msg.id);
        return;
      case 'stopBackgroundTask':
        await this.session.background.stop(msg.id, 'by the user');
        return;
      case 'mentionQuery':
        this.emit({ type: 'mentionResults', requestId: msg.requestId, items: await mentionSuggestions(msg.query) });
        return;
      default:
        // A new message type must be handled here (or listed in ViewMessage, backend.ts).
        return unhandled(msg, 'chat message');
    }
  }

  // --- commands and services ---

  /** Sends a message (as the user), returning once it is accepted; the answer streams on. */
  async send(text: string, mentions: MentionItem[] = []): Promise<void> {
    const context: string[] = [];
    for (const m of mentions) {
      const c = await resolveMention(m);
      if (c) context.push(c);
    }
    this.session.conversation.persona = this.deps.agents.active()?.name ?? this.session.conversation.persona;
    this.track(this.session.send(text, context));
  }

  /** Puts text in the chat input, or sends it. */
  async prefill(text: string, options: { send?: boolean } = {}): Promise<void> {
    await this.reveal();
    if (options.send) return this.send(text);
    this.emit({ type: 'prefill', text });
  }

  async stop(): Promise<void> {
    await this.session.stop();
  }

  /** Resolves when no answer is running. */
  async whenIdle(): Promise<void> {
    while (this.runs.size) await Promise.all([...this.runs]);
  }

  get conversation(): ConversationRecord {
    return this.session.conversation;
  }

  async newConversation(): Promise<void> {
    await this.closeSession();
    this.session = this.newSession();
    await this.deps.store.setActive(undefined);
    this.emitState();
  }

  async openConversation(id: string): Promise<void> {
    if (id === this.session.id) return;
    const record = await this.deps.store.load(id);
    if (!record) {
      void vscode.window.showWarningMessage('Elixir Agent: that conversation could not be opened (it was deleted or is unreadable).');
      await this.refreshHistory();
      return;
    }
    await this.closeSession();
    this.session = this.newSession(record);
    await this.deps.store.setActive(id);
    this.emitState();
  }

  async deleteConversation(id: string): Promise<void> {
    if (id === this.session.id) {
      await this.closeSession();
      this.session = this.newSession();
      this.emitState();
    }
    await this.deps.store.delete(id);
    await this.refreshHistory();
  }

  async renameConversation(id: string, title: string): Promise<void> {
    if (id === this.session.id) {
      this.session.rename(title);
      await this.session.flush();
    } else {
      await this.deps.store.rename(id, title);
    }
    await this.refreshHistory();
    if (id === this.session.id) this.emitState();
  }

  /** Writes the conversation as Markdown to `target` (else asks where) and opens it. Returns the file. */
  async exportConversation(id?: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const record = !id || id === this.session.id ? this.session.conversation : await this.deps.store.load(id);
    if (!record || record.messages.length === 0) {
      void vscode.window.showInformationMessage('Elixir Agent: there is nothing to export yet.');
      return undefined;
    }
    const name = `${record.title.replace(/[^\w .-]+/g, '').trim().slice(0, 60) || 'conversation'}.md`;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({ defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined, filters: { Markdown: ['md'] }, title: 'Export Conversation' }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(conversationToMarkdown(record), 'utf8'));
    if (!target) await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  }

  showHistory(): Promise<void> {
    return showHistoryPicker({
      refresh: () => this.refreshHistory(),
      list: () => this.history,
      openId: () => this.session.id,
      open: (id) => this.openConversation(id).then(() => this.reveal()),
      rename: (id, title) => this.renameConversation(id, title),
      delete: (id) => this.deleteConversation(id),
    });
  }

  /** Focuses the chat view. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  async dispose(): Promise<void> {
    this.environment.dispose();
    if (this.session) await this.closeSession();
    await this.deps.store.flush();
  }

  /** The open conversation ends: its answer and its background shells are stopped, its last save completes. */
  private async closeSession(): Promise<void> {
    const stopped = await this.session.dispose();
    if (stopped.length) this.deps.log.info(`chat: stopped ${stopped.length} background task(s) as the conversation closed: ${stopped.map((t) => t.id).join(', ')}`);
    await this.session.flush();
  }

  // --- composing the loop ---

  private newSession(record?: ConversationRecord): ChatSession {
    this.approvals.denyAll('The conversation was closed.');
    const { agents, config, keys, log, store } = this.deps;
    return new ChatSession(
      {
        client: () => new ModelClient({ apiKey: keys.key, baseURL: configuredBaseUrl(config), logger: log }),
        setup: () =>
          runSetup({ agents, providers: this.deps.providers, settings: this.deps.settings, config, folders: fileFolderPaths, memory: () => this.environment.memory(),
            offer: () => this.environment.offer(), project: () => this.environment.projectFacts() }),
        policy: this.policy(),
        approve: (prompt, signal) => this.approvals.ask(prompt, signal),
        toolEnv: () => this.toolEnv(),
        save: async (r) => {
          await store.save(r);
          await store.setActive(r.id);
          await this.refreshHistory();
        },
        emit: (e) => this.onSessionEvent(e),
        log,
      },
      record ?? newConversation(agents.active()?.name),
    );
  }

  /** The policy is read at each call: settings, the active agent's permissionMode and trust may change. */
  private policy(): ApprovalPolicy {
    return {
      decide: (tool, input) => {
        const policy = this.deps.providers.policy(this.deps.agents.active());
        // No provider offers a policy (a replaced builtin provider): be safe, ask for everything that is not read-only.
        if (!policy) return Promise.resolve({ decision: tool.readOnly ? 'allow' : 'ask' });
        return policy.decide(tool, input);
      },
    };
  }

  private toolEnv(): ToolEnvironment {
    const f = fileFolderPaths();
    const { providers } = this.deps;
    return { workspaceFolders: f, cwd: f[0] ?? process.cwd(), files: providers.files() ?? new NodeFileAccess(), services: providers.services() };
  }

  private track(run: Promise<void>): void {
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run));
  }

  private onSessionEvent(e: ChatEvent): void {
    if (e.type === 'busy') void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.busy, e.busy);
    this.emit(hostMessage(e));
  }

  private emit(m: HostMessage): void {
    for (const l of [...this.listeners]) {
      try {
        l(m);
      } catch (err) {
        this.deps.log.warn(`chat view listener failed: ${String(err)}`);
      }
    }
  }

  private emitState(): void {
    this.emit({ type: 'state', state: this.snapshot() });
  }

  private async refreshHistory(): Promise<void> {
    this.history = await this.deps.store.list();
    this.emit({ type: 'history', history: this.history.map(conversationSummary) });
  }
}
