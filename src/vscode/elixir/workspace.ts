/**
 * The workspace's mix projects, kept current: detected at start (without
 * running Elixir), again when a mix.exs / mix.lock / .tool-versions /
 * mise.toml changes or folders are added. Sets the context keys
 * elixirAgent.isMixProject and elixirAgent.isPhoenixProject.
 */
import * as vscode from 'vscode';
import { detectProjects, projectFor, projectPromptSection, projectSummary, type MixProject } from '../../core/elixir/project';
import { CONTEXT_KEYS } from '../ids';
import { fileFolderPaths } from '../folders';

const WATCHED = '**/{mix.exs,mix.lock,.tool-versions,mise.toml,.mise.toml}';
const DEBOUNCE_MS = 400;

export class ElixirWorkspace implements vscode.Disposable {
  private list: MixProject[] = [];
  private readonly changed = new vscode.EventEmitter<readonly MixProject[]>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly first: Promise<unknown>;

  /** Fires after detection found a different set of projects (or different facts about them). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.schedule()),
      watcher.onDidCreate(() => this.schedule()),
      watcher.onDidDelete(() => this.schedule()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
    );
    this.first = this.refresh();
  }

  projects(): readonly MixProject[] {
    return this.list;
  }

  /** The project a file belongs to (an umbrella for its apps' files). */
  projectOf(uri: vscode.Uri): MixProject | undefined {
    return uri.scheme === 'file' ? projectFor(this.list, uri.fsPath) : undefined;
  }

  /** "Phoenix 1.7 · Ecto · LiveView · umbrella (3 apps)" for the chat header; undefined: no mix project. */
  summary(): string | undefined {
    return projectSummary(this.list);
  }

  /** A paragraph about the projects for the system prompt; undefined: no mix project. */
  promptSection(): string | undefined {
    return projectPromptSection(this.list);
  }

  /** Resolves once the first detection (and any one running now) has finished. */
  async ready(): Promise<void> {
    await this.first;
    await this.running;
  }

  /** Detects again now (and returns the projects). */
  async refresh(): Promise<readonly MixProject[]> {
    const run = this.running.then(async () => {
      const folders = fileFolderPaths();
      let found: MixProject[] = [];
      try {
        found = await detectProjects(folders);
      } catch (err) {
        this.log.warn(`mix project detection failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      const before = JSON.stringify(this.list);
      this.list = found;
      await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isMixProject, found.length > 0);
      await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isPhoenixProject, found.some((p) => !!p.features.phoenix));
      if (JSON.stringify(found) !== before) {
        this.log.info(`mix projects: ${found.length ? found.map((p) => `${p.root} (${p.kind})`).join(', ') : 'none'}`);
        this.changed.fire(found);
      }
    });
    this.running = run.catch(() => undefined);
    await run;
    return this.list;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
