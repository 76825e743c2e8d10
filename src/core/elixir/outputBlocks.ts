/**
 * One `warning:` / `error:` / `hint:` block of mix's printed output: its
 * message lines, its locations (1.14/1.15 `  lib/a.ex:3: Mod.f/1` lines,
 * 1.16+ `└─ lib/a.ex:3:5` lines) and its 1.16+ snippet (`~~~` spans, `└`
 * markers under other lines). Fed line by line by compilerOutput.ts.
 */
import type { CompilerDiagnostic, CompilerSeverity } from './diagnostic';
import { clip, columnNumber, lineNumber } from './messageText';

export const HEADER = /^(\s*)(warning|error|hint|info|information): ?(.*)$/;
const PATH = String.raw`((?:[A-Za-z]:[\\/])?[^\s:│└][^:]*?)`;
/** `└─ lib/foo.ex:12:5: Foo.bar/0`, `└─ lib/foo.ex:3`, `└─ nofile:2:3`. */
const ARROW_LOCATION = new RegExp(String.raw`^\s*└─ ${PATH}(?::(\d+)(?::(\d+))?)?(?:: (.*))?\s*$`);
/** Old style `  lib/foo.ex:3: Foo.bar/0` (needs a source extension, to avoid prose). */
export const SOURCE_EXT = String.raw`\.(?:exs?|[hl]?eex|heex|sface|erl|hrl|[xy]rl|lock)`;
const OLD_LOCATION = new RegExp(String.raw`^\s+((?:[A-Za-z]:[\\/])?[^\s:][^:]*?${SOURCE_EXT})(?::(\d+)(?::(\d+))?)?(?:: (.*))?\s*$`);
/** A snippet line: `  5 │ code`, `    │ ~~~`, `    │`. */
const SNIPPET = /^(\s*)(\d+)?\s*│(.*)$/;
/** Lines mix prints between diagnostics. */
export const STATUS = /^(Compiling \d+ files? \(|Generated \S+ app|Compiled |Compilation failed|Unchecked dependencies|Erlang\/OTP |Elixir \d)/;

const MAX_MESSAGE_LINES = 80;

interface Location {
  path: string;
  line: number;
  column?: number;
}

export interface Block {
  severity: CompilerSeverity;
  indent: number;
  lines: string[];
  /** The snippet as printed, for its markers (related locations). */
  snippetLines: string[];
  locations: Location[];
  snippet: boolean;
  lastSnippetLine?: number;
  spans: Map<number, { column: number; length: number }>;
  baseDir: string;
  /** The exception this block explains (1.16+ syntax errors). */
  code?: string;
}

export function severityOf(word: string): CompilerSeverity {
  if (word === 'error') return 'error';
  if (word === 'warning') return 'warning';
  if (word === 'hint') return 'hint';
  return 'information';
}

export function newBlock(header: RegExpExecArray, baseDir: string): Block {
  return {
    severity: severityOf(header[2]!),
    indent: header[1]!.length,
    lines: [header[3]!.trimEnd()],
    snippetLines: [],
    locations: [],
    snippet: false,
    spans: new Map(),
    baseDir,
  };
}

/**
 * Feeds one line to a block. 'taken': the line belongs to it. 'ended': the
 * block is complete and the line starts something else.
 */
export function feedBlock(block: Block, line: string): 'taken' | 'ended' {
  const snip = SNIPPET.exec(line);
  if (snip) {
    block.snippet = true;
    block.snippetLines.push(line);
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
    return 'taken';
  }
  if (block.snippet && /^\s*\.\.\.\s*$/.test(line)) return 'taken';
  const arrow = ARROW_LOCATION.exec(line);
  if (arrow) {
    block.snippet = true;
    block.locations.push({ path: arrow[1]!, line: lineNumber(arrow[2]), column: columnNumber(arrow[3]) });
    return 'taken';
  }
  if (!block.snippet) {
    const old = OLD_LOCATION.exec(line);
    if (old) {
      block.locations.push({ path: old[1]!, line: lineNumber(old[2]), column: columnNumber(old[3]) });
      return 'taken';
    }
    if (/^Invalid call found at \d+ locations?:\s*$/.test(line)) return 'taken';
  }
  if (block.locations.length > 0) return 'ended';
  const header = HEADER.exec(line);
  if ((header && header[2] !== 'hint') || STATUS.test(line) || block.lines.length >= MAX_MESSAGE_LINES) return 'ended';
  const strip = Math.min(block.indent, line.length - line.trimStart().length);
  block.lines.push(line.slice(strip).trimEnd());
  return 'taken';
}

/** The block's message: blank lines inside kept, trailing ones and the 1.18 snippet lead-in dropped. */
export function blockMessage(block: Block): string {
  const lines = block.lines.slice();
  const trimTail = (): void => {
    while (lines.at(-1)?.trim() === '') lines.pop();
  };
  trimTail();
  if (lines.length > 1 && /^typing violation found at:\s*$/.test(lines.at(-1)!)) {
    lines.pop();
    trimTail();
  }
  if (block.locations.length === 0) {
    // Old-style block without a location: its message ends at the first blank line.
    const firstBlank = lines.findIndex((l) => !l.trim());
    if (!block.snippet && firstBlank > 0) return clip(lines.slice(0, firstBlank).join('\n'));
  }
  return clip(lines.join('\n'));
}

/** One diagnostic per location (nofile/iex left out); `resolve` makes the paths absolute. */
export function blockDiagnostics(block: Block, message: string, resolve: (p: string, line: number) => string, code?: string): CompilerDiagnostic[] {
  const out: CompilerDiagnostic[] = [];
  for (const loc of block.locations) {
    if (loc.path === 'nofile' || loc.path === 'iex') continue;
    const d: CompilerDiagnostic = { file: resolve(loc.path, loc.line), severity: block.severity, message, line: loc.line };
    const span = block.spans.get(loc.line);
    if (loc.column !== undefined) {
      d.column = loc.column;
      if (span && span.length > 1) d.endColumn = loc.column + span.length;
    } else if (span) {
      d.column = span.column;
      d.endColumn = span.column + span.length;
    }
    if (code) d.code = code;
    out.push(d);
  }
  return out;
}
