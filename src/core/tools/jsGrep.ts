/**
 * The search Grep falls back to when no ripgrep binary exists: the same
 * output lines as `rg` (path:line:text, path-line-context, `--` between
 * groups, path:count, path), the same ignore rules (walkFiles).
 *
 * Why keep it next to ripgrep: rg is not always there (the CLI only finds
 * one on PATH; in the editor neither VS Code's bundled rg nor one on PATH
 * may be found), and Grep must still answer, with the same lines, so the
 * model sees one format whichever ran.
 *
 * The regular expression is JavaScript's, which backtracks: it runs in a
 * worker thread (grepWorker.ts), never on this one, and the worker is
 * terminated when one file takes longer than GREP_FILE_TIME_LIMIT_MS, when
 * the search's time limit passes, or when the call is cancelled. This
 * thread only walks, reads and hands files over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { globMatcher, walkFiles } from './globs';
import type { GrepWorkerFile, GrepWorkerReply, GrepWorkerSetup } from './grepWorker';
import { readFileBelow } from './safeFs';
import { looksBinary } from './read';
import { Slicer } from './searchLimits';
import { ToolError } from './types';

/** One file may keep the regular expression busy this long at most (less when the search's own limit is shorter). */
export const GREP_FILE_TIME_LIMIT_MS = 10_000;
/** Files handed to the worker ahead of its answers, and their bytes. */
const WINDOW_FILES = 32;
const WINDOW_BYTES = 32 * 1024 * 1024;

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
    for (const f of inline[1] ?? '') if ('ims'.includes(f) && !flags.includes(f)) flags += f;
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
  /** Its real location: files are read by the safe walk from there (safeFs.ts). */
  realTop: string;
  re: RegExp;
  mode: GrepMode;
  before: number;
  after: number;
  lineNumbers: boolean;
  globs: string[];
  type?: string;
  /** Cancellation and the time limit (searchBudget). */
  signal: AbortSignal;
  /** The search's time limit in ms: one file gets at most half of it. */
  timeLimitMs: number;
  /** Output lines wanted at most (more are not computed). */
  maxLines: number;
  /** Return false to stop. */
  onLine(line: string): boolean | void;
}

/** Grep `glob` entries taken at most by the JS search (ripgrep takes any number). */
const MAX_GLOBS = 1000;

/** Whether a file passes `glob` and `type`. Each test is bounded (globMatch.ts); slices keep many of them, and compiling many globs, short. */
async function globFilter(globs: string[], type: string | undefined, slice: Slicer): Promise<(rel: string) => Promise<boolean>> {
  if (globs.length > MAX_GLOBS) throw new ToolError(`glob has ${globs.length} patterns; at most ${MAX_GLOBS}. Combine them with {a,b}.`);
  const compile = async (list: string[]) => {
    const out: Array<(rel: string) => boolean> = [];
    for (const g of list) {
      if (slice.due()) await slice.pause();
      const re = globMatcher(g);
      out.push(g.includes('/') ? (rel) => re.test(rel) : (rel) => re.test(path.posix.basename(rel)));
    }
    return out;
  };
  const include = await compile(globs.filter((g) => !g.startsWith('!')));
  const exclude = await compile(globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
  let typed: Array<(rel: string) => boolean> | undefined;
  if (type) {
    const pats = FILE_TYPES[type];
    if (!pats) throw new ToolError(`Unknown file type "${type}". Known types: ${Object.keys(FILE_TYPES).join(', ')}. Use glob instead (e.g. "*.ex").`);
    typed = await compile(pats);
  }
  const any = async (tests: Array<(rel: string) => boolean>, rel: string) => {
    for (const t of tests) {
      if (slice.due()) await slice.pause();
      if (t(rel)) return true;
    }
    return false;
  };
  return async (rel) => (include.length === 0 || (await any(include, rel))) && !(await any(exclude, rel)) && (!typed || (await any(typed, rel)));
}

/** The worker, next to this file in dist/ (esbuild) and out/ (tsc). */
function workerFile(): string {
  const file = path.join(__dirname, 'grepWorker.js');
  if (!fs.existsSync(file)) throw new ToolError(`Grep's search worker is missing (${file}); reinstall the extension, or install ripgrep.`);
  return file;
}

/** One worker; files in, output lines out, in order; a watchdog on the file it is working on. */
class RegexWorker {
  private readonly worker: Worker;
  private readonly queue: Array<{ abs: string; bytes: number; resolve: (lines: string[]) => void; reject: (err: Error) => void }> = [];
  private watchdog?: NodeJS.Timeout;
  private failure?: Error;
  bytes = 0;

  constructor(
    setup: GrepWorkerSetup,
    private readonly fileLimitMs: number,
  ) {
    this.worker = new Worker(workerFile(), { workerData: setup });
    this.worker.on('message', (reply: GrepWorkerReply) => {
      const head = this.queue.shift();
      if (!head) return;
      this.bytes -= head.bytes;
      this.arm();
      if ('error' in reply) head.reject(new ToolError(`Grep failed on ${reply.abs}: ${reply.error}`));
      else head.resolve(reply.lines);
    });
    this.worker.on('error', (err) => this.fail(new ToolError(`Grep's search worker failed: ${err.message}`)));
    this.worker.on('exit', () => this.fail(this.failure ?? new ToolError("Grep's search worker stopped.")));
  }

  /** Restart the watchdog for the file now at the head of the queue. */
  private arm(): void {
    clearTimeout(this.watchdog);
    const head = this.queue[0];
    if (!head) return;
    this.watchdog = setTimeout(() => {
      const s = Math.round(this.fileLimitMs / 100) / 10;
      this.fail(
        new ToolError(
          `The regular expression ran for more than ${s} s on ${head.abs} without finishing, so the search was stopped. Without ripgrep, Grep uses JavaScript's regular expressions, where nested quantifiers such as (a+)+ or (a|a)* can take exponential time: simplify the pattern, or install ripgrep.`,
        ),
      );
    }, this.fileLimitMs);
  }

  search(abs: string, data: Buffer): Promise<string[]> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.queue.push({ abs, bytes: data.length, resolve, reject });
      this.bytes += data.length;
      if (this.queue.length === 1) this.arm();
      this.worker.postMessage({ abs, data } satisfies GrepWorkerFile);
    });
  }

  /** Stop the worker (whatever it is running) and fail what is still queued. */
  fail(err: Error): void {
    this.failure ??= err;
    clearTimeout(this.watchdog);
    void this.worker.terminate();
    for (const q of this.queue.splice(0)) q.reject(this.failure);
  }
}

