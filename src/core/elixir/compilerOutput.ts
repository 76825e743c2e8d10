/**
 * Parses what `mix compile` prints (Elixir 1.14 through 1.19) into
 * diagnostics. Formats handled:
 *
 * - 1.14: `warning: MSG` + `  lib/a.ex:3: Mod.f/1` (several lines after
 *   "Invalid call found at N locations:"); errors stop compilation:
 *   `== Compilation error in file lib/b.ex ==` then
 *   `** (CompileError) lib/b.ex:2: MSG`, `** (SyntaxError) lib/x.ex:4:3: MSG`,
 *   or any exception whose stack trace names the file (`lib/b.ex:2: (module)`).
 * - 1.15: several `error: MSG` + `  lib/foo.ex:3: Foo.bar/0` blocks, then
 *   `** (CompileError) lib/foo.ex: cannot compile module Foo (errors have been logged)`.
 * - 1.16-1.19: indented `warning:`/`error:`/`hint:` headers, a snippet framed
 *   with `│` (`~~~`/`^^^` under the span), then `└─ lib/foo.ex:12:5: Foo.bar/0`
 *   (one line per location); syntax errors
 *   `** (SyntaxError) invalid syntax found on lib/x.ex:1:17:` + a nested `error:` block;
 *   multi-line messages with blank lines (type-checker warnings).
 * - Umbrellas and deps: `==> app` switches the directory paths are relative to.
 * - Erlang sources: `src/a.erl:3:5: Warning: MSG`.
 * - ANSI colours anywhere.
 *
 * Pure and total: any input (garbage included) gives a list, never a throw.
 */
import * as path from 'node:path';

export type CompilerSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface CompilerDiagnostic {
  /** Absolute path. */
  file: string;
  severity: CompilerSeverity;
  message: string;
  /** 1-based; 0 when the compiler gave no line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** 1-based, exclusive end column on `line` (from the snippet's `~~~`/`^^^`). */
  endColumn?: number;
  /** The exception for errors raised as one: "CompileError", "SyntaxError"... */
  code?: string;
}

export interface ParseOptions {
  /** Directory mix ran in; relative paths resolve against it. */
  projectDir: string;
  /** `==> name` -> directory, for umbrella apps and the project itself. Unknown names are deps (`deps/<name>`). */
  appDirs?: Record<string, string>;
  /**
   * Whether a file exists. When given, a relative path that does not exist
   * where expected is looked up in the other app directories (mix prints no
   * `==> app` before warnings replayed by --all-warnings in an umbrella).
   */
  fileExists?: (absPath: string) => boolean;
}

// CSI sequences (colours, cursor) and OSC sequences.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

