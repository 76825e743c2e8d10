/**
 * The worker thread of Grep's JS fallback (jsGrep.ts): the regular
 * expression runs here, never on the extension host's thread. JavaScript's
 * RegExp backtracks (`^(a+)+$` on "aaaa…b" runs for ages) and cannot be
 * interrupted, so the main thread terminates this worker when a file takes
 * too long, the time limit passes or the call is cancelled.
 *
 * Self-contained (only node: imports): esbuild bundles it to
 * dist/grepWorker.js, tsc to out/; jsGrep.ts loads it from next to itself.
 *
 * In: workerData = GrepWorkerSetup, then one GrepWorkerFile message per file.
 * Out: one GrepWorkerReply per file, in order (output lines as `rg` prints them).
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface GrepWorkerSetup {
  source: string;
  flags: string;
  mode: 'content' | 'files_with_matches' | 'count';
  before: number;
  after: number;
  lineNumbers: boolean;
  /** Output lines returned for one file at most. */
  maxLines: number;
}

export interface GrepWorkerFile {
  abs: string;
  data: Uint8Array;
}

export type GrepWorkerReply = { abs: string; lines: string[] } | { abs: string; error: string };

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
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const lineOf = (idx: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= idx) lo = mid;
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

/** The output lines for one file; `state.printedGroup` carries `--` separators across files. */
export function searchText(o: GrepWorkerSetup, re: RegExp, abs: string, text: string, state: { printedGroup: boolean }): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const hits = matchingLines(text, lines, re, re.flags.includes('s'));
  if (hits.length === 0) return [];
  if (o.mode === 'files_with_matches') return [abs];
  if (o.mode === 'count') return [`${abs}:${hits.length}`];
  const hitSet = new Set(hits);
  const show = new Set<number>();
  for (const h of hits) for (let k = Math.max(0, h - o.before); k <= Math.min(lines.length - 1, h + o.after); k++) show.add(k);
  const order = [...show].sort((a, b) => a - b);
  const withContext = o.before > 0 || o.after > 0;
  const out: string[] = [];
  let prev = -2;
  for (const k of order) {
    if (out.length >= o.maxLines) break;
    if (withContext && state.printedGroup && k !== prev + 1) out.push('--');
    const sep = hitSet.has(k) ? ':' : '-';
    out.push(o.lineNumbers ? `${abs}${sep}${k + 1}${sep}${lines[k]}` : `${abs}${sep}${lines[k]}`);
    state.printedGroup = true;
    prev = k;
  }
  return out;
}

if (parentPort) {
  const port = parentPort;
  const setup = workerData as GrepWorkerSetup;
  const re = new RegExp(setup.source, setup.flags);
  const state = { printedGroup: false };
  port.on('message', (file: GrepWorkerFile) => {
    let reply: GrepWorkerReply;
    try {
      reply = { abs: file.abs, lines: searchText(setup, re, file.abs, Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength).toString('utf8'), state) };
    } catch (err) {
      reply = { abs: file.abs, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}
