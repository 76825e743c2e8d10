/**
 * Glob patterns and .gitignore rules, for Glob's exact matching, LS's ignore
 * list and the JS search used when no ripgrep binary exists.
 *   `*` any characters but `/`, `?` one of them, `**` any number of folders,
 *   `[abc]` / `[!abc]` classes, `{a,b}` alternatives, `\x` a literal x.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolError } from './types';

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The regular-expression source (unanchored) of a glob. */
export function globSource(glob: string): string {
  let re = '';
  let depth = 0;
  const n = glob.length;
  let i = 0;
  while (i < n) {
    const c = glob[i];
    if (c === '*') {
      let j = i;
      while (glob[j] === '*') j++;
      const stars = j - i;
      const atSegStart = i === 0 || glob[i - 1] === '/';
      const atSegEnd = j === n || glob[j] === '/';
      if (stars >= 2 && atSegStart && atSegEnd) {
        if (j === n) {
          re += '.*';
          i = j;
        } else {
          re += '(?:[^/]*/)*';
          i = j + 1;
        }
      } else {
        re += '[^/]*';
        i = j;
      }
      continue;
    }
    if (c === '?') {
      re += '[^/]';
      i++;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!' || glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      while (j < n && glob[j] !== ']') j++;
      if (j >= n) {
        re += '\\[';
        i++;
        continue;
      }
      let body = glob.slice(i + 1, j);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      body = body.replace(/\\/g, '\\\\').replace(/\[/g, '\\[').replace(/\]/g, '\\]');
      re += negate ? `[^/${body}]` : `[${body}]`;
      i = j + 1;
      continue;
    }
    if (c === '{') {
      depth++;
      re += '(?:';
      i++;
      continue;
    }
    if (c === '}' && depth > 0) {
      depth--;
      re += ')';
      i++;
      continue;
    }
    if (c === ',' && depth > 0) {
      re += '|';
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < n) {
      re += escapeRe(glob[i + 1]);
      i += 2;
      continue;
    }
    re += escapeRe(c);
    i++;
  }
  if (depth > 0) throw new ToolError(`Invalid glob "${glob}": a "{" is not closed.`);
  return re;
}

/** A glob matched against a whole `/`-separated relative path. */
export function globToRegExp(glob: string, nocase = false): RegExp {
  return new RegExp(`^${globSource(glob.replace(/^\.\//, ''))}$`, nocase ? 'i' : '');
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

interface Rule {
  re: RegExp;
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
    for (let line of content.split('\n')) {
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
      try {
        const src = globSource(line);
        this.rules.push({ re: new RegExp(anchored ? `^${src}$` : `^(?:.*/)?${src}$`), negate, dirOnly });
      } catch {
        // git ignores malformed lines too
      }
    }
  }

  /** true: ignored, false: re-included by a `!` rule, undefined: no opinion. */
  match(relToBase: string, isDir: boolean): boolean | undefined {
    let verdict: boolean | undefined;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(relToBase)) verdict = !r.negate;
    }
    return verdict;
  }
}

const IGNORE_FILES = ['.gitignore', '.ignore', '.rgignore'];

function readIgnoreFiles(absDir: string, base: string): IgnoreFile[] {
  const out: IgnoreFile[] = [];
  const names = [...IGNORE_FILES];
  if (fs.existsSync(path.join(absDir, '.git'))) names.unshift(path.join('.git', 'info', 'exclude'));
  for (const name of names) {
    try {
      out.push(new IgnoreFile(base, fs.readFileSync(path.join(absDir, name), 'utf8')));
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

  ignored(rel: string, isDir: boolean): boolean {
    let verdict = false;
    for (const f of this.files) {
      if (f.base && !(rel === f.base || rel.startsWith(`${f.base}/`))) continue;
      const sub = f.base ? rel.slice(f.base.length + 1) : rel;
      if (!sub) continue;
      const v = f.match(sub, isDir);
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
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) continue;
      const isDir = e.isDirectory();
      if (isDir && e.name === '.git') continue;
      if (respectIgnore && ignore.ignored(childRel, isDir)) continue;
      if (isDir) dirs.push({ rel: childRel, ignore: respectIgnore ? ignore.enter(top, childRel) : ignore });
      else if (e.isFile()) yield { rel: childRel, abs: path.join(top, childRel), isDir: false };
    }
    stack.push(...dirs.reverse());
  }
}
