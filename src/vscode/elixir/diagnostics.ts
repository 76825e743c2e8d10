/**
 * The editor's diagnostics for the ide channel: every source VS Code knows
 * (language servers, our mix source, Credo and other extensions), in Claude
 * Code's getDiagnostics shape, plus settle(): wait until a running mix compile
 * has finished and the diagnostics stopped changing for a moment.
 */
import * as vscode from 'vscode';
import { diagnosticsAfterEdit } from '../../core/ide';
import type { DiagnosticsProvider, FileDiagnostics } from '../../core/tools/types';

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
  /** For ToolServices.diagnosticsAfterEdit: the file's errors and warnings once settled, as text. */
  afterEdit(absPath: string, signal: AbortSignal): Promise<string | undefined>;
}

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

export function editorDiagnosticsService(mix: { idle(signal?: AbortSignal): Promise<void> } | undefined): EditorDiagnosticsService {
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

    async settle(uri, signal, options = {}) {
      if (mix) {
        const limit = new AbortController();
        const timer = setTimeout(() => limit.abort(), options.maxCompileWaitMs ?? 60_000);
        const onAbort = (): void => limit.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          await Promise.race([mix.idle(limit.signal), abortable(limit.signal)]);
        } finally {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        }
      }
      if (signal.aborted) return;
      await quiet(uri ? parseUri(uri) : undefined, options.quietMs ?? 400, options.maxQuietWaitMs ?? 4000, signal);
    },

    afterEdit(absPath, signal) {
      return diagnosticsAfterEdit(service, (p) => vscode.Uri.file(p).toString())(absPath, signal);
    },
  };
  return service;
}
