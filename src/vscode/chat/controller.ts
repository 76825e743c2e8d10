/**
 * The chat controller: implements ChatBackend for the webviews (view.ts) by
 * composing the agent loop (core/chat ChatSession) with the active persona
 * (services.agents), the tools of every provider (toolProviders.ts), the API
 * key (SecretStorage) and the conversation history of this workspace.
 * Approvals asked by the loop are answered on the tool cards (`approve`).
 */
import * as vscode from 'vscode';
import type { ToolOffer } from '../../core/agents';
import { aliasFamily, FALLBACK_MODELS } from '../../core/agents/models';
import { newConversation, type ConversationRecord } from '../../core/chat/conversation';
import type { ConversationStore } from '../../core/chat/historyStore';
import { conversationToMarkdown } from '../../core/chat/markdown';
import { ChatSession, type RunSetup, type ToolEnvironment } from '../../core/chat/session';
import { buildSystemPrompt } from '../../core/chat/systemPrompt';
import type { ApprovalPrompt } from '../../core/chat/toolCalls';
import { detectProjects, projectPromptSection, projectSummary } from '../../core/elixir/project';
import { ModelClient } from '../../core/model/client';
import { ZERO_USAGE } from '../../core/model/models';
import { BUILTIN_TOOL_NAMES, READ_TOOL_NAMES } from '../../core/tools/names';
import { NodeFileAccess } from '../../core/tools/nodeFiles';
import type { ApprovalPolicy, UserApproval } from '../../core/tools/types';
import type { ChatStateView, ConversationSummary, EnvironmentView, HostMessage, MentionItem, PersonaView, WebviewMessage } from '../../shared/protocol';
import { CHAT_VIEW_ID, COMMANDS, CONTEXT_KEYS } from '../ids';
import type { Config } from '../config';
import type { Runtime } from '../runtime';
import { configuredBaseUrl, type ApiKeyStore } from '../secrets/apiKey';
import type { ChatBackend } from './backend';
import { mentionSuggestions, resolveMention } from './mentions';
import type { ToolProviderRegistry } from './toolProviders';

const DEFAULT_PERSONA = 'You are an expert Elixir and Phoenix engineer working in the user’s project with the tools you are given. Read before you change, keep changes small, and verify them (mix compile, mix test).';

type Listener = (m: HostMessage) => void;

const folders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

export class ChatController implements ChatBackend, vscode.Disposable {
  private session!: ChatSession;
  private readonly listeners = new Set<Listener>();
  private readonly pendingApprovals = new Map<string, { resolve: (a: UserApproval) => void }>();
  private readonly disposables: vscode.Disposable[] = [];
  private history: ConversationSummary[] = [];
  private persona?: PersonaView;
  private project: { isElixir: boolean; summary?: string; section?: string } = { isElixir: false };
  private runs = new Set<Promise<void>>();

  constructor(
    private readonly rt: Runtime,
    private readonly store: ConversationStore,
    private readonly keys: ApiKeyStore,
    private readonly providers: ToolProviderRegistry,
  ) {}

