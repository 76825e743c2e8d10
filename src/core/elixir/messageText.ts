/**
 * The text of a compiler message, shared by mix's structured diagnostics and
 * the printed-output parser: an exception's banner, location prefix and stack
 * trace taken apart (the explanation kept whole, blank lines and all), and the
 * other places a message points to (`HINT: it looks like the "do" on line 2
 * does not have a matching "end"`, 1.16+ snippet markers such as
 * `└ unclosed delimiter`).
 */
import { stripAnsi } from '../util/ansi';
import type { RelatedLocation } from './diagnostic';

export const MAX_MESSAGE_CHARS = 4000;

/** Collapses runs of blank lines, trims, and caps the length. */
export function clip(message: string): string {
  const trimmed = message.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return trimmed.length > MAX_MESSAGE_CHARS ? `${trimmed.slice(0, MAX_MESSAGE_CHARS)}...` : trimmed;
}

/** A line number from the text; 0 (unknown) when absent or too large to be real. */
export function lineNumber(digits: string | undefined): number {
  const n = digits ? Number(digits) : 0;
  return Number.isSafeInteger(n) ? n : 0;
}

/** A column from the text; undefined when absent or too large to be real. */
export function columnNumber(digits: string | undefined): number | undefined {
  const n = digits ? Number(digits) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

export const BANNER = /^\s*\*\* \(([A-Za-z_][\w.]*)\) ?(.*)$/;
/** `path:line[:col]: rest` at the start of an exception message. */
export const LOCATION_PREFIX = /^((?:[A-Za-z]:[\\/])?[^\s:][^:]*?):(\d+)(?::(\d+))?: ?(.*)$/;
/**
 * One line of a stack trace as Exception.format_stacktrace prints it:
 * `    (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346: anonymous fn/5 in ...`,
 * `    lib/demo.ex:2: (module)`, `    :erlang.binary_to_integer("80a")`, `    Demo.f/1`.
 */
export const FRAME = /^\s{4,}(?:\([a-z_][\w]* [^)]*\) |\([a-z_]\w*\) )?(?:((?:[A-Za-z]:[\\/])?[^\s:(][^:]*?):(\d+): \S.*|:?[A-Za-z_][\w.]*\.[\w!?]+(?:\/\d+|\(.*\)))\s*$/;

/**
 * Splits an exception's text (after its first line) into the explanation and
 * the trailing stack trace; `line` is the line of the first frame in a file
 * `sameFile` accepts. `HINT:` lines lose their indentation.
 */
export function splitStackTrace(lines: readonly string[], sameFile: (p: string) => boolean): { body: string[]; line?: number } {
  const trailing = (l: string | undefined): boolean => l !== undefined && (!l.trim() || FRAME.test(l));
  let end = lines.length;
  while (trailing(lines[end - 1])) end--;
  let line: number | undefined;
  for (const frame of lines.slice(end)) {
    const m = FRAME.exec(frame);
    if (m?.[1] && m[2] && sameFile(m[1])) {
      line = lineNumber(m[2]);
      break;
    }
  }
  const body = lines.slice(0, end).map((l) => (/^\s+(?:HINT|hint): /.test(l) ? l.trim() : l.trimEnd()));
  return { body, line };
}

export interface ExceptionText {
  /** The exception's name ("ArgumentError"), when the text starts with `** (Name)`. */
  code?: string;
  message: string;
  /** From the location prefix, else from the first stack frame in the same file. */
  line?: number;
  column?: number;
}

/**
 * Takes apart an exception as mix prints or returns it:
 *   ** (ArgumentError) errors were found at the given arguments:
 *
 *     * 1st argument: not a textual representation of an integer
 *
 *       :erlang.binary_to_integer("80a")
 *       lib/demo.ex:2: (module)
 * gives code ArgumentError, line 2 (the frame in `sameFile`), and the message
 * "(ArgumentError) errors were found ...\n\n  * 1st argument: ...". Errors that
 * name their place (`lib/x.ex:9:1: missing terminator ...`) lose the prefix and
 * the exception's name (it is the code). `HINT:` lines lose their indentation.
 */
export function exceptionText(raw: string, sameFile: (p: string) => boolean): ExceptionText {
  const lines = stripAnsi(raw).replace(/\r\n?/g, '\n').split('\n');
  while (lines[0]?.trim() === '') lines.shift();
  const out: ExceptionText = { message: '' };
  let first = lines.shift() ?? '';
  const banner = BANNER.exec(first);
  let named = false;
  if (banner) {
    out.code = banner[1];
    first = banner[2]!;
    named = true;
  }
  const loc = LOCATION_PREFIX.exec(first);
  if (loc && /[\\/]|\.\w+$/.test(loc[1]!) && loc[1] !== 'nofile') {
    out.line = lineNumber(loc[2]);
    const column = columnNumber(loc[3]);
    if (column !== undefined) out.column = column;
    first = loc[4]!;
    named = false;
  }
  const { body, line } = splitStackTrace(lines, sameFile);
  if (out.line === undefined && line !== undefined) out.line = line;
  const head = named && out.code && first ? `(${out.code}) ${first}` : first || (out.code ?? '');
  out.message = clip([head, ...body].join('\n'));
  return out;
}

const HINT = /\b(?:HINT|hint): (it looks like the "[^"\n]+" on line (\d+) does not have a matching "[^"\n]+")/g;
/** A numbered snippet line `  2 │ code` and a marker line `    │   └ unclosed delimiter`. */
const SNIPPET_CODE = /^\s*(\d+) │/;
const SNIPPET_MARKER = /^(\s*)│(.*?)└ (.+?)\s*$/;

/**
 * Other places a message points to, besides its own (`primaryLine`): mix's
 * HINT about a `do` without a matching `end`, and markers under other lines
 * of a 1.16+ snippet. At most one per line.
 */
export function relatedLocations(message: string, file: string, primaryLine: number): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  const add = (r: RelatedLocation): void => {
    if (r.line > 0 && r.line !== primaryLine && !out.some((o) => o.line === r.line)) out.push(r);
  };
  for (const m of message.matchAll(HINT)) add({ file, line: lineNumber(m[2]), message: m[1]! });
  let snippetLine: number | undefined;
  for (const line of message.split('\n')) {
    const code = SNIPPET_CODE.exec(line);
    if (code) {
      snippetLine = lineNumber(code[1]);
      continue;
    }
    const marker = SNIPPET_MARKER.exec(line);
    const text = marker?.[3];
    if (marker && text !== undefined && snippetLine !== undefined && !text.startsWith('─')) {
      // The code starts two characters after the bar ("│ "), as on the numbered line above.
      add({ file, line: snippetLine, column: Math.max(1, marker[2]!.length), message: text });
    }
  }
  return out;
}
