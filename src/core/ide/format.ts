/**
 * The getDiagnostics result as Claude Code shapes it, from whatever source:
 * the editor's diagnostics or a mix compile run. Capped so a workspace with
 * thousands of warnings does not flood the model: errors first, then
 * warnings, information, hints, and a note of what was left out.
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { diagnosticRange, type CompilerDiagnostic } from '../elixir/compilerOutput';
import type { FileDiagnostics } from '../tools/types';

export type Severity = FileDiagnostics['diagnostics'][number]['severity'];
export const SEVERITY_ORDER: readonly Severity[] = ['Error', 'Warning', 'Information', 'Hint'];

export const DEFAULT_MAX_DIAGNOSTICS = 200;
export const MAX_MESSAGE_CHARS = 2000;

export interface CapResult {
  files: FileDiagnostics[];
  /** What was left out, by severity, and in how many files. */
  omitted: { total: number; bySeverity: Partial<Record<Severity, number>>; files: number };
  total: number;
}

function rank(s: Severity): number {
  const i = SEVERITY_ORDER.indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
}

/**
 * Keeps at most `max` diagnostics, the most severe first; files keep their
 * order and diagnostics their order inside a file. Files with nothing left are
 * dropped unless `keepEmpty`.
 */
export function capDiagnostics(files: readonly FileDiagnostics[], max = DEFAULT_MAX_DIAGNOSTICS, keepEmpty = false): CapResult {
  const flat: Array<{ f: number; d: number; s: number }> = [];
  files.forEach((file, f) => file.diagnostics.forEach((diag, d) => flat.push({ f, d, s: rank(diag.severity) })));
  const kept = new Set(
    flat
      .slice()
      .sort((a, b) => a.s - b.s || a.f - b.f || a.d - b.d)
      .slice(0, Math.max(0, max))
      .map((x) => `${x.f}:${x.d}`),
  );
  const omitted: CapResult['omitted'] = { total: 0, bySeverity: {}, files: 0 };
  const out: FileDiagnostics[] = [];
  files.forEach((file, f) => {
    const diagnostics = file.diagnostics
      .filter((diag, d) => {
        if (kept.has(`${f}:${d}`)) return true;
        omitted.total++;
        omitted.bySeverity[diag.severity] = (omitted.bySeverity[diag.severity] ?? 0) + 1;
        return false;
      })
      .map((diag) => (diag.message.length > MAX_MESSAGE_CHARS ? { ...diag, message: `${diag.message.slice(0, MAX_MESSAGE_CHARS)}...` } : diag));
    if (diagnostics.length < file.diagnostics.length) omitted.files++;
    if (diagnostics.length > 0 || keepEmpty) out.push({ uri: file.uri, diagnostics });
  });
  return { files: out, omitted, total: flat.length };
}

/** How the model narrows a capped result; callers with other means (the CLI's --file) pass their own. */
export const NARROW_HINT = 'Pass a file URI as `uri` to get all of one file.';

export function omittedNote(cap: CapResult, narrowHint = NARROW_HINT): string | undefined {
  if (cap.omitted.total === 0) return undefined;
  const parts = SEVERITY_ORDER.filter((s) => cap.omitted.bySeverity[s]).map((s) => {
    const n = cap.omitted.bySeverity[s] ?? 0;
    return `${n} ${s === 'Information' ? 'information' : s.toLowerCase()}${n === 1 || s === 'Information' ? '' : 's'}`;
  });
  return (
    `Showing ${cap.total - cap.omitted.total} of ${cap.total} diagnostics, most severe first. ` +
    `Left out: ${parts.join(', ')} in ${cap.omitted.files} ${cap.omitted.files === 1 ? 'file' : 'files'}. ` +
    narrowHint
  );
}

const SEVERITY_NAME: Record<CompilerDiagnostic['severity'], Severity> = {
  error: 'Error',
  warning: 'Warning',
  information: 'Information',
  hint: 'Hint',
};

/** A line reader over files on disk, caching each file once. */
export function diskLineReader(): (file: string, line0: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line0) => {
    if (!cache.has(file)) {
      try {
        const st = fs.statSync(file);
        cache.set(file, st.size > 5_000_000 ? undefined : fs.readFileSync(file, 'utf8').split(/\r?\n/));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file)?.[line0];
  };
}

/** Compiler diagnostics in Claude Code's getDiagnostics shape, grouped by file (first-seen order). */
export function toFileDiagnostics(
  list: readonly CompilerDiagnostic[],
  lineText: (file: string, line0: number) => string | undefined = diskLineReader(),
  source = 'mix',
): FileDiagnostics[] {
  const byFile = new Map<string, FileDiagnostics>();
  for (const d of list) {
    const uri = pathToFileURL(d.file).href;
    let entry = byFile.get(uri);
    if (!entry) {
      entry = { uri, diagnostics: [] };
      byFile.set(uri, entry);
    }
    const item: FileDiagnostics['diagnostics'][number] = {
      message: d.message,
      severity: SEVERITY_NAME[d.severity],
      range: diagnosticRange(d, (line0) => lineText(d.file, line0)),
      source,
    };
    if (d.code) item.code = d.code;
    entry.diagnostics.push(item);
  }
  return [...byFile.values()];
}
