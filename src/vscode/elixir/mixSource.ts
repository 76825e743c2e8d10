/**
 * The `mix compile` diagnostics source: a DiagnosticCollection named "mix"
 * filled from `mix compile --all-warnings` (src/core/elixir/mixCompile.ts),
 * on demand (Elixir Agent: Run mix compile) and, with
 * elixirAgent.mix.compileOnSave, after saving an Elixir file. A newer run of
 * a project cancels the one in progress (its process tree is killed); each
 * finished run replaces the project's problems, so fixed ones disappear.
 * Only in trusted workspaces: compiling runs the project's code (macros).
 */
import * as vscode from 'vscode';
import { diagnosticRange, type CompilerDiagnostic } from '../../core/elixir/compilerOutput';
import { runMixCompile, type MixCompileResult } from '../../core/elixir/mixCompile';
import type { MixProject } from '../../core/elixir/project';
import { diskLineReader } from '../../core/ide/format';
import { CONFIG_SECTION } from '../ids';
import type { ElixirWorkspace } from './workspace';

const SOURCE = 'mix';
const SAVE_DEBOUNCE_MS = 300;
const ELIXIR_LANGUAGES = new Set(['elixir', 'eex', 'html-eex', 'phoenix-heex', 'heex', 'surface']);

const SEVERITY: Record<CompilerDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export interface MixRunSummary {
  project: string;
  errors: number;
  warnings: number;
  other: number;
  exitCode: number | null;
  cancelled: boolean;
}

interface Running {
  controller: AbortController;
  done: Promise<MixRunSummary>;
}