export async function jsGrep(o: JsGrepOptions): Promise<void> {
  const slice = new Slicer();
  const keep = await globFilter(o.globs, o.type, slice);
  const worker = new RegexWorker(
    { source: o.re.source, flags: o.re.flags, mode: o.mode, before: o.before, after: o.after, lineNumbers: o.lineNumbers, maxLines: o.maxLines },
    Math.min(GREP_FILE_TIME_LIMIT_MS, Math.max(1, Math.floor(o.timeLimitMs / 2))),
  );
  const stop = () => worker.fail(new ToolError('The search was stopped.'));
  o.signal.addEventListener('abort', stop, { once: true });
  const inFlight: Array<Promise<string[]>> = [];
  let stopped = false;
  /** Hand the oldest answer to onLine. */
  const drainOne = async () => {
    const lines = await inFlight.shift()!;
    for (const line of lines) {
      if (o.onLine(line) === false) {
        stopped = true;
        return;
      }
    }
  };
  const searchOne = async (abs: string) => {
    let data: Buffer;
    try {
      // Missing, changed, non-regular and hard-linked files are skipped.
      const read = await readFileBelow({ root: o.realTop, rel: path.relative(o.top, abs).split(path.sep).join('/') }, 16 * 1024 * 1024);
      if (!read) return true;
      data = read.data;
    } catch {
      return;
    }
    if (looksBinary(data.subarray(0, 8192))) return;
    const answer = worker.search(abs, data);
    answer.catch(() => undefined);
    inFlight.push(answer);
    while (!stopped && inFlight.length && (inFlight.length >= WINDOW_FILES || worker.bytes > WINDOW_BYTES)) await drainOne();
  };
  try {
    if (o.rootIsFile) await searchOne(o.rootPath);
    else {
      const startRel = path.relative(o.top, o.rootPath).split(path.sep).join('/');
      for await (const f of walkFiles(o.top, o.rootPath, o.signal)) {
        if (slice.due()) await slice.pause();
        if (stopped || o.signal.aborted) break;
        if (await keep(startRel ? f.rel.slice(startRel.length + 1) : f.rel)) await searchOne(f.abs);
      }
    }
    while (!stopped && !o.signal.aborted && inFlight.length) await drainOne();
  } catch (err) {
    // Cancelled or out of time: the caller tells which, with what was found.
    if (!o.signal.aborted) throw err;
  } finally {
    o.signal.removeEventListener('abort', stop);
    worker.fail(new ToolError('The search is over.'));
  }
}
