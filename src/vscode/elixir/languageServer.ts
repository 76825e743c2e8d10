/**
 * Starts an Elixir language server (Expert, ElixirLS, Lexical or Next LS)
 * with vscode-languageclient, so its diagnostics reach the Problems panel and
 * the ide channel, when:
 *   - the workspace is trusted and has mix projects,
 *   - elixirAgent.languageServer.kind is not "off",
 *   - a path is configured (elixirAgent.languageServer.path) or a server is on PATH,
 *   - and no Elixir extension of the user's is installed (it runs its own
 *     server: never two servers on one project).
 * One client per top-level mix project (an umbrella's root for its apps).
 * vscode-languageclient is loaded only when a server starts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { MixProject } from '../../core/elixir/project';
import { findOnPath, isExecutable } from '../../core/util/which';
import type { Config } from '../config';
import { CONFIG_SECTION, EXTENSION_ID } from '../ids';
import type { ElixirWorkspace } from './workspace';

export type ServerKind = 'expert' | 'elixir-ls' | 'lexical' | 'next-ls' | 'custom';

interface ServerSpec {
  kind: Exclude<ServerKind, 'custom'>;
  label: string;
  /** Executable names looked up on PATH, in order. */
  names: string[];
  args: string[];
}

export const SERVERS: readonly ServerSpec[] = [
  { kind: 'expert', label: 'Expert', names: ['expert'], args: ['--stdio'] },
  { kind: 'elixir-ls', label: 'ElixirLS', names: ['language_server.sh', 'elixir-ls'], args: [] },
  { kind: 'lexical', label: 'Lexical', names: ['start_lexical.sh', 'lexical'], args: [] },
  { kind: 'next-ls', label: 'Next LS', names: ['nextls'], args: ['--stdio'] },
];

/** Extensions that run their own Elixir language server. */
export const ELIXIR_EXTENSIONS = ['jakebecker.elixir-ls', 'elixir-lsp.elixir-ls', 'lexical-lsp.lexical', 'elixir-tools.elixir-tools', 'expert-lsp.expert', 'elixir-lang.expert'];

export interface ServerChoice {
  kind: ServerKind;
  label: string;
  command: string;
  args: string[];
}

export interface ClientState {
  root: string;
  server: string;
  command: string;
  state: 'starting' | 'running' | 'stopped' | 'failed';
  error?: string;
}

export interface LanguageServerStatus {
  /** Why no server runs, when none does. */
  reason?: string;
  clients: ClientState[];
}

/** Which server a configured executable is, from the setting or its file name. */
export function kindOf(setting: string, command: string): ServerSpec | undefined {
  const byKind = SERVERS.find((s) => s.kind === setting);
  if (byKind) return byKind;
  const base = path.basename(command).toLowerCase().replace(/\.(exe|cmd|bat)$/, '');
  return SERVERS.find((s) => s.names.some((n) => n.toLowerCase() === base));
}

/** The user's Elixir extension that already runs a server, if any. */
export function installedElixirExtension(): vscode.Extension<unknown> | undefined {
  const ours = EXTENSION_ID.toLowerCase();
  return vscode.extensions.all.find((ext) => {
    const id = ext.id.toLowerCase();
    if (id === ours) return false;
    if (ELIXIR_EXTENSIONS.includes(id)) return true;
    const pkg = ext.packageJSON as { contributes?: { languages?: Array<{ id?: string }> }; description?: string; displayName?: string };
    const elixir = pkg.contributes?.languages?.some((l) => l.id === 'elixir');
    return !!elixir && /language server|\blsp\b/i.test(`${pkg.displayName ?? ''} ${pkg.description ?? ''}`);
  });
}

type Choice = { choice: ServerChoice } | { reason: string; error?: string };

/** Decides which server to start (or why none), from settings, PATH and installed extensions. */
export function chooseServer(config: { kind: string; path: string }, envPath?: string): Choice {
  if (config.kind === 'off') return { reason: 'elixirAgent.languageServer.kind is "off"' };
  const other = installedElixirExtension();
  if (other) {
    return { reason: `the ${other.packageJSON?.displayName ?? other.id} extension (${other.id}) runs its own language server; its diagnostics are used` };
  }
  const configured = config.path.trim().replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
  if (configured) {
    if (!isExecutable(configured)) {
      return {
        reason: `the configured language server ${configured} does not exist or is not executable`,
        error: `Elixir Agent: the language server "${configured}" (setting elixirAgent.languageServer.path) does not exist or is not executable.`,
      };
    }
    const spec = kindOf(config.kind, configured);
    return { choice: { kind: spec?.kind ?? 'custom', label: spec?.label ?? path.basename(configured), command: configured, args: spec?.args ?? [] } };
  }
  const candidates = config.kind === 'auto' ? SERVERS : SERVERS.filter((s) => s.kind === config.kind);
  for (const spec of candidates) {
    const found = findOnPath(spec.names, envPath);
    if (found) return { choice: { kind: spec.kind, label: spec.label, command: found, args: spec.args } };
  }
  return {
    reason:
      config.kind === 'auto'
        ? 'no language server (expert, language_server.sh, start_lexical.sh, nextls) on PATH and none configured'
        : `${candidates.map((c) => c.names.join(' or ')).join(', ')} not found on PATH`,
  };
}

const LANGUAGES = ['elixir', 'eex', 'html-eex', 'phoenix-heex', 'heex', 'surface'];

