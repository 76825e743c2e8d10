/**
 * Every search is bounded in time and cancellable (issue 13, item 5): a
 * backtracking regex in Grep's JS fallback keeps running in its worker while
 * the event loop turns, and cancelling ends it; Glob and Grep stop a
 * ripgrep that never finishes (a stand-in `rg` that prints one line and
 * sleeps, as rg does in a huge or slow tree) at their time limit with what
 * they found, or at once when cancelled, and the process is gone; LS and the
 * JS walk stop when cancelled.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { headlessToolContext } from '../../../src/core/tools/headless';
import type { ToolContext } from '../../../src/core/tools/types';
import { call, makeWorkspace, type Workspace } from '../tools/helpers';
import { alive, stalledRipgrep, until } from './searchHelpers';

function contextWith(ws: Workspace, signal: AbortSignal, ripgrepPath: string | null, searchTimeoutMs?: number): ToolContext {
  return headlessToolContext({ cwd: ws.root, signal, ripgrepPath, services: searchTimeoutMs ? { searchTimeoutMs } : {} });
}

describe('hardening: searches are bounded and cancellable', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
    ws.file('lib/app.ex', 'defmodule App do\nend\n');
  });
  afterEach(() => ws.cleanup());

  it("Grep's JS fallback: the event loop turns while ^(a+)+$ backtracks in the worker, and cancelling stops it", async () => {
    ws.file('evil.txt', `${'a'.repeat(60)}b\n`);
    const ac = new AbortController();
    const ctx = contextWith(ws, ac.signal, null);
    let ticks = 0;
    const t0 = performance.now();
    // Half a second of a loop that keeps turning (the worker is well into the regex by then), then Stop.
    const probe = setInterval(() => {
      ticks++;
      if (performance.now() - t0 > 500 && ticks >= 10) ac.abort();
    }, 5);
    try {
      const r = await call('Grep', { pattern: '^(a+)+$' }, ctx);
      // Not the 10 s per-file limit: the cancellation ended it.
      assert.deepEqual(r, { ok: false, text: 'Grep was cancelled.' });
      assert.ok(ticks >= 10);
    } finally {
      clearInterval(probe);
    }
  });

  it('Glob stops a ripgrep that never finishes at its time limit, with what it found, and kills it', async () => {
    const { rg, pidFile } = stalledRipgrep(ws.outside, 'lib/app.ex');
    const r = await call('Glob', { pattern: '**/*.ex' }, contextWith(ws, new AbortController().signal, rg, 3000));
    assert.deepEqual(r, {
      ok: true,
      text: `${ws.path('lib/app.ex')}\n\n(The search stopped after 3 s, before it had seen every file: these are the most recently modified of the 1 matching file found by then. Use a more specific pattern or path.)`,
    });
    assert.equal(alive(Number(fs.readFileSync(pidFile, 'utf8'))), false);
  });

  it('Grep stops a ripgrep that never finishes at its time limit, with what it found, and kills it', async () => {
    const { rg, pidFile } = stalledRipgrep(ws.outside, ws.path('lib/app.ex'));
    const r = await call('Grep', { pattern: 'defmodule' }, contextWith(ws, new AbortController().signal, rg, 3000));
    assert.deepEqual(r, {
      ok: true,
      text: `Found 1+ files\n${ws.path('lib/app.ex')}\n\n(The search stopped after 3 s: these are the results found by then. Narrow the search with path, glob or type.)`,
    });
    assert.equal(alive(Number(fs.readFileSync(pidFile, 'utf8'))), false);
  });

  it('cancelling Glob or Grep mid-search kills ripgrep at once and says so', async () => {
    for (const [tool, input] of [
      ['Glob', { pattern: '**/*.ex' }],
      ['Grep', { pattern: 'defmodule' }],
    ] as const) {
      const { rg, pidFile } = stalledRipgrep(ws.outside, 'lib/app.ex');
      fs.rmSync(pidFile, { force: true });
      const ac = new AbortController();
      const pending = call(tool, input, contextWith(ws, ac.signal, rg));
      await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'));
      ac.abort();
      assert.deepEqual(await pending, { ok: false, text: `${tool} was cancelled.` });
      assert.equal(alive(Number(fs.readFileSync(pidFile, 'utf8'))), false, tool);
    }
  });

  it('LS and the JS walk of Glob stop when cancelled', async () => {
    for (let d = 0; d < 30; d++) ws.file(`lib/d${d}/f.ex`, '');
    for (const [tool, input] of [
      ['LS', { path: ws.root }],
      ['Glob', { pattern: '**/*.ex' }],
    ] as const) {
      const ac = new AbortController();
      const pending = call(tool, input, contextWith(ws, ac.signal, null));
      // The walk waits on the file system at least once per folder: Stop lands in the middle.
      setImmediate(() => ac.abort());
      assert.deepEqual(await pending, { ok: false, text: `${tool} was cancelled.` });
    }
  });
});
