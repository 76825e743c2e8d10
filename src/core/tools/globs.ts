/**
 * Glob patterns and .gitignore rules, for Glob's exact matching, LS's ignore
 * list and the JS search used when no ripgrep binary exists. The matching
 * itself (linear time, whatever the pattern) is in globMatch.ts.
 *
 * Why our own matcher and not picomatch or minimatch: both compile a glob
 * to a JavaScript RegExp, which backtracks, and every glob here is untrusted
 * (the model's patterns, a repository's ignore files). One pathological
 * pattern (`*a*a*a*a*a*a*a*a*a*a*a*ab` against a long name) froze the
 * extension host: that is a security bug, not a slow search. ripgrep's
 * matcher is linear but lives inside the rg process; where rg runs, its
 * globs are its own, and everything matched in this process goes through
 * globMatch.ts (why and how in its header).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileGlob, GlobTooComplexError, type GlobMatcher } from './globMatch';
import { Slicer } from './searchLimits';

/** A glob matched against a whole `/`-separated relative path (a leading `./` is dropped). Linear time: see globMatch.ts. */
export function globMatcher(glob: string, nocase = false): GlobMatcher {
  return compileGlob(glob.replace(/^\.\//, ''), { nocase });
}

/** Split a Grep `glob` parameter into globs: whitespace or commas separate, except inside braces. */
export function splitGlobs(spec: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of spec) {
    if (c === '{') depth++;
    if (c === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && (c === ',' || /\s/.test(c))) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** Rules read from one ignore file at most, and its bytes (each path is tested against every rule). */
export const MAX_IGNORE_RULES = 10_000;
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

interface Rule {
  glob: string;
  anchored: boolean;
  /** Compiled on first use (in a time slice); null: malformed, never matches. */
  re?: GlobMatcher | null;
  negate: boolean;
  dirOnly: boolean;
}

/** One ignore file (.gitignore, .ignore, .git/info/exclude) and the folder it governs. */
export class IgnoreFile {
  private readonly rules: Rule[] = [];

  constructor(
    /** The governed folder, relative to the walk's top, '' for the top. */
    readonly base: string,
    content: string,
  ) {
    for (let line of content.split('\n', MAX_IGNORE_RULES * 2)) {
      if (this.rules.length >= MAX_IGNORE_RULES) break;
      line = line.replace(/\r$/, '');
      if (!line || line.startsWith('#')) continue;
      line = line.replace(/(?<!\\)\s+$/, '');
      let negate = false;
      if (line.startsWith('!')) {
        negate = true;
        line = line.slice(1);
      } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
      const dirOnly = line.endsWith('/');
      if (dirOnly) line = line.replace(/\/+$/, '');
      if (!line) continue;
      const anchored = line.includes('/');
      if (line.startsWith('/')) line = line.slice(1);
      this.rules.push({ glob: line, anchored, negate, dirOnly });
    }
  }

  private test(r: Rule, rel: string): boolean {
    if (r.re === undefined) {
      try {
        r.re = compileGlob(r.glob);
      } catch {
        r.re = null; // git ignores malformed lines too (and these are too long)
      }
    }
    try {
      // An unanchored rule has no '/', so it can only match the last name (as `(?:.*\/)?rule` would, in less time).
      return r.re !== null && r.re.test(r.anchored ? rel : rel.slice(rel.lastIndexOf('/') + 1));
    } catch (err) {
      // A rule too complex to decide on this path (a hostile ignore file) does not match it.
      if (err instanceof GlobTooComplexError) return false;
      throw err;
    }
  }

  /** true: ignored, false: re-included by a `!` rule, undefined: no opinion. */
  async match(relToBase: string, isDir: boolean, slice: Slicer): Promise<boolean | undefined> {
    let verdict: boolean | undefined;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (slice.due()) await slice.pause();
      if (this.test(r, relToBase)) verdict = !r.negate;
    }
    return verdict;
  }
}

const IGNORE_FILES = ['.gitignore', '.ignore', '.rgignore'];

function readHead(file: string, max: number): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    if (!fs.fstatSync(fd).isFile()) return '';
    const buf = Buffer.alloc(Math.min(max, fs.fstatSync(fd).size));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function readIgnoreFiles(absDir: string, base: string): IgnoreFile[] {
  const out: IgnoreFile[] = [];
  const names = [...IGNORE_FILES];
  if (fs.existsSync(path.join(absDir, '.git'))) names.unshift(path.join('.git', 'info', 'exclude'));
  for (const name of names) {
    try {
      out.push(new IgnoreFile(base, readHead(path.join(absDir, name), MAX_IGNORE_FILE_BYTES)));
    } catch {
      // absent
    }
  }
  return out;
}

/** The ignore files in effect at a folder: those of its ancestors (from `top`) and its own. */
export class IgnoreStack {
  private constructor(private readonly files: IgnoreFile[]) {}

  static empty(): IgnoreStack {
    return new IgnoreStack([]);
  }

  /** Rules from `top` (a workspace folder) down to `dirRel` (relative to top), inclusive. */
  static forDir(top: string, dirRel: string): IgnoreStack {
    const files: IgnoreFile[] = [];
    const parts = dirRel ? dirRel.split('/') : [];
    for (let k = 0; k <= parts.length; k++) {
      const base = parts.slice(0, k).join('/');
      files.push(...readIgnoreFiles(path.join(top, ...parts.slice(0, k)), base));
    }
    return new IgnoreStack(files);
  }

  /** This stack plus the ignore files inside `dirRel`. */
  enter(top: string, dirRel: string): IgnoreStack {
    const own = readIgnoreFiles(path.join(top, dirRel), dirRel);
    return own.length ? new IgnoreStack([...this.files, ...own]) : this;
  }

  /** Whether `rel` is ignored; the rules are tested in time slices (a hostile ignore file has thousands). */
  async ignored(rel: string, isDir: boolean, slice: Slicer): Promise<boolean> {
    let verdict = false;
    for (const f of this.files) {
      if (f.base && !(rel === f.base || rel.startsWith(`${f.base}/`))) continue;
      const sub = f.base ? rel.slice(f.base.length + 1) : rel;
      if (!sub) continue;
      const v = await f.match(sub, isDir, slice);
      if (v !== undefined) verdict = v;
    }
    return verdict;
  }
}

export interface WalkEntry {
  /** Relative to the walk's top, `/`-separated. */
  rel: string;
  abs: string;
  isDir: boolean;
}

/**
 * Every file below `start` (inside `top`), depth first, honouring ignore
 * files like ripgrep: .gitignore/.ignore/.rgignore, `.git` skipped, symbolic
 * links not followed. Hidden files are included.
 */
export async function* walkFiles(top: string, start: string, signal: AbortSignal, respectIgnore = true): AsyncGenerator<WalkEntry> {
  const startRel = path.relative(top, start).split(path.sep).join('/');
  const stack: Array<{ rel: string; ignore: IgnoreStack }> = [{ rel: startRel, ignore: respectIgnore ? IgnoreStack.forDir(top, startRel) : IgnoreStack.empty() }];
  const slice = new Slicer();
  while (stack.length) {
    if (signal.aborted) return;
    const { rel, ignore } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(path.join(top, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dirs: Array<{ rel: string; ignore: IgnoreStack }> = [];
    for (const e of entries) {
      if (slice.due()) {
        await slice.pause();
        if (signal.aborted) return;
      }
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) continue;
      const isDir = e.isDirectory();
      if (isDir && e.name === '.git') continue;
      if (respectIgnore && (await ignore.ignored(childRel, isDir, slice))) continue;
      if (isDir) dirs.push({ rel: childRel, ignore: respectIgnore ? ignore.enter(top, childRel) : ignore });
      else if (e.isFile()) yield { rel: childRel, abs: path.join(top, childRel), isDir: false };
    }
    stack.push(...dirs.reverse());
  }
}