  /** Restores the conversation that was open, and starts following agents, MCP, trust and the key. */
  async start(): Promise<void> {
    const activeId = await this.store.getActive();
    const record = activeId ? await this.store.load(activeId) : undefined;
    this.session = this.newSession(record);
    this.history = await this.store.list();
    await this.refreshProject();
    await this.refreshPersona(false);

    const agents = this.rt.services.agents;
    if (agents) this.disposables.push(agents.onDidChange(() => void this.refreshPersona(true)));
    const mcp = this.rt.services.mcp;
    if (mcp) this.disposables.push(mcp.onDidChange(() => void this.refreshPersona(true).then(() => this.emitEnv())));
    this.disposables.push(this.keys.onDidChange(() => this.emitEnv()));
    this.disposables.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refreshPersona(true).then(() => this.emitEnv())));
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshProject().then(() => this.emitEnv())));
    const elixir = this.rt.services.elixir;
    if (elixir) this.disposables.push(elixir.onDidChange(() => void this.refreshProject().then(() => this.emitEnv())));
  }

  // --- ChatBackend ---

  snapshot(): ChatStateView {
    const record = this.session.conversation;
    return {
      conversationId: record.id,
      title: record.title,
      messages: this.session.views(),
      busy: this.session.busy,
      persona: this.persona,
      personas: this.rt.services.agents?.personas() ?? [],
      history: this.history,
      env: this.env(),
      totals: record.totals ?? ZERO_USAGE,
      contextFill: this.session.fill,
      backgroundTasks: this.session.backgroundViews(),
    };
  }

  onMessage(listener: Listener): vscode.Disposable {
    this.listeners.add(listener);
    return {
      dispose: () => {
        // The last chat view closed while an answer runs: closing the chat stops it (the partial answer is kept).
        if (this.listeners.delete(listener) && this.listeners.size === 0 && this.session.busy) {
          this.rt.log.info('chat: every chat view closed; stopping the running answer');
          void this.session.stop();
        }
      },
    };
  }

  async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return;
      case 'send':
        return this.send(msg.text, msg.mentions);
      case 'stop':
        return this.session.stop();
      case 'retry':
        return this.track(this.session.retry());
      case 'continue':
        return this.track(this.session.continue());
      case 'approve': {
        const pending = this.pendingApprovals.get(msg.callId);
        if (!pending) return;
        this.pendingApprovals.delete(msg.callId);
        pending.resolve(msg.decision === 'deny' ? { decision: 'deny', reason: msg.reason?.trim() || undefined } : { decision: msg.decision });
        return;
      }
      case 'newConversation':
        return this.newConversation();
      case 'pickPersona':
        if (msg.name && this.rt.services.agents) return this.rt.services.agents.setActive(msg.name);
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
      // openFile, insertAtCursor, copy and command are answered by the view (view.ts), never forwarded here.
      default:
        return;
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
    this.session.conversation.persona = this.rt.services.agents?.active()?.name ?? this.session.conversation.persona;
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
    await this.store.setActive(undefined);
    this.emitState();
  }

  async openConversation(id: string): Promise<void> {
    if (id === this.session.id) return;
    const record = await this.store.load(id);
    if (!record) {
      void vscode.window.showWarningMessage('Elixir Agent: that conversation could not be opened (it was deleted or is unreadable).');
      await this.refreshHistory();
      return;
    }
    await this.closeSession();
    this.session = this.newSession(record);
    await this.store.setActive(id);
    this.emitState();
  }

  async deleteConversation(id: string): Promise<void> {
    if (id === this.session.id) {
      await this.closeSession();
      this.session = this.newSession();
      this.emitState();
    }
    await this.store.delete(id);
    await this.refreshHistory();
  }

  async renameConversation(id: string, title: string): Promise<void> {
    if (id === this.session.id) {
      this.session.rename(title);
      await this.session.flush();
    } else {
      await this.store.rename(id, title);
    }
    await this.refreshHistory();
    if (id === this.session.id) this.emitState();
  }

  /** Writes the conversation as Markdown to `target` (else asks where) and opens it. Returns the file. */
  async exportConversation(id?: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const record = !id || id === this.session.id ? this.session.conversation : await this.store.load(id);
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

  async showHistory(): Promise<void> {
    await this.refreshHistory();
    type Item = vscode.QuickPickItem & { id: string };
    const rename: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Rename' };
    const remove: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete' };
    const pick = vscode.window.createQuickPick<Item>();
    const items = () =>
      this.history.map((c) => ({
        id: c.id,
        label: c.title,
        description: c.id === this.session.id ? '(open)' : undefined,
        detail: `${new Date(c.updatedAt).toLocaleString()} · ${c.messageCount} message${c.messageCount === 1 ? '' : 's'}`,
        buttons: [rename, remove],
      }));
    pick.items = items();
    pick.title = 'Conversation History';
    pick.placeholder = this.history.length ? 'Open a past conversation' : 'No saved conversations yet';
    pick.matchOnDetail = true;
    const done = new Promise<void>((resolve) => pick.onDidHide(() => resolve()));
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      pick.hide();
      if (chosen) void this.openConversation(chosen.id).then(() => this.reveal());
    });
    pick.onDidTriggerItemButton(async (e) => {
      if (e.button === remove) {
        const ok = await vscode.window.showWarningMessage(`Delete the conversation “${e.item.label}”?`, { modal: true }, 'Delete');
        if (ok === 'Delete') await this.deleteConversation(e.item.id);
      } else {
        const title = await vscode.window.showInputBox({ title: 'Rename Conversation', value: e.item.label, validateInput: (v) => (v.trim() ? undefined : 'A title cannot be empty') });
        if (title) await this.renameConversation(e.item.id, title);
      }
      pick.items = items();
    });
    pick.show();
    await done;
    pick.dispose();
  }

  /** Focuses the chat view. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables.splice(0)) d.dispose();
    if (this.session) await this.closeSession();
    await this.store.flush();
  }

  /** The open conversation ends: its answer and its background shells are stopped, its last save completes. */
  private async closeSession(): Promise<void> {
    const stopped = await this.session.dispose();
    if (stopped.length) this.rt.log.info(`chat: stopped ${stopped.length} background task(s) as the conversation closed: ${stopped.map((t) => t.id).join(', ')}`);
    await this.session.flush();
  }

  // --- composing the loop ---

  private newSession(record?: ConversationRecord): ChatSession {
    for (const p of this.pendingApprovals.values()) p.resolve({ decision: 'deny', reason: 'The conversation was closed.' });
    this.pendingApprovals.clear();
    const persona = this.rt.services.agents?.active()?.name;
    return new ChatSession(
      {
        client: () => new ModelClient({ apiKey: this.keys.key, baseURL: configuredBaseUrl(this.rt.config), logger: this.rt.log }),
        setup: () => this.setup(),
        policy: this.policy(),
        approve: (prompt, signal) => this.approve(prompt, signal),
        toolEnv: () => this.toolEnv(),
        save: async (r) => {
          await this.store.save(r);
          await this.store.setActive(r.id);
          await this.refreshHistory();
        },
        emit: (m) => this.onSessionMessage(m),
        log: this.rt.log,
      },
      record ?? newConversation(persona),
    );
  }

  private async setup(): Promise<RunSetup> {
    const agents = this.rt.services.agents;
    await agents?.ready();
    const agent = agents?.active();
    let tools = this.providers.tools();
    let unavailable: string[] = [];
    if (agent && agents) {
      const resolution = agents.resolveTools(agent, this.offer());
      const enabled = new Set(resolution.enabled);
      tools = tools.filter((t) => enabled.has(t.name));
      unavailable = resolution.statuses.filter((s) => s.status !== 'available').map((s) => s.name);
    }
    const model = agents ? (await agents.resolveModel(agent)).id : fallbackModel(this.rt.config);
    const memory = await agents?.projectMemory();
    const trusted = vscode.workspace.isTrusted;
    return {
      system: buildSystemPrompt({
        persona: agent?.systemPrompt ?? DEFAULT_PERSONA,
        memory: memory?.text,
        workspace: {
          folders: folders(),
          host: 'VS Code, through the Elixir Agent extension (edits land in the editor and can be undone)',
          projectSummary: this.project.summary,
          projectSection: this.project.section,
          readOnly: !trusted,
          unavailableTools: unavailable,
        },
      }),
      tools,
      settings: {
        model,
        maxTokens: this.rt.config.maxTokens(),
        maxTurns: this.rt.config.maxTurns(agent?.maxTurns),
      },
    };
  }

  /** The policy is read at each call: settings, the active agent's permissionMode and trust may change. */
  private policy(): ApprovalPolicy {
    return {
      decide: (tool, input) => {
        const agent = this.rt.services.agents?.active();
        const policy = this.providers.policy(agent);
        // No provider offers a policy (never the case with the defaults): be safe, ask for everything that is not read-only.
        if (!policy) return Promise.resolve({ decision: tool.readOnly ? 'allow' : 'ask' });
        return policy.decide(tool, input);
      },
    };
  }

  private toolEnv(): ToolEnvironment {
    const f = folders();
    return { workspaceFolders: f, cwd: f[0] ?? process.cwd(), files: this.providers.files() ?? new NodeFileAccess(), services: this.providers.services() };
  }

  /** Asks on the tool card; the webview answers with `approve`. */
  private approve(prompt: ApprovalPrompt, signal: AbortSignal): Promise<UserApproval> {
    return new Promise((resolve, reject) => {
      this.pendingApprovals.set(prompt.callId, { resolve });
      signal.addEventListener(
        'abort',
        () => {
          this.pendingApprovals.delete(prompt.callId);
          reject(new Error('stopped'));
        },
        { once: true },
      );
      if (this.listeners.size === 0) void this.reveal();
    });
  }

  /** What the host offers now, for resolving the agent's `tools`. */
  private offer(): ToolOffer {
    const direct = this.providers
      .tools()
      .filter((t) => !t.name.startsWith('mcp__') || t.name.startsWith('mcp__ide__'))
      .map((t) => ({ name: t.name }) as { name: string; unavailable?: string });
    if (!vscode.workspace.isTrusted) {
      for (const name of BUILTIN_TOOL_NAMES) {
        if (!(READ_TOOL_NAMES as readonly string[]).includes(name) && !direct.some((t) => t.name === name)) direct.push({ name, unavailable: 'disabled in Restricted Mode (untrusted workspace)' });
      }
    }
    const mcpServers = (this.rt.services.mcp?.states() ?? []).map((s) => ({ name: s.name, state: s.state, tools: s.tools, detail: s.detail }));
    return { tools: direct, mcpServers };
  }

  private track(run: Promise<void>): void {
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run));
  }

  private onSessionMessage(m: HostMessage): void {
    if (m.type === 'busy') void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.busy, m.busy);
    this.emit(m);
  }

  private emit(m: HostMessage): void {
    for (const l of [...this.listeners]) {
      try {
        l(m);
      } catch (err) {
        this.rt.log.warn(`chat view listener failed: ${String(err)}`);
      }
    }
  }

  private emitState(): void {
    this.emit({ type: 'state', state: this.snapshot() });
  }

  private emitEnv(): void {
    this.emit({ type: 'env', env: this.env() });
  }

  private env(): EnvironmentView {
    return {
      hasApiKey: !!this.keys.key,
      trusted: vscode.workspace.isTrusted,
      isElixirWorkspace: this.project.isElixir,
      projectSummary: this.project.summary,
      mcpServers: (this.rt.services.mcp?.states() ?? []).map((s) => ({ name: s.name, state: s.state, detail: s.detail })),
    };
  }

  private async refreshHistory(): Promise<void> {
    this.history = await this.store.list();
    this.emit({ type: 'history', history: this.history });
  }

  private async refreshPersona(emit: boolean): Promise<void> {
    const agents = this.rt.services.agents;
    if (!agents) return;
    try {
      await agents.ready();
      this.persona = await agents.persona(this.offer());
      if (emit && this.persona) this.emit({ type: 'persona', persona: this.persona, personas: agents.personas() });
    } catch (err) {
      this.rt.log.warn(`chat: could not resolve the persona: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async refreshProject(): Promise<void> {
    const elixir = this.rt.services.elixir;
    if (elixir) {
      await elixir.ready();
      this.project = { isElixir: elixir.projects().length > 0, summary: elixir.summary(), section: elixir.promptSection() };
      return;
    }
    try {
      const projects = await detectProjects(folders());
      this.project = { isElixir: projects.length > 0, summary: projectSummary(projects), section: projectPromptSection(projects) };
    } catch (err) {
      this.rt.log.warn(`chat: project detection failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Without the agents feature: the elixirAgent.model setting (alias or id), else Sonnet. */
function fallbackModel(config: Config): string {
  const setting = config.get('model').trim();
  const family = aliasFamily(setting || 'sonnet');
  return family && family !== 'inherit' ? FALLBACK_MODELS[family] : setting || FALLBACK_MODELS.sonnet;
}

