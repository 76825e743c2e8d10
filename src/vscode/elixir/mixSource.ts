/**
 * The `mix compile` diagnostics source: a DiagnosticCollection named "mix"
 * filled from mix's diagnostics (src/core/elixir/mixCompile.ts), on demand
 * (Elixir Agent: Run mix compile), with elixirAgent.mix.compileOnSave after
 * saving an Elixir file, and for getDiagnostics and edits when nothing
 * reports on the current files (ensure()). Each project's compiles go through
 * one CompileRuns: a command or save supersedes the run in progress (its
 * process tree is killed), a getDiagnostics call joins it. The last run is
 * stale once a file mix compiles is saved, created, deleted or renamed in the
 * editor, or changed on disk after the run started (modification times, read
 * when asked: no file watcher).
 * Each finished run replaces the project's problems, so fixed ones disappear.
 * Only in trusted workspaces: compiling runs the project's code (macros).
 */
import * as vscode from 'vscode';
import { CompileRuns } from '../../core/elixir/compileRuns';
import { diagnosticRange, type CompilerDiagnostic } from '../../core/elixir/compilerOutput';
import { compiledByMix, runMixCompile, type MixCompileResult } from '../../core/elixir/mixCompile';
import type { MixProject } from '../../core/elixir/project';
import { sourcesChangedSince } from '../../core/elixir/sourceChanges';
import { diskLineReader } from '../../core/ide/format';
import type { Config } from '../config';
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

export interface EnsureResult {
  summary: MixRunSummary;
  ms: number;
  firstCompile: boolean;
  /** A compile already in progress was joined. */
  joined: boolean;
}

