/**
 * The YAML front matter of an agent file, read as leniently as Claude Code
 * reads it and with every problem reported on its line: the `---` frame, a
 * key given twice (named, each time), plain values containing ": " (read as
 * text, with a warning), and js-yaml's own errors at its mark.
 */
import matter from 'gray-matter';
import { KNOWN_FIELDS, type ProblemSeverity } from './types';

/** Reports a problem at a 0-based line (and column; the range ends at `endColumn`, else at the end of the line). */
export type AddProblem = (line: number, severity: ProblemSeverity, code: string, message: string, column?: number, endColumn?: number) => void;

export interface Frame {
  lines: string[];
  /** 0-based index of the closing `---` line. */
  closeLine: number;
}

export type FrontMatter = { ok: true; frame: Frame; data: unknown; content: string } | { ok: false };

interface YamlErrorLike {
  name?: string;
  reason?: string;
  message?: string;
  mark?: { line?: number; column?: number };
}

const isYamlError = (e: unknown): e is YamlErrorLike => typeof e === 'object' && e !== null && (e as YamlErrorLike).name === 'YAMLException';

/** gray-matter caches parses of option-less calls forever; passing options avoids that. */
function grayMatter(text: string): matter.GrayMatterFile<string> {
  return matter(text, { language: 'yaml' });
}

/** A top-level `key:` (optionally quoted) at the start of a line. */
const TOP_LEVEL_KEY = /^(["']?)([A-Za-z_][\w-]*)\1[ \t]*:(?=[ \t]|\r?$)/;

/** The lines between the two `---` lines, each with its 0-based line in the file. */
export function fieldLines(frame: Frame): [line: number, text: string][] {
  return frame.lines.slice(1, frame.closeLine).map((text, k) => [k + 1, text]);
}

/** Finds the frame of a front-matter block: the lines and the closing `---`. */
function frameOf(lines: string[]): Frame | { error: string } {
  const first = (lines[0] ?? '').trimEnd();
  if (first !== '---') {
    const at = lines.findIndex((l) => l.trimEnd() === '---');
    if (at > 0 && lines.slice(0, at).every((l) => l.trim() === '')) {
      return { error: 'the front matter must start on the first line: remove the blank lines before `---`' };
    }
    return { error: 'no YAML front matter: an agent file starts with a `---` line, then `name:` and `description:`, then `---` and the system prompt' };
  }
  const closeLine = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
  if (closeLine < 0) return { error: 'the front matter is not closed: add a `---` line after the last field' };
  return { lines, closeLine };
}

/**
 * Top-level keys given more than once: an error on each repetition, naming
 * the key and its first line. Returns the frame with the repetitions (and
 * their indented continuation lines) turned into comments, so the rest of
 * the file can still be checked.
 */
function reportDuplicateKeys(frame: Frame, add: AddProblem): Frame | undefined {
  const first = new Map<string, number>();
  const masked = [...frame.lines];
  let found = false;
  for (const [i, text] of fieldLines(frame)) {
    const key = TOP_LEVEL_KEY.exec(text)?.[2];
    if (key === undefined) continue;
    const at = first.get(key);
    if (at === undefined) {
      first.set(key, i);
      continue;
    }
    found = true;
    const continuation = (KNOWN_FIELDS as readonly string[]).includes(key) ? '' : ' (if this line continues the value above, indent it or quote that value)';
    add(i, 'error', 'duplicate-key', `\`${key}\` is given twice (first on line ${at + 1}): YAML allows each key once, so the front matter does not parse; keep one${continuation}`);
    masked[i] = '#';
    for (let j = i + 1; j < frame.closeLine && /^([ \t]|\r?$)/.test(frame.lines[j]!); j++) masked[j] = '#';
  }
  return found ? { lines: masked, closeLine: frame.closeLine } : undefined;
}

/**
 * Claude Code tolerates front matter such as `description: Use when: X` (a
 * plain scalar containing ": "), which strict YAML rejects. Quote such
 * top-level values and try again, so those agents still load (with a warning).
 */
function recoverUnquotedColons(frame: Frame): { text: string; lines: number[] } | undefined {
  const fixed = [...frame.lines];
  const changed: number[] = [];
  for (const [i, text] of fieldLines(frame)) {
    const m = /^([A-Za-z_][\w-]*):[ \t]+(.*?)[ \t]*$/.exec(text.replace(/\r$/, ''));
    if (!m) continue;
    const value = m[2]!;
    if (value === '' || /^["'[{|>&*!%@`]/.test(value)) continue;
    if (!/:\s|:$|\s#/.test(value)) continue;
    fixed[i] = `${m[1]}: ${JSON.stringify(value)}`;
    changed.push(i);
  }
  return changed.length > 0 ? { text: fixed.join('\n'), lines: changed } : undefined;
}

function tryParse(text: string): { parsed: matter.GrayMatterFile<string> } | { error: YamlErrorLike } {
  try {
    return { parsed: grayMatter(text) };
  } catch (err) {
    if (!isYamlError(err)) throw err;
    return { error: err };
  }
}

/** Reads the front matter of a file's lines, reporting each problem through `add`. */
export function readFrontMatter(lines: string[], add: AddProblem): FrontMatter {
  const frame = frameOf(lines);
  if ('error' in frame) {
    add(0, 'error', 'no-front-matter', frame.error);
    return { ok: false };
  }
  const deduplicated = reportDuplicateKeys(frame, add);
  const checked = deduplicated ?? frame;
  const first = tryParse(checked.lines.join('\n'));
  if ('parsed' in first) {
    return deduplicated ? { ok: false } : { ok: true, frame, data: first.parsed.data, content: first.parsed.content };
  }
  const recovered = recoverUnquotedColons(checked);
  const second = recovered && tryParse(recovered.text);
  if (recovered && second && 'parsed' in second) {
    for (const l of recovered.lines) {
      add(
        l,
        'warning',
        'yaml-unquoted-colon',
        'this value contains ": " and is not valid YAML; it was read as text (as Claude Code does), but quote it to keep the file portable: key: "…"',
        lines[l]!.indexOf(':') + 2,
      );
    }
    return deduplicated ? { ok: false } : { ok: true, frame, data: second.parsed.data, content: second.parsed.content };
  }
  const err = first.error;
  const markLine = err.mark?.line ?? 0;
  const line = Math.min(Math.max(markLine, 1), Math.max(frame.closeLine - 1, 1));
  const column = markLine === line ? (err.mark?.column ?? 0) : 0;
  const reason = err.reason ?? err.message ?? 'invalid YAML';
  const dupKey = reason === 'duplicated mapping key' ? /^\s*(["']?)([^"':]+)\1\s*:/.exec(lines[line] ?? '')?.[2] : undefined;
  const hint = dupKey
    ? ` (\`${dupKey.trim()}\` is given twice)`
    : /:\s/.test((lines[line] ?? '').replace(/^[^:]*:\s*/, ''))
      ? ' (a value containing ": " must be quoted)'
      : '';
  add(line, 'error', 'yaml', `invalid YAML in the front matter: ${reason}${hint}`, column);
  return { ok: false };
}
