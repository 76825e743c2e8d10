/**
 * Parses what `mix compile` prints (Elixir 1.14 through 1.19) into
 * diagnostics: the fallback for when mix's structured diagnostics
 * (structuredCompile.ts) are not available, e.g. when mix stops before
 * compiling. Formats handled:
 *
 * - 1.14: `warning: MSG` + `  lib/a.ex:3: Mod.f/1` (several lines after
 *   "Invalid call found at N locations:"); errors stop compilation:
 *   `== Compilation error in file lib/b.ex ==` then
 *   `** (CompileError) lib/b.ex:2: MSG`, `** (SyntaxError) lib/x.ex:4:3: MSG`,
 *   or any exception whose stack trace names the file (`lib/b.ex:2: (module)`),
 *   its explanation spread over paragraphs, `HINT:` lines included.
 * - 1.15: several `error: MSG` + `  lib/foo.ex:3: Foo.bar/0` blocks, then
 *   `** (CompileError) lib/foo.ex: cannot compile module Foo (errors have been logged)`.
 * - 1.16-1.19: indented `warning:`/`error:`/`hint:` headers, a snippet framed
 *   with `│` (`~~~`/`^^^` under the span), then `└─ lib/foo.ex:12:5: Foo.bar/0`
 *   (one line per location); syntax errors
 *   `** (SyntaxError) invalid syntax found on lib/x.ex:1:17:` + a nested `error:` block;
 *   multi-line messages with blank lines (type-checker warnings).
 * - Umbrellas and deps: `==> app` switches the directory paths are relative to
 *   (outputPaths.ts: replayed warnings come without it).
 * - Erlang sources: `src/a.erl:3:5: Warning: MSG`.
 * - ANSI colours anywhere.
 *
 * Pure and total: any input (garbage included) gives a list, never a throw.
 */
import * as path from 'node:path';
import { stripAnsi } from '../util/ansi';
import { dedupe, type CompilerDiagnostic } from './diagnostic';
import { clip, columnNumber, lineNumber, relatedLocations } from './messageText';
import { blockDiagnostics, blockMessage, feedBlock, HEADER, newBlock, type Block } from './outputBlocks';
import { exceptionDiagnostic, feedException, startException, type PendingException } from './outputExceptions';
import { PathResolver, type PathOptions } from './outputPaths';

export { diagnosticRange, type CompilerDiagnostic, type CompilerSeverity, type Range0, type RelatedLocation } from './diagnostic';

export type ParseOptions = PathOptions;

const EXCEPTION = /^\s*\*\* \(([A-Za-z_][\w.]*)\) ?(.*)$/;
/** mix's own errors may follow a prompt on the same line ("Shall I install Hex? ... [Yn] ** (Mix) ..."). */
const MIX_EXCEPTION = /\*\* \((Mix)\) (.*)$/;
const COMPILATION_ERROR = /^== Compilation error in file (.+) ==\s*$/;
const APP_SWITCH = /^==> ([A-Za-z_][\w-]*)\s*$/;
const ERLANG = /^((?:[A-Za-z]:[\\/])?[^\s:][^:]*\.(?:erl|hrl|[xy]rl)):(\d+)(?::(\d+))?: (Warning: |warning: )?(.*)$/;

class OutputParser {
  readonly results: CompilerDiagnostic[] = [];
  private readonly fallbacks: CompilerDiagnostic[] = [];
  private readonly paths: PathResolver;
  private baseDir: string;
  private block: Block | undefined;
  private exception: PendingException | undefined;
  private compilationErrorFile: string | undefined;
  /** What the last block or exception gave: a following standalone `hint:` is appended to it. */
  private lastEmitted: CompilerDiagnostic[] = [];
  /** "Unchecked dependencies for environment dev:" and its `* dep ...` lines, for the `** (Mix)` error that follows. */
  private unchecked: string[] | undefined;

  constructor(options: ParseOptions) {
    this.paths = new PathResolver(options);
    this.baseDir = this.paths.projectDir;
  }