export class MixDiagnosticsSource implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly runs = new Map<string, CompileRuns<MixCompileResult>>();
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
    private readonly config: Config,
  ) {
    const touched = (uris: readonly vscode.Uri[]): void => uris.forEach((u) => this.changed(u));
    this.disposables.push(
      this.finished,
      vscode.workspace.onDidCreateFiles((e) => touched(e.files)),
      vscode.workspace.onDidDeleteFiles((e) => touched(e.files)),
      vscode.workspace.onDidRenameFiles((e) => touched(e.files.flatMap((f) => [f.oldUri, f.newUri]))),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
      workspace.onDidChange((projects) => this.forgetRemoved(projects)),
    );
  }

  private runsOf(project: MixProject): CompileRuns<MixCompileResult> {
    let runs = this.runs.get(project.root);
    if (!runs) this.runs.set(project.root, (runs = new CompileRuns<MixCompileResult>()));
    return runs;
  }

  /** A file mix compiles changed: its project's last compile no longer describes the files. */
  changed(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const project = this.workspace.projectOf(uri);
    if (project && compiledByMix(uri.fsPath, project)) this.runsOf(project).changed();
  }

  /** Whether the project's last finished compile saw its current files (none changed in the editor or on disk since it started). */
  async current(project: MixProject): Promise<boolean> {
    const runs = this.runs.get(project.root);
    const since = runs?.finishedStartedAt;
    if (!runs?.current || since === undefined) return false;
    if (!(await sourcesChangedSince(project, since))) return true;
    runs.changed();
    return false;
  }

  /** True while a compile runs. */
  busy(): boolean {
    return [...this.runs.values()].some((r) => r.busy);
  }

  /** Resolves when no compile is running (including ones started meanwhile). */
  async idle(signal?: AbortSignal): Promise<void> {
    while (this.busy() && !signal?.aborted) await Promise.all([...this.runs.values()].map((r) => r.idle(signal)));
  }

  /** Compiles the given projects (default: all), each replacing a run in progress. */
  async run(projects: readonly MixProject[] = this.workspace.projects()): Promise<MixRunSummary[]> {
    if (!vscode.workspace.isTrusted) throw new Error('mix compile only runs in a trusted workspace (it runs the project\'s code).');
    return Promise.all(
      projects.map(async (p) => {
        const result = await this.runsOf(p).start((signal, onOutput) => this.compile(p, signal, onOutput));
        return result ? summarize(p, result) : cancelledSummary(p);
      }),
    );
  }

  /**
   * A compile that sees the project's current files, for a waiter: joins the
   * one in progress if it started after the last change, else starts one.
   * Undefined when `signal` aborts first (the compile stops if nobody else waits).
   */
  async ensure(project: MixProject, signal: AbortSignal, onOutput?: (chunk: string) => void): Promise<EnsureResult | undefined> {
    if (!vscode.workspace.isTrusted) throw new Error('mix compile only runs in a trusted workspace (it runs the project\'s code).');
    const { result, joined } = await this.runsOf(project).ensure((s, out) => this.compile(project, s, out), signal, onOutput);
    return result ? { summary: summarize(project, result), ms: result.ms, firstCompile: result.firstCompile, joined } : undefined;
  }

  private async compile(project: MixProject, signal: AbortSignal, onOutput: (chunk: string) => void): Promise<{ result: MixCompileResult; cancelled: boolean }> {
    const mixCommand = this.config.mixCommand(vscode.Uri.file(project.root));
    const name = project.app ?? project.root.split(/[\\/]/).pop();
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `mix compile (${name})` }, () =>
        runMixCompile({ project, mixCommand, signal, onOutput }),
      );
      if (result.cancelled) {
        this.log.info(`mix compile in ${project.root}: cancelled (superseded or stopped)`);
        this.finished.fire(cancelledSummary(project));
      } else {
        this.apply(project, result.diagnostics);
        const summary = summarize(project, result);
        this.log.info(
          `${result.commandLine} in ${project.root}: exit ${result.exitCode}, ${summary.errors} errors, ${summary.warnings} warnings (${result.ms} ms${result.structured ? '' : ', from the printed output'})`,
        );
        this.finished.fire(summary);
      }
      return { result, cancelled: result.cancelled };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`mix compile in ${project.root}: ${message}`);
      this.apply(project, [{ file: vscode.Uri.joinPath(vscode.Uri.file(project.root), 'mix.exs').fsPath, severity: 'error', line: 0, message: `mix compile could not run: ${message}` }]);
      this.finished.fire({ project: project.root, errors: 1, warnings: 0, other: 0, exitCode: null, cancelled: false });
      throw err;
    }
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
      if (d.related?.length) {
        diag.relatedInformation = d.related.map((rel) => {
          const at = diagnosticRange({ line: rel.line, column: rel.column }, (line0) => lineText(rel.file, line0));
          return new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(rel.file), new vscode.Range(at.start.line, at.start.character, at.end.line, at.end.character)),
            rel.message,
          );
        });
      }
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
      this.runs.get(root)?.cancel();
      this.runs.delete(root);
      for (const uri of files) this.collection.delete(vscode.Uri.parse(uri));
      this.owned.delete(root);
    }
  }

  private onSave(doc: vscode.TextDocument): void {
    this.changed(doc.uri);
    if (!vscode.workspace.isTrusted || doc.uri.scheme !== 'file') return;
    const isElixir = ELIXIR_LANGUAGES.has(doc.languageId) || /\.(exs?|heex|eex)$/.test(doc.uri.fsPath);
    if (!isElixir) return;
    if (!this.config.get('mix.compileOnSave', doc.uri)) return;
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
    for (const r of this.runs.values()) r.cancel();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function summarize(project: MixProject, result: MixCompileResult): MixRunSummary {
  return {
    project: project.root,
    errors: result.diagnostics.filter((d) => d.severity === 'error').length,
    warnings: result.diagnostics.filter((d) => d.severity === 'warning').length,
    other: result.diagnostics.filter((d) => d.severity === 'information' || d.severity === 'hint').length,
    exitCode: result.exitCode,
    cancelled: result.cancelled,
  };
}

function cancelledSummary(project: MixProject): MixRunSummary {
  return { project: project.root, errors: 0, warnings: 0, other: 0, exitCode: null, cancelled: true };
}