export class MixDiagnosticsSource implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly running = new Map<string, Running>();
  /** Files each project's last run put problems on. */
  private readonly owned = new Map<string, Set<string>>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly pendingSaves = new Set<string>();
  private readonly finished = new vscode.EventEmitter<MixRunSummary>();
  /** Fires when a run ends (also when cancelled). */
  readonly onDidFinish = this.finished.event;

  constructor(
    private readonly workspace: ElixirWorkspace,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.finished,
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
      workspace.onDidChange((projects) => this.forgetRemoved(projects)),
    );
  }

  /** True while a compile runs. */
  busy(): boolean {
    return this.running.size > 0;
  }

  /** Resolves when no compile is running (including ones started meanwhile). */
  async idle(signal?: AbortSignal): Promise<void> {
    while (this.running.size > 0 && !signal?.aborted) {
      const all = Promise.allSettled([...this.running.values()].map((r) => r.done));
      if (signal) {
        await Promise.race([all, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
      } else {
        await all;
      }
    }
  }

  /** Compiles the given projects (default: all), each replacing a run in progress. */
  async run(projects: readonly MixProject[] = this.workspace.projects()): Promise<MixRunSummary[]> {
    if (!vscode.workspace.isTrusted) throw new Error('mix compile only runs in a trusted workspace (it runs the project\'s code).');
    return Promise.all(projects.map((p) => this.runOne(p)));
  }

  private runOne(project: MixProject): Promise<MixRunSummary> {
    this.running.get(project.root)?.controller.abort();
    const controller = new AbortController();
    const mixCommand = vscode.workspace.getConfiguration(CONFIG_SECTION, vscode.Uri.file(project.root)).get<string>('mix.command') || 'mix';
    const done: Promise<MixRunSummary> = Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `mix compile (${project.app ?? project.root.split(/[\\/]/).pop()})` },
      async (): Promise<MixRunSummary> => {
        const started = Date.now();
        let result: MixCompileResult;
        try {
          result = await runMixCompile({ project, mixCommand, signal: controller.signal });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.log.error(`mix compile in ${project.root}: ${message}`);
          if (this.running.get(project.root)?.controller === controller) {
            this.apply(project, [{ file: vscode.Uri.joinPath(vscode.Uri.file(project.root), 'mix.exs').fsPath, severity: 'error', line: 0, message: `mix compile could not run: ${message}` }]);
          }
          throw err;
        }
        const summary: MixRunSummary = {
          project: project.root,
          errors: result.diagnostics.filter((d) => d.severity === 'error').length,
          warnings: result.diagnostics.filter((d) => d.severity === 'warning').length,
          other: result.diagnostics.filter((d) => d.severity === 'information' || d.severity === 'hint').length,
          exitCode: result.exitCode,
          cancelled: result.cancelled,
        };
        if (result.cancelled) {
          this.log.info(`mix compile in ${project.root}: cancelled (superseded or stopped)`);
        } else {
          this.apply(project, result.diagnostics);
          this.log.info(
            `${result.commandLine} in ${project.root}: exit ${result.exitCode}, ${summary.errors} errors, ${summary.warnings} warnings (${Date.now() - started} ms)`,
          );
        }
        return summary;
      },
    ));
    const entry: Running = { controller, done };
    this.running.set(project.root, entry);
    const clear = (): void => {
      if (this.running.get(project.root) === entry) this.running.delete(project.root);
    };
    void done.then(
      (summary) => {
        clear();
        this.finished.fire(summary);
      },
      () => {
        clear();
        this.finished.fire({ project: project.root, errors: 1, warnings: 0, other: 0, exitCode: null, cancelled: false });
      },
    );
    return done;
  }

  /** Replaces the project's problems with this run's. */
  private apply(project: MixProject, list: readonly CompilerDiagnostic[]): void {
    const openDocs = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d]));
    const disk = diskLineReader();
    const lineText = (file: string, line0: number): string | undefined => {
      const doc = openDocs.get(file);
      if (doc) return line0 < doc.lineCount ? doc.lineAt(line0).text : undefined;
      return disk(file, line0);
    };
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of list) {
      const r = diagnosticRange(d, (line0) => lineText(d.file, line0));
      const diag = new vscode.Diagnostic(new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), d.message, SEVERITY[d.severity]);
      diag.source = SOURCE;
      if (d.code) diag.code = d.code;
      const key = vscode.Uri.file(d.file).toString();
      byFile.set(key, [...(byFile.get(key) ?? []), diag]);
    }
    const previous = this.owned.get(project.root) ?? new Set<string>();
    for (const uri of previous) if (!byFile.has(uri)) this.collection.delete(vscode.Uri.parse(uri));
    for (const [uri, diags] of byFile) this.collection.set(vscode.Uri.parse(uri), diags);
    this.owned.set(project.root, new Set(byFile.keys()));
  }

  private forgetRemoved(projects: readonly MixProject[]): void {
    for (const [root, files] of this.owned) {
      if (projects.some((p) => p.root === root)) continue;
      this.running.get(root)?.controller.abort();
      for (const uri of files) this.collection.delete(vscode.Uri.parse(uri));
      this.owned.delete(root);
    }
  }

  private onSave(doc: vscode.TextDocument): void {
    if (!vscode.workspace.isTrusted || doc.uri.scheme !== 'file') return;
    const isElixir = ELIXIR_LANGUAGES.has(doc.languageId) || /\.(exs?|heex|eex)$/.test(doc.uri.fsPath);
    if (!isElixir) return;
    if (!vscode.workspace.getConfiguration(CONFIG_SECTION, doc.uri).get<boolean>('mix.compileOnSave', false)) return;
    const project = this.workspace.projectOf(doc.uri);
    if (!project) return;
    this.pendingSaves.add(project.root);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      const roots = [...this.pendingSaves];
      this.pendingSaves.clear();
      const projects = this.workspace.projects().filter((p) => roots.includes(p.root));
      this.run(projects).catch((err: unknown) => this.log.warn(`mix compile on save: ${err instanceof Error ? err.message : String(err)}`));
    }, SAVE_DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    for (const r of this.running.values()) r.controller.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
