/**
 * CompileRuns: how getDiagnostics, edits, compile-on-save and the command
 * share one project's compiles: join a run that sees the current files,
 * supersede a stale one, never cancel a run under someone waiting for it, and
 * stop a run nobody waits for any more. Runs here are controllable promises.
 */
import * as assert from 'node:assert/strict';
import { CompileRuns } from '../../../src/core/elixir/compileRuns';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compiledByMix } from '../../../src/core/elixir/mixCompile';
import { sourcesChangedSince } from '../../../src/core/elixir/sourceChanges';

/** A run the test finishes by hand; records whether it was aborted. */
function controllable() {
  const started: Array<{ finish: (value: string) => void; signal: AbortSignal; emit: (chunk: string) => void }> = [];
  const run = (signal: AbortSignal, emit: (chunk: string) => void) =>
    new Promise<{ result: string; cancelled: boolean }>((resolve) => {
      const finish = (value: string) => resolve({ result: value, cancelled: signal.aborted });
      signal.addEventListener('abort', () => resolve({ result: 'aborted', cancelled: true }), { once: true });
      started.push({ finish, signal, emit });
    });
  /** The i-th run started (from 0); fails the test when it has not started. */
  const nth = (i: number) => {
    const r = started[i];
    assert.ok(r, `run ${i} has started (${started.length} did)`);
    return r;
  };
  return { run, started, nth };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('compile runs of a project (run or join)', () => {
  it('nothing compiled yet is not current; a run makes it current; a change makes it stale again', async () => {
    const runs = new CompileRuns<string>();
    const { run, nth } = controllable();
    assert.equal(runs.current, false);
    const waiting = runs.ensure(run, new AbortController().signal);
    await tick();
    nth(0).finish('first');
    assert.deepEqual(await waiting, { result: 'first', joined: false });
    assert.deepEqual([runs.current, runs.lastResult], [true, 'first']);
    runs.changed();
    assert.equal(runs.current, false);
  });

  it('a second waiter joins the run in progress and sees its live output; after a change it waits, then compiles again', async () => {
    const runs = new CompileRuns<string>();
    const { run, started, nth } = controllable();
    const seen: string[] = [];
    const a = runs.ensure(run, new AbortController().signal);
    const b = runs.ensure(run, new AbortController().signal, (chunk) => seen.push(chunk));
    await tick();
    nth(0).emit('Compiling 3 files (.ex)\n');
    nth(0).finish('one');
    assert.deepEqual([await a, await b, started.length, seen], [{ result: 'one', joined: false }, { result: 'one', joined: true }, 1, ['Compiling 3 files (.ex)\n']]);

    const c = runs.ensure(run, new AbortController().signal);
    await tick();
    runs.changed(); // a file is written while c's run is going
    const d = runs.ensure(run, new AbortController().signal);
    await tick();
    assert.equal(nth(1).signal.aborted, false, 'the run c waits for is not cancelled under it');
    nth(1).finish('stale');
    assert.deepEqual(await c, { result: 'stale', joined: false });
    await tick();
    nth(2).finish('fresh');
    assert.deepEqual(await d, { result: 'fresh', joined: false });
    assert.equal(runs.current, true);
  });

  it('Stop: a run for waiters stops when the last one stops waiting; a run started for its own sake does not', async () => {
    const runs = new CompileRuns<string>();
    const { run, nth } = controllable();
    const first = new AbortController();
    const second = new AbortController();
    const a = runs.ensure(run, first.signal);
    const b = runs.ensure(run, second.signal);
    await tick();
    first.abort();
    assert.deepEqual(await a, { result: undefined, joined: false });
    assert.equal(nth(0).signal.aborted, false, 'another waiter is still there');
    second.abort();
    assert.deepEqual(await b, { result: undefined, joined: true });
    assert.equal(nth(0).signal.aborted, true);
    await runs.idle();
    assert.equal(runs.current, false, 'a cancelled run does not count');

    const own = runs.start(run);
    const stop = new AbortController();
    const joiner = runs.ensure(run, stop.signal);
    await tick();
    stop.abort();
    await joiner;
    assert.equal(nth(1).signal.aborted, false);
    // A newer start supersedes it (compile on save, the command).
    const newer = runs.start(run);
    assert.equal(await own, undefined);
    await tick();
    nth(2).finish('newer');
    assert.equal(await newer, 'newer');
  });

  it('a failing run rejects its waiters and leaves nothing running', async () => {
    const runs = new CompileRuns<string>();
    await assert.rejects(
      runs.ensure(async () => {
        throw new Error("'mix' was not found");
      }, new AbortController().signal),
      /'mix' was not found/,
    );
    assert.deepEqual([runs.busy, runs.current], [false, false]);
  });

  it('what makes a compile stale: files mix compiles (mix.exs, lib/, src/, config/ of the project or its apps), not tests or scratch files', () => {
    const umbrella = { root: '/u', apps: [{ name: 'web', root: '/u/apps/web', deps: [] }] };
    const yes = ['/u/mix.exs', '/u/config/dev.exs', '/u/apps/web/lib/web/live/page_live.ex', '/u/apps/web/lib/web/page.html.heex', '/u/apps/web/src/parser.yrl', '/u/apps/web/mix.exs'];
    const no = ['/u/apps/web/test/web_test.exs', '/u/scratch/a.ex', '/u/apps/web/lib/README.md', '/elsewhere/lib/a.ex', '/u/lib', '/u/deps/jason/lib/jason.ex'];
    assert.deepEqual(
      [...yes, ...no].map((f) => compiledByMix(f, umbrella)),
      [...yes.map(() => true), ...no.map(() => false)],
    );
  });

  it('changed on disk since a compile started (a terminal, git): a source or config file, an added or removed file; not tests', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-stale-'));
    try {
      const files = ['mix.exs', 'lib/app.ex', 'lib/app/deep/worker.ex', 'config/config.exs', 'test/app_test.exs', 'apps/web/lib/web.ex', 'apps/web/mix.exs'];
      for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), '# source\n');
      }
      const project = { root, apps: [{ name: 'web', root: path.join(root, 'apps/web'), deps: [] }] };
      const past = new Date(Date.now() - 60_000);
      const age = (p: string): void => {
        fs.utimesSync(p, past, past);
        if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) age(path.join(p, e));
      };
      const since = Date.now() - 30_000;
      const check = async (what: string, change: () => void, expected: boolean) => {
        age(root);
        assert.equal(await sourcesChangedSince(project, since), false, `before: ${what}`);
        change();
        assert.equal(await sourcesChangedSince(project, since), expected, what);
      };
      const touch = (f: string) => () => fs.utimesSync(path.join(root, f), new Date(), new Date());
      await check('a deep source file', touch('lib/app/deep/worker.ex'), true);
      await check('config', touch('config/config.exs'), true);
      await check('an umbrella app', touch('apps/web/lib/web.ex'), true);
      await check('a test', touch('test/app_test.exs'), false);
      await check('a file removed', () => fs.rmSync(path.join(root, 'lib/app/deep/worker.ex')), true);
      await check('a file added', () => fs.writeFileSync(path.join(root, 'lib/new.ex'), ''), true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
