/**
 * What the chat shows about its surroundings and follows as it changes: the
 * API key, workspace trust, the mix projects (from the Elixir feature, in
 * the background: the chat starts before detection ends), the MCP servers,
 * the active persona with its resolved tools, and the memory files in use.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ProjectMemory, ToolOffer } from '../../core/agents';
import { readDeniedBy } from '../../core/settings/decide';
import { fileFolderPaths } from '../folders';
import type { ClaudeSettingsService } from '../settings';
import { BUILTIN_TOOL_NAMES, READ_TOOL_NAMES } from '../../core/tools/names';
import type { PersonaRecord } from '../../core/agents';
import type { EnvironmentView, HostMessage } from '../../shared/protocol';
import { personaView } from './toWebview';
import type { AgentsService } from '../agents/service';
import type { ElixirService } from '../elixir';
import type { McpService } from '../mcp';
import type { ApiKeyStore } from '../secrets/apiKey';
import type { ToolProviderRegistry } from './toolProviders';

/** The mix projects as the chat uses them (header and system prompt). */
export interface ProjectFacts {
  isElixir: boolean;
  summary?: string;
  section?: string;
}

export interface ChatEnvironmentDeps {
  log: vscode.LogOutputChannel;
  keys: ApiKeyStore;
  agents: AgentsService;
  mcp: McpService;
  elixir: ElixirService;
  providers: ToolProviderRegistry;
  settings: Pick<ClaudeSettingsService, 'rules' | 'ready'>;
}

export class ChatEnvironment implements vscode.Disposable {
  private persona?: PersonaRecord;
  private project?: ProjectFacts;
  private memoryView?: EnvironmentView['memory'];
  private projectKnown: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly deps: ChatEnvironmentDeps,
    private readonly emit: (m: HostMessage) => void,
  ) {}

  /** Resolves the persona, starts project detection (not awaited) and follows agents, MCP, trust, folders and the key. */
  async start(): Promise<void> {
    const { agents, mcp, elixir, keys } = this.deps;
    this.projectKnown = this.refreshProject();
    await this.refreshPersona(false);
    void this.memory();
    this.disposables.push(
      agents.onDidChange(() => void this.refreshPersona(true).then(() => this.memory())),
      mcp.onDidChange(() => void this.refreshPersona(true).then(() => this.emitEnv())),
      keys.onDidChange(() => this.emitEnv()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refreshPersona(true).then(() => this.emitEnv())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshProject()),
      elixir.onDidChange(() => void this.refreshProject()),
    );
  }

  /** The mix projects, once detection has run. */
  async projectFacts(): Promise<ProjectFacts> {
    await this.projectKnown;
    return this.project ?? { isElixir: false };
  }

  currentPersona(): PersonaRecord | undefined {
    return this.persona;
  }

  env(): EnvironmentView {
    return {
      hasApiKey: !!this.deps.keys.key,
      trusted: vscode.workspace.isTrusted,
      // Until detection has run, no "not an Elixir project" hint.
      isElixirWorkspace: this.project?.isElixir ?? true,
      projectSummary: this.project?.summary,
      mcpServers: this.deps.mcp.states().map((s) => ({ name: s.name, state: s.state, detail: s.detail })),
      ...(this.memoryView ? { memory: this.memoryView } : {}),
    };
  }

  /**
   * The memory files as the model gets them now (what a settings deny rule keeps from Read is refused);
   * the header follows, and refused imports are logged once per change.
   */
  async memory(): Promise<ProjectMemory | undefined> {
    const { agents, settings, log } = this.deps;
    await settings.ready();
    const root = fileFolderPaths()[0];
    const memory = await agents.projectMemory(root ? readDeniedBy(settings.rules(), { projectRoot: root, homeDir: os.homedir() }) : undefined).catch((err: unknown) => {
      log.warn(`chat: could not read the memory files: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    const view = memory ? { files: memory.entries.map((e) => ({ label: e.label, ...(e.importedBy ? { importedBy: e.importedBy } : {}) })), notes: memory.notes } : undefined;
    if (JSON.stringify(view) !== JSON.stringify(this.memoryView)) {
      this.memoryView = view;
      if (view?.notes.length) log.warn(`memory: ${view.notes.join('; ')}`);
      this.emitEnv();
    }
    return memory;
  }

  emitEnv(): void {
    this.emit({ type: 'env', env: this.env() });
  }

  /** What the host offers now, for resolving the agent's `tools`. */
  offer(): ToolOffer {
    const direct = this.deps.providers
      .tools()
      .filter((t) => !t.name.startsWith('mcp__') || t.name.startsWith('mcp__ide__'))
      .map((t) => ({ name: t.name }) as { name: string; unavailable?: string });
    if (!vscode.workspace.isTrusted) {
      for (const name of BUILTIN_TOOL_NAMES) {
        if (!(READ_TOOL_NAMES as readonly string[]).includes(name) && !direct.some((t) => t.name === name)) direct.push({ name, unavailable: 'disabled in Restricted Mode (untrusted workspace)' });
      }
    }
    const mcpServers = this.deps.mcp.states().map((s) => ({ name: s.name, state: s.state, tools: s.tools, detail: s.detail }));
    return { tools: direct, mcpServers };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async refreshPersona(emit: boolean): Promise<void> {
    const { agents } = this.deps;
    try {
      await agents.ready();
      this.persona = await agents.persona(this.offer());
      if (emit && this.persona) this.emit({ type: 'persona', persona: personaView(this.persona), personas: agents.personas() });
    } catch (err) {
      this.deps.log.warn(`chat: could not resolve the persona: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Reads the projects once detection has run, then tells the webviews. */
  private async refreshProject(): Promise<void> {
    const { elixir } = this.deps;
    try {
      await elixir.ready();
      this.project = { isElixir: elixir.projects().length > 0, summary: elixir.summary(), section: elixir.promptSection() };
      this.emitEnv();
    } catch (err) {
      this.deps.log.warn(`chat: project detection failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
