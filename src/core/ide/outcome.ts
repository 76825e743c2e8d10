/**
 * getDiagnostics' result from the diagnostics and what refreshing them did
 * (DiagnosticsProvider.refresh): the JSON as Claude Code gives it, plus words
 * when the project was compiled first (a first compile can take minutes), and
 * words INSTEAD of an empty list when it was not compiled: `[]` must only ever
 * mean "compiled, no problems".
 */
import type { FileDiagnostics, RefreshOutcome, ToolResult } from '../tools/types';
import { capDiagnostics, DEFAULT_MAX_DIAGNOSTICS, omittedNote } from './format';

/** Compiles at least this long are mentioned in the result (shorter ones are routine). */
const NOTABLE_COMPILE_MS = 10_000;

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** The JSON text getDiagnostics gives the model, and the note on what was capped. */
export function formatDiagnosticsResult(files: readonly FileDiagnostics[], options: { max?: number; requestedUri?: string; narrowHint?: string } = {}): { json: string; note?: string } {
  const cap = capDiagnostics(files, options.max ?? DEFAULT_MAX_DIAGNOSTICS, false);
  let list = cap.files;
  if (options.requestedUri && list.length === 0) list = [{ uri: options.requestedUri, diagnostics: [] }];
  return { json: JSON.stringify(list), note: omittedNote(cap, options.narrowHint) };
}

function problems(files: readonly FileDiagnostics[]): { total: number; errors: number; summary: string } {
  const total = files.reduce((n, f) => n + f.diagnostics.length, 0);
  const errors = files.reduce((n, f) => n + f.diagnostics.filter((d) => d.severity === 'Error').length, 0);
  const summary = total === 0 ? 'No problems' : `${total} ${total === 1 ? 'problem' : 'problems'}${errors ? ` (${errors} ${errors === 1 ? 'error' : 'errors'})` : ''}`;
  return { total, errors, summary };
}

/** What compiling first took, for the result (only when notable) and the card. */
function compiledNote(outcome: Extract<RefreshOutcome, { kind: 'compiled' }>): { text?: string; card: string } {
  const ms = Math.max(0, ...outcome.runs.map((r) => r.ms));
  const first = outcome.runs.some((r) => r.firstCompile);
  const card = `compiled in ${seconds(ms)}`;
  if (!first && ms < NOTABLE_COMPILE_MS) return { card };
  const what = first ? 'the first compile of this project (dependencies included)' : 'a compile';
  return { text: `mix compiled the project before answering: ${what}, ${seconds(ms)}. Later compiles are incremental.`, card };
}

export function diagnosticsResult(files: readonly FileDiagnostics[], outcome: RefreshOutcome | undefined, options: { max?: number; requestedUri?: string; narrowHint?: string } = {}): ToolResult {
  const { json, note } = formatDiagnosticsResult(files, options);
  const { total, summary } = problems(files);
  const texts: string[] = [];
  let card = summary;
  if (outcome?.kind === 'not-compiled' || outcome?.kind === 'failed') {
    const why = outcome.kind === 'failed' ? `The project could not be compiled: ${outcome.reason}` : `The project was not compiled: ${outcome.reason}`;
    if (total === 0) {
      return {
        content: [{ type: 'text', text: `${why}\nSo there are no compiler diagnostics. This does NOT mean the code has no problems.` }],
        ...(outcome.kind === 'failed' ? { isError: true } : {}),
        display: { summary: outcome.kind === 'failed' ? 'Could not compile' : 'Not compiled' },
      };
    }
    texts.push(json, `${why}\nThe diagnostics above come from other sources (language servers, linters), not from compiling the current files.`);
    card = `${summary} · not compiled`;
  } else {
    texts.push(json);
    if (outcome?.kind === 'compiled') {
      const compiled = compiledNote(outcome);
      if (compiled.text) texts.push(compiled.text);
      card = `${summary} · ${compiled.card}`;
    }
  }
  if (note) texts.push(note);
  return { content: texts.map((text) => ({ type: 'text' as const, text })), display: { summary: card } };
}
