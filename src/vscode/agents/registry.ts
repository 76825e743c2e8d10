/**
 * The agent registry in the editor: loads the agent files on start, watches
 * `.claude/agents/**` in every workspace folder and the user's folder, reloads
 * on create/change/delete/rename, shows problems in the Problems panel (also
 * live while an agent file is edited), tells the user once when a file breaks,
 * and remembers the active agent per workspace.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  agentSearchPaths,
  loadAgents,
  loadProjectMemory,
  ModelResolver,
  nodeAgentFs,
  parseAgentFile,
  resolveTools,
  toPersonaRecord,
  type AgentCatalog,
  type AgentDefinition,
  type AgentFs,
  type AgentProblem,
  type AgentSource,
  type PersonaRecord,
  type ProjectMemory,
  type ResolvedModel,
  type ToolOffer,
  type ToolResolution,
} from '../../core/agents';
import { modelsApiLister } from '../../core/agents/modelsApi';
import { claudeConfigDir } from '../../core/util/claudeConfig';
import type { Config } from '../config';
import { SECRET_API_KEY } from '../ids';
import type { AgentsChangeEvent, AgentsService } from './service';
import { fileFolderPaths } from '../folders';

export const DEFAULT_AGENT = 'elixir-expert';
export const ACTIVE_AGENT_KEY = 'elixirAgent.activeAgent';
export const DIAGNOSTIC_COLLECTION = 'elixir-agent';
/** Coalesces the bursts of events a save or a git checkout produces. */
const RELOAD_DELAY_MS = 75;

export interface AgentRegistryOptions {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  config: Config;
  /** Default: the extension's media/agents. */
  bundledDir?: string;
  /** The user's Claude Code folder, whose agents/ holds user agents. Default: $CLAUDE_CONFIG_DIR, else ~/.claude. */
  userConfigDir?: string;
  fs?: AgentFs;
}

const EMPTY: AgentCatalog = { agents: [], definitions: [], problems: [], files: [] };

