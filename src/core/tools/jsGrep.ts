/**
 * The search Grep falls back to when no ripgrep binary exists: the same
 * output lines as `rg` (path:line:text, path-line-context, `--` between
 * groups, path:count, path), the same ignore rules (walkFiles).
 */
import * as path from 'node:path';
import { globToRegExp, walkFiles } from './globs';
import { readRegularFile } from './nodeFiles';
import { looksBinary } from './read';
import { ToolError } from './types';

export type GrepMode = 'content' | 'files_with_matches' | 'count';

/** A few of ripgrep's file types (`rg --type-list`), enough for a fallback. */
export const FILE_TYPES: Record<string, string[]> = {
  elixir: ['*.ex', '*.exs', '*.eex', '*.heex', '*.leex', '*.sface'],
  erlang: ['*.erl', '*.hrl', '*.xrl', '*.yrl', '*.escript', '*.app.src', 'rebar.config'],
  js: ['*.js', '*.jsx', '*.mjs', '*.cjs', '*.vue'],
  ts: ['*.ts', '*.tsx', '*.cts', '*.mts'],
  json: ['*.json', '*.jsonl'],
  md: ['*.md', '*.markdown', '*.mdx'],
  markdown: ['*.md', '*.markdown', '*.mdx'],
  css: ['*.css', '*.scss', '*.sass', '*.less'],
  html: ['*.html', '*.htm', '*.xhtml'],
  py: ['*.py', '*.pyi'],
  rust: ['*.rs'],
  go: ['*.go'],
  ruby: ['*.rb', '*.rake', 'Gemfile', 'Rakefile'],
  java: ['*.java'],
  c: ['*.c', '*.h'],
  cpp: ['*.cpp', '*.cc', '*.cxx', '*.hpp', '*.hh', '*.h'],
  sh: ['*.sh', '*.bash', '*.zsh'],
  yaml: ['*.yml', '*.yaml'],
  toml: ['*.toml'],
  sql: ['*.sql'],
  txt: ['*.txt'],
  xml: ['*.xml', '*.xsd', '*.svg'],
  docker: ['Dockerfile', '*.dockerfile'],
  make: ['Makefile', '*.mk', 'GNUmakefile'],
};

/** ripgrep (Rust) regex → JavaScript RegExp for the common cases. */
export function toJsRegExp(pattern: string, { ignoreCase, multiline }: { ignoreCase: boolean; multiline: boolean }): RegExp {
  let src = pattern;
  let flags = multiline ? 'gms' : 'g';
  if (ignoreCase) flags += 'i';
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  src = src.replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    return new RegExp(src, `${flags}u`);
  } catch {
    try {
      return new RegExp(src, flags);
    } catch (err) {
      throw new ToolError(`Invalid regular expression ${JSON.stringify(pattern)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

export interface JsGrepOptions {
  rootPath: string;
  rootIsFile: boolean;
  /** The workspace folder that holds rootPath (ignore files are read from there down). */
  top: string;
  re: RegExp;
  mode: GrepMode;
  before: number;
  after: number;
  lineNumbers: boolean;
  globs: string[];
  type?: string;
  signal: AbortSignal;
  /** Return false to stop. */
  onLine(line: string): boolean | void;
}

function globFilter(globs: string[], type: string | undefined): (rel: string) => boolean {
  const compile = (g: string) => {
    const re = globToRegExp(g);
    return g.includes('/') ? (rel: string) => re.test(rel) : (rel: string) => re.test(path.posix.basename(rel));
  };
  const include = globs.filter((g) => !g.startsWith('!')).map(compile);
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => compile(g.slice(1)));
  let typed: ((rel: string) => boolean)[] | undefined;
  if (type) {
    const pats = FILE_TYPES[type];
    if (!pats) throw new ToolError(`Unknown file type "${type}". Known types: ${Object.keys(FILE_TYPES).join(', ')}. Use glob instead (e.g. "*.ex").`);
    typed = pats.map(compile);
  }
  return (rel) => (include.length === 0 || include.some((f) => f(rel))) && !exclude.some((f) => f(rel)) && (!typed || typed.some((f) => f(rel)));
}

/** Lines of `text` that hold a match (0-based), multiline matches covering every line they span. */
function matchingLines(text: string, lines: string[], re: RegExp, multiline: boolean): number[] {
  if (!multiline) {
    const single = new RegExp(re.source, re.flags.replace('g', ''));
    const hits: number[] = [];
    lines.forEach((l, i) => {
      if (single.test(l)) hits.push(i);
    });
    return hits;
  }
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const lineOf = (idx: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= idx) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const set = new Set<number>();
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const a = lineOf(m.index);
    const b = lineOf(Math.max(m.index, m.index + m[0].length - 1));
    for (let k = a; k <= b && k < lines.length; k++) set.add(k);
    if (m[0].length === 0) re.lastIndex++;
  }
  return [...set].sort((x, y) => x - y);
}

export async function jsGrep(o: JsGrepOptions): Promise<void> {
  const keep = globFilter(o.globs, o.type);
  const multiline = o.re.flags.includes('s');
  let printedGroup = false;

  const searchOne = async (abs: string): Promise<boolean> => {
    let data: Buffer;
    try {
      data = (await readRegularFile(abs, 16 * 1024 * 1024)).data;
    } catch {
      return true;
    }
    if (looksBinary(data.subarray(0, 8192))) return true;
    const text = data.toString('utf8');
    const lines = text.split(/\r?\n/);
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const hits = matchingLines(text, lines, o.re, multiline);
    if (hits.length === 0) return true;
    if (o.mode === 'files_with_matches') return o.onLine(abs) !== false;
    if (o.mode === 'count') return o.onLine(`${abs}:${hits.length}`) !== false;
    const hitSet = new Set(hits);
    const show = new Set<number>();
    for (const h of hits) for (let k = Math.max(0, h - o.before); k <= Math.min(lines.length - 1, h + o.after); k++) show.add(k);
    const order = [...show].sort((a, b) => a - b);
    const withContext = o.before > 0 || o.after > 0;
    let prev = -2;
    for (const k of order) {
      if (withContext && printedGroup && k !== prev + 1 && o.onLine('--') === false) return false;
      const sep = hitSet.has(k) ? ':' : '-';
      const line = o.lineNumbers ? `${abs}${sep}${k + 1}${sep}${lines[k]}` : `${abs}${sep}${lines[k]}`;
      if (o.onLine(line) === false) return false;
      printedGroup = true;
      prev = k;
    }
    return true;
  };

  if (o.rootIsFile) {
    await searchOne(o.rootPath);
    return;
  }
  const startRel = path.relative(o.top, o.rootPath).split(path.sep).join('/');
  for await (const f of walkFiles(o.top, o.rootPath, o.signal)) {
    const rel = startRel ? f.rel.slice(startRel.length + 1) : f.rel;
    if (!keep(rel)) continue;
    if (!(await searchOne(f.abs))) return;
  }
}