const HEADER = /^(\s*)(warning|error|hint|info|information): ?(.*)$/;
const EXCEPTION = /^\s*\*\* \(([A-Za-z_][\w.]*)\) ?(.*)$/;
/** mix's own errors may follow a prompt on the same line ("Shall I install Hex? ... [Yn] ** (Mix) ..."). */
const MIX_EXCEPTION = /\*\* \((Mix)\) (.*)$/;
const COMPILATION_ERROR = /^== Compilation error in file (.+) ==\s*$/;
const APP_SWITCH = /^==> ([A-Za-z_][\w-]*)\s*$/;
const PATH = String.raw`((?:[A-Za-z]:[\\/])?[^\s:│└][^:]*?)`;
/** `└─ lib/foo.ex:12:5: Foo.bar/0`, `└─ lib/foo.ex:3`, `└─ nofile:2:3`. */
const ARROW_LOCATION = new RegExp(String.raw`^\s*└─ ${PATH}(?::(\d+)(?::(\d+))?)?(?:: (.*))?\s*$`);
/** Old style `  lib/foo.ex:3: Foo.bar/0` (needs a source extension, to avoid prose). */
const SOURCE_EXT = String.raw`\.(?:exs?|[hl]?eex|heex|sface|erl|hrl|[xy]rl|lock)`;
const OLD_LOCATION = new RegExp(String.raw`^\s+((?:[A-Za-z]:[\\/])?[^\s:][^:]*?${SOURCE_EXT})(?::(\d+)(?::(\d+))?)?(?:: (.*))?\s*$`);
/** `path:line[:col]: rest` at the start of an exception message. */
const EXC_LOCATION = new RegExp(String.raw`^((?:[A-Za-z]:[\\/])?[^\s:][^:]*?):(\d+)(?::(\d+))?: ?(.*)$`);
/** `path: rest` (no line), e.g. "cannot compile module Foo (errors have been logged)". */
const EXC_FILE = new RegExp(String.raw`^((?:[A-Za-z]:[\\/])?[^\s:][^:]*?${SOURCE_EXT}): (.*)$`);
/** 1.16+: "invalid syntax found on lib/x.ex:1:17:", "token missing on ...", "mismatched delimiter found on ...". */
const EXC_FOUND_ON = /^(.*?) on (.+?):(\d+):(\d+):\s*$/;
const ERLANG = /^((?:[A-Za-z]:[\\/])?[^\s:][^:]*\.(?:erl|hrl|[xy]rl)):(\d+)(?::(\d+))?: (Warning: |warning: )?(.*)$/;
/** A snippet line: `  5 │ code`, `    │ ~~~`, `    │`. */
const SNIPPET = /^(\s*)(\d+)?\s*│(.*)$/;
/** Lines mix prints between diagnostics. */
const STATUS = /^(Compiling \d+ files? \(|Generated \S+ app|Compiled |Compilation failed|Unchecked dependencies|Erlang\/OTP |Elixir \d)/;
/** A stack frame: `    (elixir 1.14.0) lib/kernel/x.ex:346: ...`, `    lib/b.ex:2: (module)`, `    :erlang.f(...)`. */
const FRAME = /^\s{4,}(?:\([\w ]+[\d.]+[^)]*\) |\(\w+\) )?(?:((?:[A-Za-z]:[\\/])?[^\s:(][^:]*?):(\d+): |:?[\w.]+\.[\w!?]+\/?\d*|\S+\(.*\))/;

const MAX_MESSAGE_LINES = 80;
const MAX_MESSAGE_CHARS = 4000;

interface Location {
  path: string;
  line: number;
  column?: number;
}

interface Block {
  severity: CompilerSeverity;
  indent: number;
  lines: string[];
  locations: Location[];
  snippet: boolean;
  lastSnippetLine?: number;
  spans: Map<number, { column: number; length: number }>;
  baseDir: string;
  /** The exception this block explains (1.16+ syntax errors). */
  code?: string;
}

interface PendingException {
  code: string;
  message: string;
  file?: string;
  line: number;
  column?: number;
  /** Waiting for a nested `error:` block (1.16+ "... found on FILE:L:C:"). */
  nested: boolean;
  /** Still reading its message / stack trace (no location yet). */
  open: boolean;
  fallbackOnly: boolean;
}

function severityOf(word: string): CompilerSeverity {
  if (word === 'error') return 'error';
  if (word === 'warning') return 'warning';
  if (word === 'hint') return 'hint';
  return 'information';
}

function clip(message: string): string {
  const trimmed = message.replace(/\n{3,}/g, '\n\n').trim();
  return trimmed.length > MAX_MESSAGE_CHARS ? `${trimmed.slice(0, MAX_MESSAGE_CHARS)}...` : trimmed;
}

export function parseCompilerOutput(output: string, options: ParseOptions): CompilerDiagnostic[] {
  const text = typeof output === 'string' ? output : '';
  const projectDir = path.resolve(options.projectDir);
  const appDirs = options.appDirs ?? {};
  const otherDirs = [...new Set([projectDir, ...Object.values(appDirs).map((d) => path.resolve(projectDir, d))])];
  const results: CompilerDiagnostic[] = [];
  const fallbacks: CompilerDiagnostic[] = [];
  let baseDir = projectDir;
  let block: Block | undefined;
  let exception: PendingException | undefined;
  let compilationErrorFile: string | undefined;
  let lastEmitted: CompilerDiagnostic[] = [];
  /** "Unchecked dependencies for environment dev:" and its `* dep ...` lines, for the `** (Mix)` error that follows. */
  let unchecked: string[] | undefined;

  const resolve = (p: string, dir: string): string => {
    const cleaned = p.trim();
    if (path.isAbsolute(cleaned) || /^[A-Za-z]:[\\/]/.test(cleaned)) return path.resolve(cleaned);
    const abs = path.resolve(dir, cleaned);
    if (options.fileExists && !options.fileExists(abs)) {
      for (const d of otherDirs) {
        const alt = path.resolve(d, cleaned);
        if (alt !== abs && options.fileExists(alt)) return alt;
      }
    }
    return abs;
  };

  const flushBlock = (): void => {
    const b = block;
    block = undefined;
    if (!b) return;
    // Drop trailing blanks, keep inner ones (type-checker messages have them).
    const lines = b.lines.slice();
    const trimTail = (): void => {
      while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    };
    trimTail();
    // 1.18+ ends type-checker messages with a lead-in to the snippet.
    if (lines.length > 1 && /^typing violation found at:\s*$/.test(lines[lines.length - 1])) {
      lines.pop();
      trimTail();
    }
    let message = lines.join('\n');
    if (b.locations.length === 0) {
      // Old-style block without a location: its message ends at the first blank line.
      const firstBlank = lines.findIndex((l) => !l.trim());
      if (!b.snippet && firstBlank > 0) message = lines.slice(0, firstBlank).join('\n');
      message = clip(message);
      if (!message) return;
      if (b.severity === 'hint' && lastEmitted.length) {
        for (const d of lastEmitted) d.message = clip(`${d.message}\n\nhint: ${message}`);
        return;
      }
      if (exception?.nested) {
        // The exception's own location is used, with this block's message.
        exception.message = message;
        return;
      }
      const d: CompilerDiagnostic = { file: path.join(projectDir, 'mix.exs'), severity: b.severity, message, line: 0 };
      results.push(d);
      lastEmitted = [d];
      return;
    }
    message = clip(message);
    const emitted: CompilerDiagnostic[] = [];
    for (const loc of b.locations) {
      if (loc.path === 'nofile' || loc.path === 'iex') continue;
      const d: CompilerDiagnostic = { file: resolve(loc.path, b.baseDir), severity: b.severity, message, line: loc.line };
      const span = b.spans.get(loc.line);
      if (loc.column !== undefined) {
        d.column = loc.column;
        if (span && span.length > 1) d.endColumn = loc.column + span.length;
      } else if (span) {
        d.column = span.column;
        d.endColumn = span.column + span.length;
      }
      const code = b.code ?? (exception?.nested ? exception.code : undefined);
      if (code) d.code = code;
      results.push(d);
      emitted.push(d);
    }
    if (exception?.nested && b.severity === 'error' && emitted.length) exception = undefined;
    if (emitted.length) lastEmitted = emitted;
  };

  const flushException = (): void => {
    const e = exception;
    exception = undefined;
    if (!e) return;
    const file = e.file ?? path.join(projectDir, 'mix.exs');
    const d: CompilerDiagnostic = { file, severity: 'error', message: clip(e.message), line: e.line, code: e.code };
    if (e.column !== undefined) d.column = e.column;
    if (e.fallbackOnly) fallbacks.push(d);
    else {
      results.push(d);
      lastEmitted = [d];
    }
  };

  const startException = (code: string, rest: string): void => {
    const found = EXC_FOUND_ON.exec(rest);
    if (found) {
      exception = {
        code,
        message: `${found[1]}`,
        file: resolve(found[2], baseDir),
        line: lineNumber(found[3]),
        column: columnNumber(found[4]),
        nested: true,
        open: false,
        fallbackOnly: false,
      };
      return;
    }
    const loc = EXC_LOCATION.exec(rest);
    if (loc && /[\\/]|\.\w+$/.test(loc[1]) && loc[1] !== 'nofile') {
      exception = {
        code,
        message: loc[4] || code,
        file: resolve(loc[1], baseDir),
        line: lineNumber(loc[2]),
        column: columnNumber(loc[3]),
        nested: false,
        open: true,
        fallbackOnly: false,
      };
      return;
    }
    const fileOnly = EXC_FILE.exec(rest);
    if (fileOnly) {
      exception = {
        code,
        message: fileOnly[2],
        file: resolve(fileOnly[1], baseDir),
        line: 0,
        nested: false,
        open: true,
        fallbackOnly: /errors have been logged/.test(fileOnly[2]),
      };
      return;
    }
    // Any other exception: blame the file being compiled, at the line its stack trace names.
    const details = code === 'Mix' && unchecked?.length ? `\n${unchecked.join('\n')}` : '';
    exception = {
      code,
      message: `(${code}) ${rest}`.trim() + details,
      file: code === 'Mix' ? undefined : compilationErrorFile,
      line: 0,
      nested: false,
      open: true,
      fallbackOnly: false,
    };
  };

  const lines = stripAnsi(text).replace(/\r\n?/g, '\n').split('\n');
  for (const rawLine of lines) {
    const line = rawLine.length > 10_000 ? rawLine.slice(0, 10_000) : rawLine;

    const app = APP_SWITCH.exec(line);
    if (app) {
      flushBlock();
      flushException();
      const dir = appDirs[app[1]];
      baseDir = dir ? path.resolve(projectDir, dir) : path.join(projectDir, 'deps', app[1]);
      continue;
    }
    const compErr = COMPILATION_ERROR.exec(line);
    if (compErr) {
      flushBlock();
      flushException();
      compilationErrorFile = resolve(compErr[1], baseDir);
      continue;
    }
    const exc = EXCEPTION.exec(line) ?? MIX_EXCEPTION.exec(line);
    if (exc) {
      flushBlock();
      flushException();
      startException(exc[1], exc[2]);
      continue;
    }

    if (block) {
      const snip = SNIPPET.exec(line);
      if (snip) {
        block.snippet = true;
        const bar = line.indexOf('│');
        if (snip[2]) {
          block.lastSnippetLine = lineNumber(snip[2]);
        } else if (block.lastSnippetLine !== undefined) {
          const marks = /[~^]+/.exec(line.slice(bar + 1));
          if (marks && !block.spans.has(block.lastSnippetLine)) {
            const start = bar + 1 + marks.index;
            block.spans.set(block.lastSnippetLine, { column: start - (bar + 2) + 1, length: marks[0].length });
          }
        }
        continue;
      }
      if (block.snippet && /^\s*\.\.\.\s*$/.test(line)) continue;
      const arrow = ARROW_LOCATION.exec(line);
      if (arrow) {
        block.snippet = true;
        block.locations.push({ path: arrow[1], line: lineNumber(arrow[2]), column: columnNumber(arrow[3]) });
        continue;
      }
      if (!block.snippet) {
        const old = OLD_LOCATION.exec(line);
        if (old) {
          block.locations.push({ path: old[1], line: lineNumber(old[2]), column: columnNumber(old[3]) });
          continue;
        }
        if (/^Invalid call found at \d+ locations?:\s*$/.test(line)) continue;
      }
      if (block.locations.length > 0) {
        flushBlock();
        // fall through: this line starts something else
      } else {
        const header = HEADER.exec(line);
        if (header && header[2] !== 'hint') {
          flushBlock();
        } else if (STATUS.test(line) || block.lines.length >= MAX_MESSAGE_LINES) {
          flushBlock();
        } else {
          const strip = Math.min(block.indent, line.length - line.trimStart().length);
          block.lines.push(line.slice(strip).trimEnd());
          continue;
        }
      }
    }

    const header = HEADER.exec(line);
    if (header) {
      if (exception && !exception.nested) flushException();
      block = {
        severity: severityOf(header[2]),
        indent: header[1].length,
        lines: [header[3].trimEnd()],
        locations: [],
        snippet: false,
        spans: new Map(),
        baseDir,
      };
      if (exception?.nested && header[2] === 'error') block.code = exception.code;
      continue;
    }

    if (exception?.open) {
      const frame = FRAME.exec(line);
      if (frame) {
        if (frame[1] && frame[2] && exception.file && exception.line === 0 && resolve(frame[1], baseDir) === exception.file) {
          exception.line = lineNumber(frame[2]);
        }
        continue;
      }
      if (!line.trim()) {
        flushException();
        continue;
      }
      if (exception.message.split('\n').length < 20 && !STATUS.test(line)) {
        exception.message += `\n${line.trimEnd()}`;
        continue;
      }
      flushException();
      continue;
    }

    if (/^Unchecked dependencies/.test(line)) {
      unchecked = [line.trim()];
      continue;
    }
    if (unchecked && unchecked.length < 40 && /^\s*\S/.test(line) && (/^\s/.test(line) || /^\* /.test(line))) {
      unchecked.push(line.trimEnd());
      continue;
    }

    const erl = ERLANG.exec(line.trim());
    if (erl) {
      const d: CompilerDiagnostic = {
        file: resolve(erl[1], baseDir),
        severity: erl[4] ? 'warning' : 'error',
        message: clip(erl[5]),
        line: lineNumber(erl[2]),
      };
      if (erl[3]) d.column = columnNumber(erl[3]);
      results.push(d);
      lastEmitted = [d];
    }
  }
  flushBlock();
  flushException();

  // "cannot compile module X (errors have been logged)" only matters when nothing was logged for that file.
  for (const f of fallbacks) {
    if (!results.some((d) => d.severity === 'error' && d.file === f.file)) results.push(f);
  }
  return dedupe(results);
}

function dedupe(list: CompilerDiagnostic[]): CompilerDiagnostic[] {
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
export function diagnosticRange(d: CompilerDiagnostic, lineText?: (line0: number) => string | undefined): Range0 {
  const line = Math.max(0, (d.line || 1) - 1);
  const text = lineText?.(line);
  if (d.column !== undefined && d.column > 0) {
    const start = d.column - 1;
    let end = d.endColumn !== undefined && d.endColumn > d.column ? d.endColumn - 1 : start;
    if (end === start && text !== undefined) {
      while (end < text.length && WORD.test(text[end])) end++;
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

/** A line number from the text; 0 (unknown) when absent or too large to be real. */
function lineNumber(digits: string | undefined): number {
  const n = digits ? Number(digits) : 0;
  return Number.isSafeInteger(n) ? n : 0;
}

/** A column from the text; undefined when absent or too large to be real. */
function columnNumber(digits: string | undefined): number | undefined {
  const n = digits ? Number(digits) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}
