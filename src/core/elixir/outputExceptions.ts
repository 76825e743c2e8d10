/**
 * An exception in mix's printed output (`** (Name) ...`): where it points
 * (`path:line:col:` in its first line, `... found on path:line:col:` with a
 * nested 1.16+ `error:` block, `path: ...` without a line, or the file of the
 * `== Compilation error in file ... ==` line before it), and its text until
 * the next unindented line: the explanation whole, blank lines included, and
 * the stack trace, whose frame in that file gives the line when the first
 * line did not.
 */
import * as path from 'node:path';
import type { CompilerDiagnostic } from './diagnostic';
import { SOURCE_EXT, STATUS } from './outputBlocks';
import { clip, columnNumber, lineNumber, LOCATION_PREFIX, splitStackTrace } from './messageText';

/** `path: rest` (no line), e.g. "cannot compile module Foo (errors have been logged)". */
const EXC_FILE = new RegExp(String.raw`^((?:[A-Za-z]:[\\/])?[^\s:][^:]*?${SOURCE_EXT}): (.*)$`);
/** 1.16+: "invalid syntax found on lib/x.ex:1:17:", "token missing on ...", "mismatched delimiter found on ...". */
const EXC_FOUND_ON = /^(.*?) on (.+?):(\d+):(\d+):\s*$/;
const MAX_LINES = 80;

export interface PendingException {
  code: string;
  /** The first line of the message, without the banner (and without the location, when it had one). */
  head: string;
  /** Lines after the first: explanation and stack trace. */
  lines: string[];
  file?: string;
  line: number;
  column?: number;
  /** Waiting for a nested `error:` block (1.16+ "... found on FILE:L:C:"), which gives the message. */
  nested: boolean;
  /** Still reading its text. */
  open: boolean;
  /** "cannot compile module X (errors have been logged)": only when nothing else was logged for the file. */
  fallbackOnly: boolean;
}

export interface ExceptionContext {
  resolve(printed: string): string;
  /** The file of the last `== Compilation error in file ... ==`. */
  compilationErrorFile?: string;
  /** "Unchecked dependencies" and the lines under it, for a `** (Mix)` error. */
  unchecked?: string[];
}

export function startException(code: string, rest: string, ctx: ExceptionContext): PendingException {
  const base = { code, lines: [], line: 0, nested: false, open: true, fallbackOnly: false };
  const found = EXC_FOUND_ON.exec(rest);
  if (found) {
    return { ...base, head: found[1]!, file: ctx.resolve(found[2]!), line: lineNumber(found[3]), column: columnNumber(found[4]), nested: true, open: false };
  }
  const loc = LOCATION_PREFIX.exec(rest);
  if (loc && /[\\/]|\.\w+$/.test(loc[1]!) && loc[1] !== 'nofile') {
    return { ...base, head: loc[4] || code, file: ctx.resolve(loc[1]!), line: lineNumber(loc[2]), column: columnNumber(loc[3]) };
  }
  const fileOnly = EXC_FILE.exec(rest);
  if (fileOnly) {
    const message = fileOnly[2]!;
    return { ...base, head: message, file: ctx.resolve(fileOnly[1]!), fallbackOnly: /errors have been logged/.test(message) };
  }
  // Any other exception: blame the file being compiled, at the line its stack trace names.
  const details = code === 'Mix' && ctx.unchecked?.length ? ctx.unchecked : [];
  return { ...base, head: `(${code}) ${rest}`.trim(), lines: details, file: code === 'Mix' ? undefined : ctx.compilationErrorFile };
}

/**
 * Feeds one line to an open exception. 'taken': part of its text. 'ended':
 * the exception is complete and the line starts something else.
 */
export function feedException(e: PendingException, line: string): 'taken' | 'ended' {
  if (STATUS.test(line) || e.lines.length >= MAX_LINES) return 'ended';
  if (line.trim() && !/^\s/.test(line)) return 'ended';
  e.lines.push(line.trimEnd());
  return 'taken';
}

/** The exception as a diagnostic (on mix.exs when it names no file). */
export function exceptionDiagnostic(e: PendingException, projectDir: string, resolve: (printed: string) => string): CompilerDiagnostic {
  const { body, line } = splitStackTrace(e.lines, (p) => !!e.file && resolve(p) === e.file);
  const d: CompilerDiagnostic = {
    file: e.file ?? path.join(projectDir, 'mix.exs'),
    severity: 'error',
    message: clip([e.head, ...body].join('\n')),
    line: e.line || (line ?? 0),
    code: e.code,
  };
  if (e.column !== undefined) d.column = e.column;
  return d;
}
