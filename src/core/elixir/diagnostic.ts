/**
 * A compiler diagnostic as the mix source produces it (from mix's structured
 * diagnostics or from its printed output), and the range an editor shows for it.
 */

export type CompilerSeverity = 'error' | 'warning' | 'information' | 'hint';

/** Another place the diagnostic points to, e.g. the `do` that has no matching `end`. */
export interface RelatedLocation {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when known. */
  column?: number;
  message: string;
}

export interface CompilerDiagnostic {
  /** Absolute path. */
  file: string;
  severity: CompilerSeverity;
  message: string;
  /** 1-based; 0 when the compiler gave no line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** 1-based, exclusive end column on `line` (from the snippet's `~~~`/`^^^`, or mix's span). */
  endColumn?: number;
  /** The exception for errors raised as one: "CompileError", "SyntaxError"... */
  code?: string;
  /** Other places the message names (shown as related information in the Problems panel). */
  related?: RelatedLocation[];
}

/** 0-based range, as the VS Code API and Claude Code's getDiagnostics have it. */
export interface Range0 {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

const WORD = /[\p{L}\p{N}_!?@]/u;

/**
 * The range to show for a compiler diagnostic. `lineText(line0)` gives the
 * text of a 0-based line when the file can be read: then a diagnostic with a
 * column covers the identifier there, and one without a column covers the
 * line's code (not its indentation).
 */
export function diagnosticRange(d: Pick<CompilerDiagnostic, 'line' | 'column' | 'endColumn'>, lineText?: (line0: number) => string | undefined): Range0 {
  const line = Math.max(0, (d.line || 1) - 1);
  const text = lineText?.(line);
  if (d.column !== undefined && d.column > 0) {
    const start = d.column - 1;
    let end = d.endColumn !== undefined && d.endColumn > d.column ? d.endColumn - 1 : start;
    if (end === start && text !== undefined) {
      while (end < text.length && WORD.test(text.charAt(end))) end++;
      if (end === start) end = Math.min(start + 1, Math.max(text.length, start));
    }
    return { start: { line, character: start }, end: { line, character: end } };
  }
  if (text !== undefined) {
    const start = text.length - text.trimStart().length;
    const end = text.trimEnd().length;
    return { start: { line, character: end > start ? start : 0 }, end: { line, character: end > start ? end : text.length } };
  }
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}

/**
 * The same problem reported twice, e.g. by mix's structured diagnostics and in
 * its printed output: same line, same first line of message, a file of the same
 * name (printed paths of umbrella apps are ambiguous; severity may differ when
 * warnings are errors).
 */
export function sameProblem(a: CompilerDiagnostic, b: CompilerDiagnostic): boolean {
  return a.line === b.line && firstLine(a.message) === firstLine(b.message) && baseName(a.file) === baseName(b.file);
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0]!.trim();
}

function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}

/** Drops exact repeats (same file, place, severity and message). */
export function dedupe(list: CompilerDiagnostic[]): CompilerDiagnostic[] {
  const seen = new Set<string>();
  const out: CompilerDiagnostic[] = [];
  for (const d of list) {
    const key = `${d.file}\0${d.line}\0${d.column ?? ''}\0${d.severity}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
