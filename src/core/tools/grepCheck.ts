/**
 * Grep's guard against the path race and hard links. ripgrep walks the
 * workspace and opens files by path, so a folder swapped for a link out
 * while it runs could make it read a file outside, and it reads hard-linked
 * files like any other. So what it found is not shown as it is: every file of
 * the entries about to be shown is opened through the safe walk (safeFs.ts:
 * no link followed, inside the workspace, one link) and, in content mode,
 * read: a line (match or context) is shown only when the file, read that
 * way, has exactly that text at that line number. Output content therefore
 * always comes from the workspace file itself. Listed files and counts are
 * shown only for files that pass the safe open; while a folder is being
 * swapped in a loop, whether a listed name matched (or how often) may still
 * reflect what ripgrep read through the swap: a count or a yes/no, never a
 * line. Totals ("Found N files") come from the search itself.
 */
import * as fs from 'node:fs';
import type { GrepMode } from './jsGrep';
import { MAX_TEXT_FILE_BYTES } from './paths';
import { DirCache, HardLinkedError, openFileBelow, readFd, type Below } from './safeFs';

/** One output entry of the first search: its display text, and the file and comparable key when it came from a file. */
export interface GrepEntry {
  text: string;
  file?: string;
  /** Content: `N:text` / `N-text` (line number, match or context, raw text); count: the count; files: ''. */
  key?: string;
}

/** Parse a line of the first search (content mode runs with --null and --line-number). */
export function parseRgLine(raw: string, mode: GrepMode, lineNumbers: boolean, cut: (s: string) => string): GrepEntry {
  if (mode === 'files_with_matches') return { text: raw, file: raw, key: '' };
  if (mode === 'count') {
    const i = raw.lastIndexOf(':');
    return i > 0 ? { text: raw, file: raw.slice(0, i), key: raw.slice(i + 1) } : { text: raw };
  }
  const nul = raw.indexOf('\0');
  const m = nul > 0 ? /^(\d+)([:-])([\s\S]*)$/.exec(raw.slice(nul + 1)) : null;
  if (!m) return { text: raw };
  const file = raw.slice(0, nul);
  const [, n, sep, body] = m;
  return { text: cut(lineNumbers ? `${file}${sep}${n}${sep}${body}` : `${file}${sep}${body}`), file, key: `${n}${sep}${body}` };
}

/**
 * The entries whose file has one link (lstat by path: a quick first filter,
 * so totals leave hard-linked files out; what is shown is checked again
 * safely), and each file's modification time for sorting.
 */
export async function withoutHardLinks(entries: GrepEntry[]): Promise<{ kept: GrepEntry[]; hardLinked: number; mtime: (file: string) => number }> {
  const files = [...new Set(entries.flatMap((e) => (e.file === undefined ? [] : [e.file])))];
  const stats = new Map(await Promise.all(files.map(async (f) => [f, await fs.promises.lstat(f).catch(() => undefined)] as const)));
  const hard = new Set(files.filter((f) => (stats.get(f)?.nlink ?? 1) > 1 && stats.get(f)?.isFile()));
  return { kept: entries.filter((e) => e.file === undefined || !hard.has(e.file)), hardLinked: hard.size, mtime: (f) => stats.get(f)?.mtimeMs ?? 0 };
}

export interface CheckResult {
  kept: string[];
  /** Entries left out because their file changed, left the workspace or no longer matched. */
  changed: number;
  /** Files left out because they have several hard links. */
  hardLinked: number;
}

/** Files per second search (each an open descriptor in ripgrep: Node raises its own limit to the hard one). */
/** Files up to this size are read synchronously: a thread-pool round trip costs more than the read. */
const SYNC_READ_BYTES = 256n * 1024n;

function readSmall(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let got = 0;
  while (got < size) {
    const n = fs.readSync(fd, buf, got, size - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** ripgrep's --max-columns-preview ending: the line continues in the file. */
const PREVIEW_END = / \[\.\.\. (?:omitted end of long line|\d+ more matche?s?)\]$/;

/** True when `key` (`N:text` / `N-text`) is what the file's line N holds (or starts with, for a cut preview). */
function lineMatches(lines: string[], key: string): boolean {
  const m = /^(\d+)[:-]([\s\S]*)$/.exec(key);
  if (!m) return false;
  const [, number, text = ''] = m;
  const line = lines[Number(number) - 1];
  if (line === undefined) return false;
  const preview = PREVIEW_END.exec(text);
  if (!preview) return line === text;
  // The preview is cut at a byte count: a character split there shows as U+FFFD.
  return line.startsWith(text.slice(0, preview.index).replace(/\uFFFD+$/, ''));
}

function fileLines(data: Buffer): string[] {
  const lines = data.toString('utf8').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[0]?.startsWith('\uFEFF')) lines[0] = lines[0].slice(1); // ripgrep drops a UTF-8 BOM
  return lines;
}

/**
 * Keep the entries the workspace files confirm. `below` maps a path printed
 * by the search to its place below the workspace folder.
 */
export async function confirmEntries(mode: GrepMode, entries: GrepEntry[], below: (file: string) => Below, signal: AbortSignal): Promise<CheckResult> {
  const files = [...new Set(entries.flatMap((e) => (e.file === undefined ? [] : [e.file])))];
  const confirmed = new Map<string, string[] | true>();
  const hardLinked = new Set<string>();
  const dirs = new DirCache();
  try {
    for (const [k, file] of files.entries()) {
      if (signal.aborted) break;
      // Each open is a few system calls: let the event loop breathe in a long list.
      if (k > 0 && k % 50 === 0) await new Promise((r) => setImmediate(r));
      let fd: number | undefined;
      try {
        const o = openFileBelow(below(file), dirs);
        if (!o) continue;
        fd = o.fd;
        if (mode !== 'content') confirmed.set(file, true);
        else confirmed.set(file, fileLines(o.stat.size <= SYNC_READ_BYTES ? readSmall(fd, Number(o.stat.size)) : await readFd(fd, Number(o.stat.size), MAX_TEXT_FILE_BYTES)));
      } catch (err) {
        // Changed under us, no longer inside, not a regular file: not confirmed. Hard links: said so.
        if (err instanceof HardLinkedError) hardLinked.add(file);
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    }
  } finally {
    dirs.close();
  }
  const kept: string[] = [];
  let changed = 0;
  for (const e of entries) {
    const seen = e.file === undefined ? undefined : confirmed.get(e.file);
    if (e.file === undefined || (seen !== undefined && (seen === true || lineMatches(seen, e.key ?? '')))) kept.push(e.text);
    else if (!hardLinked.has(e.file)) changed++;
  }
  return { kept: mode === 'content' ? tidySeparators(kept) : kept, changed, hardLinked: hardLinked.size };
}

/** No `--` group separator at the start, at the end, or twice in a row once lines were left out. */
function tidySeparators(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l === '--' && (out.length === 0 || out[out.length - 1] === '--')) continue;
    out.push(l);
  }
  while (out[out.length - 1] === '--') out.pop();
  return out;
}
