/**
 * The editor's diagnostics for the ide channel: every source VS Code knows
 * (language servers, our mix source, Credo and other extensions), in Claude
 * Code's getDiagnostics shape, plus
 *  - refresh(): when no language server publishes for Elixir and the mix
 *    source's last compile does not describe the current files (never
 *    compiled, or Elixir files changed since), run or join a mix compile;
 *    in Restricted Mode say, in words, that it was not compiled and why;
 *  - settle(): wait until a running mix compile has finished and the
 *    diagnostics stopped changing for a moment;
 *  - afterEdit(): an edited Elixir file's diagnostics after an incremental
 *    compile (or, where a language server publishes, once they settle).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { compiledByMix, defaultBuildPath } from '../../core/elixir/mixCompile';
import type { MixProject } from '../../core/elixir/project';
import { diagnosticsAfterEdit, formatAfterEdit, seconds } from '../../core/ide';
import type { DiagnosticsProvider, FileDiagnostics, RefreshOutcome, RefreshRequest } from '../../core/tools/types';
import type { EnsureResult } from './mixSource';

const SEVERITY: Record<vscode.DiagnosticSeverity, FileDiagnostics['diagnostics'][number]['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'Error',
  [vscode.DiagnosticSeverity.Warning]: 'Warning',
  [vscode.DiagnosticSeverity.Information]: 'Information',
  [vscode.DiagnosticSeverity.Hint]: 'Hint',
};

/** Schemes worth reporting: real files and unsaved new files (not output panes, git views, ...). */
const SCHEMES = new Set(['file', 'untitled', 'vscode-notebook-cell']);

export function toFileDiagnostics(uri: vscode.Uri, list: readonly vscode.Diagnostic[]): FileDiagnostics {
  return {
    uri: uri.toString(),
    diagnostics: list.map((d) => {
      const out: FileDiagnostics['diagnostics'][number] = {
        message: d.message,
        severity: SEVERITY[d.severity] ?? 'Information',
        range: { start: { line: d.range.start.line, character: d.range.start.character }, end: { line: d.range.end.line, character: d.range.end.character } },
      };
      if (d.source) out.source = d.source;
      const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
      if (code !== undefined && code !== '') out.code = String(code);
      return out;
    }),
  };
}

export interface SettleOptions {
  /** How long nothing may change before diagnostics count as settled (default 400 ms). */
  quietMs?: number;
  /** Give up waiting for quiet after this long (default 4 s). */
  maxQuietWaitMs?: number;
  /** Longest wait for a running mix compile (default 60 s). */
  maxCompileWaitMs?: number;
}

export interface EditorDiagnosticsService extends DiagnosticsProvider {
  settle(uri: string | undefined, signal: AbortSignal, options?: SettleOptions): Promise<void>;
  refresh(request: RefreshRequest): Promise<RefreshOutcome>;
  /** Whether afterEdit() compiles this file (one `mix compile` reads, mix the diagnostics source, a trusted workspace). */
  compilesAfterEdit(absPath: string): boolean;
  /** For ToolServices.diagnosticsAfterEdit: the file's errors and warnings after an incremental compile (or once settled), as text. */
  afterEdit(absPath: string, signal: AbortSignal): Promise<string | undefined>;
}

/** What the service needs from the Elixir feature. */
export interface DiagnosticsDeps {
  mix: {
    idle(signal?: AbortSignal): Promise<void>;
    current(project: MixProject): Promise<boolean>;
    changed(uri: vscode.Uri): void;
    ensure(project: MixProject, signal: AbortSignal, onOutput?: (chunk: string) => void): Promise<EnsureResult | undefined>;
  };
  projects(): readonly MixProject[];
  projectOf(uri: vscode.Uri): MixProject | undefined;
  ready(): Promise<void>;
  /** A language server publishes diagnostics for this project's Elixir files. */
  languageServerPublishes(project: MixProject): boolean;
}

export const RESTRICTED_REASON =
  "this workspace is in Restricted Mode (not trusted), and compiling runs the project's code (mix.exs and macros run at compile time). " +
  'The user can trust the workspace (Manage Workspace Trust) to let mix compile it.';

function parseUri(uri: string): vscode.Uri {
  return /^[a-zA-Z][\w+.-]*:/.test(uri) ? vscode.Uri.parse(uri, true) : vscode.Uri.file(uri);
}