export class AgentRegistry implements AgentsService, vscode.Disposable {
  private catalog: AgentCatalog = EMPTY;
  private readonly emitter = new vscode.EventEmitter<AgentsChangeEvent>();
  readonly onDidChange = this.emitter.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_COLLECTION);
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private readonly bundledDir: string;
  private readonly userConfigDir: string;
  private readonly fs: AgentFs;
  private readonly firstLoad: Promise<void>;
  private resolveFirstLoad!: () => void;
  private queue: Promise<void> = Promise.resolve();
  private reloadTimer?: ReturnType<typeof setTimeout>;
  /** Problems of agent files being edited (dirty documents), shown instead of the saved file's. */
  private readonly liveProblems = new Map<string, AgentProblem[]>();
  /** Errors already shown in a notification (file + message), so a message is not repeated. */
  private notified = new Set<string>();
  private warnedMissingSetting?: string;
  private modelResolver?: ModelResolver;

  constructor(private readonly options: AgentRegistryOptions) {
    this.bundledDir = options.bundledDir ?? path.join(options.context.extensionPath, 'media', 'agents');
    this.userConfigDir = options.userConfigDir ?? claudeConfigDir();
    this.fs = options.fs ?? nodeAgentFs;
    this.firstLoad = new Promise((resolve) => (this.resolveFirstLoad = resolve));
    this.disposables.push(
      this.emitter,
      this.diagnostics,
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.scheduleReload();
      }),
      options.config.onDidChange((e) => {
        if (e.affects('modelAliases') || e.affects('baseUrl')) this.modelResolver = undefined;
        if (e.affects('agent') || e.affects('model')) this.fire('settings');
      }),
      options.context.secrets.onDidChange((e) => {
        if (e.key === SECRET_API_KEY) this.modelResolver = undefined;
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.checkLive(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.liveProblems.delete(d.uri.fsPath)) this.publishDiagnostics();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (this.liveProblems.delete(d.uri.fsPath)) this.scheduleReload();
      }),
    );
  }

  /** Loads the agents and starts watching. */
  start(): Promise<void> {
    this.watch();
    return this.reload();
  }

  ready(): Promise<void> {
    return this.firstLoad;
  }

  all(): readonly AgentDefinition[] {
    return this.catalog.agents;
  }

  definitions(): readonly AgentDefinition[] {
    return this.catalog.definitions;
  }

  problems(): readonly AgentProblem[] {
    return this.catalog.problems;
  }

  get(name: string): AgentDefinition | undefined {
    return this.catalog.agents.find((a) => a.name === name);
  }

  /** The setting, if it names an agent. */
  settingAgent(): string | undefined {
    const value = this.options.config.get('agent').trim();
    return value || undefined;
  }

  active(): AgentDefinition | undefined {
    const setting = this.settingAgent();
    if (setting) {
      const a = this.get(setting);
      if (a) return a;
      if (this.warnedMissingSetting !== setting && this.catalog !== EMPTY) {
        this.warnedMissingSetting = setting;
        this.options.log.warn(`elixirAgent.agent is "${setting}", but no agent has that name; using the picked or default agent`);
        void vscode.window.showWarningMessage(`Elixir Agent: the setting elixirAgent.agent names "${setting}", but no agent file defines it.`, 'Pick Agent').then((pick) => {
          if (pick) void vscode.commands.executeCommand('elixirAgent.pickAgent');
        });
      }
    }
    const stored = this.options.context.workspaceState.get<string>(ACTIVE_AGENT_KEY);
    return (stored ? this.get(stored) : undefined) ?? this.get(DEFAULT_AGENT) ?? this.catalog.agents[0];
  }

  async setActive(name: string): Promise<void> {
    if (!this.get(name)) throw new Error(`no agent named "${name}"`);
    await this.options.context.workspaceState.update(ACTIVE_AGENT_KEY, name);
    this.fire('active');
  }

  /** Reads every agent file again (serialized: concurrent calls run one after the other). */
  reload(): Promise<void> {
    const run = this.queue.then(() => this.load());
    this.queue = run.catch(() => undefined);
    return run;
  }

  async resolveModel(agent: AgentDefinition | undefined = this.active()): Promise<ResolvedModel> {
    const override = this.options.config.get('model').trim();
    return (await this.resolver()).resolve(override || agent?.model);
  }

  resolveTools(agent: AgentDefinition, offer: ToolOffer): ToolResolution {
    return resolveTools(agent, offer);
  }

  async persona(offer: ToolOffer, name?: string): Promise<PersonaRecord | undefined> {
    const agent = name ? this.get(name) : this.active();
    if (!agent) return undefined;
    return toPersonaRecord(agent, resolveTools(agent, offer), await this.resolveModel(agent), this.catalog.problems);
  }

  personas(): Array<{ name: string; description: string; source: string; color?: string }> {
    return this.catalog.agents.map((a) => ({ name: a.name, description: a.description, source: a.source, ...(a.color ? { color: a.color } : {}) }));
  }

  projectMemory(denied?: (file: string) => string | undefined): Promise<ProjectMemory | undefined> {
    return loadProjectMemory(fileFolderPaths(), this.fs, { userDir: this.userConfigDir, homeDir: os.homedir(), denied });
  }

  /** Where agent files are looked for, with their source. */
  searchPaths(): Array<{ dir: string; source: AgentSource }> {
    return agentSearchPaths({ workspaceFolders: fileFolderPaths(), userConfigDir: this.userConfigDir, bundledDir: this.bundledDir });
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const d of [...this.watchers, ...this.disposables].reverse()) d.dispose();
    this.watchers = [];
  }

  // --- internals ---

  private async resolver(): Promise<ModelResolver> {
    if (this.modelResolver) return this.modelResolver;
    const { config } = this.options;
    const apiKey = (await this.options.context.secrets.get(SECRET_API_KEY)) || process.env.ANTHROPIC_API_KEY;
    const baseURL = config.get('baseUrl').trim() || process.env.ANTHROPIC_BASE_URL || undefined;
    this.modelResolver = new ModelResolver({
      overrides: config.get('modelAliases'),
      listModels: apiKey ? modelsApiLister({ apiKey, baseURL }) : undefined,
    });
    return this.modelResolver;
  }

  private fire(reason: AgentsChangeEvent['reason']): void {
    this.emitter.fire({ reason, agents: this.catalog.agents, active: this.active() });
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reload().catch((err: unknown) => this.options.log.error(`reloading agents failed: ${String(err)}`));
    }, RELOAD_DELAY_MS);
  }

  private async load(): Promise<void> {
    try {
      const catalog = await loadAgents(this.searchPaths(), this.fs);
      this.catalog = catalog;
      this.options.log.info(
        `agents: ${catalog.agents.map((a) => `${a.name} (${a.source})`).join(', ') || 'none'}; ${catalog.problems.length} problem(s) in ${catalog.files.length} file(s)`,
      );
      this.publishDiagnostics();
      this.notifyBroken();
      this.fire('reload');
    } finally {
      this.resolveFirstLoad();
    }
  }

  private publishDiagnostics(): void {
    const byFile = new Map<string, AgentProblem[]>();
    for (const p of this.catalog.problems) {
      if (this.liveProblems.has(p.filePath)) continue;
      byFile.set(p.filePath, [...(byFile.get(p.filePath) ?? []), p]);
    }
    for (const [file, problems] of this.liveProblems) byFile.set(file, problems);
    this.diagnostics.clear();
    for (const [file, problems] of byFile) {
      this.diagnostics.set(vscode.Uri.file(file), problems.map(toDiagnostic));
    }
  }

  /** One notification per newly broken file (not per reload); fixed files are forgotten. */
  private notifyBroken(): void {
    const errors = this.catalog.problems.filter((p) => p.severity === 'error');
    const keys = new Set(errors.map((p) => `${p.filePath}\n${p.message}`));
    const fresh = errors.filter((p) => !this.notified.has(`${p.filePath}\n${p.message}`));
    this.notified = keys;
    const files = [...new Set(fresh.map((p) => p.filePath))];
    const first = fresh[0];
    if (!first) return;
    for (const p of fresh) this.options.log.warn(`${p.filePath}:${p.line + 1}: ${p.message}`);
    const loaded = new Set(this.catalog.definitions.map((d) => d.filePath));
    let message: string;
    if (files.length === 1) {
      const state = loaded.has(first.filePath) ? 'loaded with errors' : 'not loaded';
      message = `Elixir Agent: the agent file ${path.basename(first.filePath)} is ${state}: ${first.message} (line ${first.line + 1}).`;
    } else {
      message = `Elixir Agent: ${files.length} agent files have errors (${files.map((f) => path.basename(f)).join(', ')}). See the Problems panel.`;
    }
    const actions = files.length === 1 ? ['Open File', 'Show Problems'] : ['Show Problems'];
    void vscode.window.showWarningMessage(message, ...actions).then(async (pick) => {
      if (pick === 'Open File') {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(first.filePath));
        const pos = new vscode.Position(first.line, first.column ?? 0);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
      } else if (pick === 'Show Problems') {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
      }
    });
  }

  /** Validates an agent file being edited, before it is saved. */
  private checkLive(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file' || !doc.fileName.toLowerCase().endsWith('.md')) return;
    const source = this.sourceOf(doc.uri.fsPath);
    if (!source) return;
    if (!doc.isDirty) {
      if (this.liveProblems.delete(doc.uri.fsPath)) this.publishDiagnostics();
      return;
    }
    this.liveProblems.set(doc.uri.fsPath, parseAgentFile(doc.getText(), doc.uri.fsPath, source).problems);
    this.publishDiagnostics();
  }

  /** The source of a path inside one of the agent folders, if it is. */
  private sourceOf(file: string): AgentSource | undefined {
    return this.searchPaths().find((sp) => file.startsWith(sp.dir + path.sep))?.source;
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const onEvent = (uri: vscode.Uri): void => {
      const p = uri.fsPath;
      // `.claude/**` also sees settings files and the like; only the agents folder (and its parents) matter.
      if (this.searchPaths().some((sp) => p === sp.dir || p.startsWith(sp.dir + path.sep) || sp.dir.startsWith(p + path.sep))) this.scheduleReload();
    };
    const add = (pattern: vscode.GlobPattern): void => {
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      this.watchers.push(w, w.onDidCreate(onEvent), w.onDidChange(onEvent), w.onDidDelete(onEvent));
    };
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      // Covers the files, and the folders `.claude` / `.claude/agents` appearing or going away.
      add(new vscode.RelativePattern(folder, '.claude/**'));
      add(new vscode.RelativePattern(folder, '.claude'));
    }
    // The user's folder is outside the workspace: watch the nearest existing level, not the whole home.
    add(new vscode.RelativePattern(vscode.Uri.file(this.userConfigDir), 'agents/**'));
    add(new vscode.RelativePattern(vscode.Uri.file(path.dirname(this.userConfigDir)), path.basename(this.userConfigDir)));
  }
}

function toDiagnostic(p: AgentProblem): vscode.Diagnostic {
  const range = new vscode.Range(p.line, p.column ?? 0, p.endLine ?? p.line, p.endColumn ?? Number.MAX_SAFE_INTEGER);
  const d = new vscode.Diagnostic(range, p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = 'Elixir Agent';
  if (p.code) d.code = p.code;
  return d;
}