  line(line: string): void {
    const app = APP_SWITCH.exec(line);
    if (app) {
      this.flush();
      this.baseDir = this.paths.appDir(app[1]!);
      return;
    }
    const compErr = COMPILATION_ERROR.exec(line);
    if (compErr) {
      this.flush();
      this.compilationErrorFile = this.paths.resolve(compErr[1]!, this.baseDir);
      return;
    }
    const exc = EXCEPTION.exec(line) ?? MIX_EXCEPTION.exec(line);
    if (exc) {
      this.flush();
      this.exception = startException(exc[1]!, exc[2]!, {
        resolve: (p) => this.paths.resolve(p, this.baseDir),
        compilationErrorFile: this.compilationErrorFile,
        unchecked: this.unchecked,
      });
      return;
    }
    if (this.block) {
      if (feedBlock(this.block, line) === 'taken') return;
      this.flushBlock();
    }
    const header = HEADER.exec(line);
    if (header) {
      if (this.exception && !this.exception.nested) this.flushException();
      this.block = newBlock(header, this.baseDir);
      if (this.exception?.nested && header[2] === 'error') this.block.code = this.exception.code;
      return;
    }
    if (this.exception?.open) {
      if (feedException(this.exception, line) === 'taken') return;
      this.flushException();
    }
    if (this.uncheckedLine(line)) return;
    this.erlangLine(line);
  }

  finish(): CompilerDiagnostic[] {
    this.flush();
    // "cannot compile module X (errors have been logged)" only matters when nothing was logged for that file.
    for (const f of this.fallbacks) {
      if (!this.results.some((d) => d.severity === 'error' && d.file === f.file)) this.results.push(f);
    }
    return dedupe(this.results);
  }

  private flush(): void {
    this.flushBlock();
    this.flushException();
  }

  /** Records diagnostics, with the other places their text (message, snippet) points to. */
  private emit(list: CompilerDiagnostic[], text: (d: CompilerDiagnostic) => string = (d) => d.message): void {
    for (const d of list) {
      const related = relatedLocations(text(d), d.file, d.line);
      if (related.length) d.related = related;
      this.results.push(d);
    }
    if (list.length) this.lastEmitted = list;
  }

  private flushBlock(): void {
    const b = this.block;
    this.block = undefined;
    if (!b) return;
    const message = blockMessage(b);
    if (b.locations.length === 0) {
      if (!message) return;
      if (b.severity === 'hint' && this.lastEmitted.length) {
        for (const d of this.lastEmitted) d.message = clip(`${d.message}\n\nhint: ${message}`);
        return;
      }
      if (this.exception?.nested) {
        // The exception's own place is used, with this block's message (and its snippet's markers).
        this.exception.head = [message, ...b.snippetLines].join('\n');
        return;
      }
      this.emit([{ file: path.join(this.paths.projectDir, 'mix.exs'), severity: b.severity, message, line: 0 }]);
      return;
    }
    const code = b.code ?? (this.exception?.nested ? this.exception.code : undefined);
    const emitted = blockDiagnostics(b, message, (p, line) => this.paths.resolve(p, b.baseDir, { line, message }), code);
    if (this.exception?.nested && b.severity === 'error' && emitted.length) this.exception = undefined;
    this.emit(emitted, (d) => [d.message, ...b.snippetLines].join('\n'));
  }

  private flushException(): void {
    const e = this.exception;
    this.exception = undefined;
    if (!e) return;
    const d = exceptionDiagnostic(e, this.paths.projectDir, (p) => this.paths.resolve(p, this.baseDir));
    const text = d.message;
    // A nested block's snippet (kept for its markers) is not part of the message.
    if (e.nested) d.message = clip(d.message.split('\n').filter((l) => !l.includes('│')).join('\n'));
    if (e.fallbackOnly) this.fallbacks.push(d);
    else this.emit([d], () => text);
  }

  private uncheckedLine(line: string): boolean {
    if (/^Unchecked dependencies/.test(line)) {
      this.unchecked = [line.trim()];
      return true;
    }
    if (this.unchecked && this.unchecked.length < 40 && /^\s*\S/.test(line) && (/^\s/.test(line) || /^\* /.test(line))) {
      this.unchecked.push(line.trimEnd());
      return true;
    }
    return false;
  }

  private erlangLine(line: string): void {
    const erl = ERLANG.exec(line.trim());
    if (!erl) return;
    const d: CompilerDiagnostic = {
      file: this.paths.resolve(erl[1]!, this.baseDir),
      severity: erl[4] ? 'warning' : 'error',
      message: clip(erl[5]!),
      line: lineNumber(erl[2]!),
    };
    if (erl[3]) d.column = columnNumber(erl[3]);
    this.results.push(d);
    this.lastEmitted = [d];
  }
}

export function parseCompilerOutput(output: string, options: ParseOptions): CompilerDiagnostic[] {
  const parser = new OutputParser(options);
  const text = typeof output === 'string' ? output : '';
  for (const raw of stripAnsi(text).replace(/\r\n?/g, '\n').split('\n')) parser.line(raw.length > 10_000 ? raw.slice(0, 10_000) : raw);
  return parser.finish();
}