export class LanguageServers implements vscode.Disposable {
  private clients = new Map<string, { client: LanguageClient; state: ClientState; watcher: vscode.FileSystemWatcher }>();
  private status: LanguageServerStatus = { reason: 'not started yet', clients: [] };
  private sync: Promise<void> = Promise.resolve();
  private readonly output = vscode.window.createOutputChannel('Elixir Agent: Language Server', { log: true });
  private readonly disposables: vscode.Disposable[] = [this.output];
  private readonly changed = new vscode.EventEmitter<LanguageServerStatus>();
  readonly onDidChange = this.changed.event;
  private lastError?: string;

  constructor(
    private readonly workspace: ElixirWorkspace,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
  ) {
    this.disposables.push(
      this.changed,
      config.onChange(['languageServer'], () => void this.restart()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart()),
      vscode.extensions.onDidChange(() => void this.reconcile()),
      workspace.onDidChange(() => void this.reconcile()),
    );
  }

  current(): LanguageServerStatus {
    return { reason: this.status.reason, clients: this.status.clients.map((c) => ({ ...c })) };
  }

  /** Resolves once pending starts/stops are done. */
  async ready(): Promise<void> {
    let before: Promise<void>;
    do {
      before = this.sync;
      await before;
    } while (before !== this.sync);
  }

  /** Stops every client, then starts what the settings call for. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      this.lastError = undefined;
      await this.stopAll();
      await this.startWanted();
    });
  }

  /** Starts or stops clients to match the projects (keeps running ones). */
  private reconcile(): Promise<void> {
    return this.enqueue(async () => {
      const wanted = new Set(this.workspace.projects().map((p) => p.root));
      for (const root of [...this.clients.keys()]) if (!wanted.has(root)) await this.stopOne(root);
      await this.startWanted();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.sync = this.sync.then(task).catch((err: unknown) => {
      this.log.error(`language server: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.sync;
  }

  private setStatus(reason?: string): void {
    this.status = { reason: this.clients.size ? undefined : reason, clients: [...this.clients.values()].map((c) => c.state) };
    this.changed.fire(this.current());
  }

  private async startWanted(): Promise<void> {
    await this.workspace.ready();
    const projects = this.workspace.projects();
    if (!vscode.workspace.isTrusted) return this.stopAllWith('the workspace is not trusted (Restricted Mode)');
    if (projects.length === 0) return this.stopAllWith('no mix project in the workspace');
    const decision = chooseServer({ kind: this.config.get('languageServer.kind'), path: this.config.get('languageServer.path') });
    if ('reason' in decision) {
      this.log.info(`language server: none started: ${decision.reason}`);
      if (decision.error && decision.error !== this.lastError) {
        this.lastError = decision.error;
        void vscode.window.showErrorMessage(decision.error, 'Open Settings').then((pick) => {
          if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.languageServer.path`);
        });
      }
      return this.stopAllWith(decision.reason);
    }
    for (const project of projects) {
      if (!this.clients.has(project.root)) await this.startOne(project, decision.choice);
    }
    this.setStatus();
  }

  private async stopAllWith(reason: string): Promise<void> {
    await this.stopAll();
    this.setStatus(reason);
  }

  private async startOne(project: MixProject, choice: ServerChoice): Promise<void> {
    const { LanguageClient: Client, State } = await import('vscode-languageclient/node');
    const root = project.root;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
    const pattern = `${root.replace(/\\/g, '/')}/**/*`;
    const state: ClientState = { root, server: choice.label, command: choice.command, state: 'starting' };
    const shell = process.platform === 'win32' && /\.(cmd|bat)$/i.test(choice.command);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*.{ex,exs,heex,eex,lock}'));
    const client = new Client(
      `elixirAgent.ls.${path.basename(root)}`,
      `Elixir Agent: ${choice.label} (${project.app ?? path.basename(root)})`,
      { command: choice.command, args: choice.args, options: { cwd: root, env: process.env, shell } },
      {
        documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language, pattern })),
        workspaceFolder: { uri: vscode.Uri.file(root), name: folder?.name ?? path.basename(root), index: folder?.index ?? 0 },
        outputChannel: this.output,
        traceOutputChannel: this.output,
        synchronize: { fileEvents: watcher },
      },
    );
    this.clients.set(root, { client, state, watcher });
    client.onDidChangeState((e) => {
      state.state = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : state.state === 'failed' ? 'failed' : 'stopped';
      this.setStatus();
    });
    this.log.info(`language server: starting ${choice.label} (${choice.command} ${choice.args.join(' ')}) for ${root}`);
    try {
      await client.start();
      state.state = 'running';
    } catch (err) {
      state.state = 'failed';
      state.error = err instanceof Error ? err.message : String(err);
      this.log.error(`language server ${choice.label} for ${root} failed to start: ${state.error}`);
      void vscode.window.showErrorMessage(`Elixir Agent: ${choice.label} failed to start: ${state.error}`, 'Show Output').then((pick) => {
        if (pick) this.output.show();
      });
    }
    this.setStatus();
  }

  private async stopOne(root: string): Promise<void> {
    const entry = this.clients.get(root);
    this.clients.delete(root);
    if (!entry) return;
    try {
      await entry.client.dispose(5000); // stops the server (shutdown, exit) if it runs
    } catch (err) {
      this.log.warn(`language server for ${root} did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
    }
    entry.watcher.dispose();
  }

  private async stopAll(): Promise<void> {
    for (const root of [...this.clients.keys()]) await this.stopOne(root);
  }

  showOutput(): void {
    this.output.show();
  }

  async dispose(): Promise<void> {
    await this.stopAll();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