function abortable(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Waits for `ms` without a diagnostics change (of `uri`, if given), at most `maxMs`. */
function quiet(uri: vscode.Uri | undefined, ms: number, maxMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      clearTimeout(cap);
      sub.dispose();
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(finish, ms);
    };
    const key = uri?.toString();
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!key || e.uris.some((u) => u.toString() === key)) arm();
    });
    const cap = setTimeout(finish, maxMs);
    signal.addEventListener('abort', finish, { once: true });
    arm();
  });
}

export function editorDiagnosticsService(deps: DiagnosticsDeps): EditorDiagnosticsService {
  const needsCompile = async (p: MixProject): Promise<boolean> => !deps.languageServerPublishes(p) && !(await deps.mix.current(p));

  /** Compiles (or joins compiles of) the projects, one after the other; undefined when stopped. */
  const compile = async (projects: readonly MixProject[], request: RefreshRequest): Promise<Extract<RefreshOutcome, { kind: 'compiled' }> | undefined> => {
    const runs: Extract<RefreshOutcome, { kind: 'compiled' }>['runs'] = [];
    for (const p of projects) {
      const name = p.app ?? p.root.split(/[\\/]/).pop();
      const first = !fs.existsSync(defaultBuildPath(p.root));
      request.onProgress?.(first ? `first compile of ${name} (dependencies included): it can take minutes` : `compiling ${name} with mix`);
      if (first) request.onOutput?.(`Compiling ${name} for the first time (dependencies included); on a large project this takes minutes.\n`);
      const r = await deps.mix.ensure(p, request.signal, request.onOutput);
      if (!r) return undefined;
      runs.push({ root: p.root, ms: r.ms, firstCompile: r.firstCompile, joined: r.joined });
    }
    if (runs.length) request.onProgress?.(`compiled in ${seconds(Math.max(...runs.map((r) => r.ms)))}`);
    return { kind: 'compiled', runs };
  };

  const service: EditorDiagnosticsService = {
    async get(uri?: string): Promise<FileDiagnostics[]> {
      if (uri) {
        const target = parseUri(uri);
        const list = vscode.languages.getDiagnostics(target);
        return list.length ? [toFileDiagnostics(target, list)] : [];
      }
      return vscode.languages
        .getDiagnostics()
        .filter(([u, list]) => list.length > 0 && SCHEMES.has(u.scheme))
        .map(([u, list]) => toFileDiagnostics(u, list));
    },

    async refresh(request) {
      await deps.ready();
      const target = request.uri ? parseUri(request.uri) : undefined;
      const owner = target ? deps.projectOf(target) : undefined;
      const projects = target ? (owner && target.scheme === 'file' && compiledByMix(target.fsPath, owner) ? [owner] : []) : deps.projects();
      const stale: MixProject[] = [];
      for (const p of projects) if (await needsCompile(p)) stale.push(p);
      if (stale.length === 0) {
        await service.settle(request.uri, request.signal);
        return { kind: 'current' };
      }
      if (!vscode.workspace.isTrusted) return { kind: 'not-compiled', reason: RESTRICTED_REASON };
      try {
        return (await compile(stale, request)) ?? { kind: 'current' };
      } catch (err) {
        return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
      }
    },

    async settle(uri, signal, options = {}) {
      const limit = new AbortController();
      const timer = setTimeout(() => limit.abort(), options.maxCompileWaitMs ?? 60_000);
      const onAbort = (): void => limit.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await Promise.race([deps.mix.idle(limit.signal), abortable(limit.signal)]);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
      if (signal.aborted) return;
      await quiet(uri ? parseUri(uri) : undefined, options.quietMs ?? 400, options.maxQuietWaitMs ?? 4000, signal);
    },

    compilesAfterEdit(absPath) {
      if (!vscode.workspace.isTrusted) return false;
      const project = deps.projectOf(vscode.Uri.file(absPath));
      return !!project && compiledByMix(absPath, project) && !deps.languageServerPublishes(project);
    },

    async afterEdit(absPath, signal) {
      const uri = vscode.Uri.file(absPath);
      const project = deps.projectOf(uri);
      if (!project || !service.compilesAfterEdit(absPath)) return diagnosticsAfterEdit(service, (p) => vscode.Uri.file(p).toString())(absPath, signal);
      // The save that wrote the file marked it changed already; say so again in case its event is still on its way.
      deps.mix.changed(uri);
      const outcome = await compile([project], { uri: uri.toString(), signal });
      if (!outcome || signal.aborted) return undefined;
      return formatAfterEdit(absPath, await service.get(uri.toString()), outcome);
    },
  };
  return service;
}
