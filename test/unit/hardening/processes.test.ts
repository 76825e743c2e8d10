/**
 * Hardening: nothing a Bash call (or a mix/executeCode run) starts outlives
 * it. Each survival trick starts a `sleep` with a unique token in its
 * arguments; right after the call returns, no live process may hold the
 * token, the result must name what was stopped, and a process the test
 * started itself (not through the agent) must be left alone. Every trick runs
 * twice: the command exits on its own, and the call times out.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runProcess } from '../../../src/core/elixir/process';
import { killAll, processesWith, sleepToken } from '../../support/orphans';
import { TRICKS } from './tricks';
import { call, makeWorkspace, type Workspace } from '../tools/helpers';


/**
 * Shell that waits (up to 5 s) until a process holding `token` runs, so a
 * trick that starts its sleep a moment later (the respawning loop) has
 * started it before the command ends. The pattern writes the dot as `[.]`:
 * grep's own command line never matches it.
 */
function untilRunning(token: string): string {
  return `for i in $(seq 100); do grep -qs '${token.replace('.', '[.]')}' /proc/[0-9]*/cmdline && break; sleep 0.05; done`;
}

/** Runs every trick at once through the Bash tool; per trick: the result and what is still alive right after it. */
async function attack(ws: Workspace, token: () => string, suffix: (t: string) => string, timeout?: number) {
  return Promise.all(
    TRICKS.map(async ([name, trick]) => {
      const t = token();
      const command = `${trick(`sleep ${t}`)}\n${suffix(t)}`;
      const result = await call('Bash', { command, ...(timeout ? { timeout } : {}) }, { ...ws.ctx, signal: new AbortController().signal });
      return { name, result, orphans: processesWith(t) };
    }),
  );
}

describe('hardening: processes do not outlive their Bash call', function () {
  if (process.platform !== 'linux') return;
  this.timeout(240_000);
  let ws: Workspace;
  let control: ReturnType<typeof spawn>;
  const controlToken = sleepToken();
  /** Every token a test used: whatever still holds one is killed after it, pass or fail. */
  const used: string[] = [];
  const token = () => {
    const t = sleepToken();
    used.push(t);
    return t;
  };
  afterEach(() => used.splice(0).forEach(killAll));

  before(() => {
    ws = makeWorkspace();
    // A process of the user's, started outside the agent: no sweep may touch it.
    control = spawn('sleep', [controlToken], { stdio: 'ignore' });
  });
  after(() => {
    control.kill('SIGKILL');
    ws.cleanup();
  });

  it('stops every process a finished command left behind, names them, and touches nothing else', async () => {
    // The command ends once its sleep runs: the result must then name it.
    const outcomes = await attack(ws, token, (t) => `${untilRunning(t)}\necho done`);
    assert.deepEqual(
      outcomes.map((o) => ({ name: o.name, orphans: o.orphans.length })),
      TRICKS.map(([name]) => ({ name, orphans: 0 })),
    );
    for (const o of outcomes) {
      assert.match(o.result.text, /^done\n\nThe command left \d+ process(es)? running: .*`[^`]*1000\.\d+`.* (It was|They were) stopped/s, o.name);
      assert.doesNotMatch(o.result.text, /could not be stopped/, o.name);
    }
    assert.deepEqual(processesWith(controlToken), [control.pid]);
  });

  it('stops them all when the call times out, and says which', async () => {
    const outcomes = await attack(ws, token, () => 'sleep 100', 1500);
    assert.deepEqual(
      outcomes.map((o) => ({ name: o.name, orphans: o.orphans.length })),
      TRICKS.map(([name]) => ({ name, orphans: 0 })),
    );
    for (const o of outcomes) {
      assert.match(o.result.text, /Command timed out after 1500 ms and was stopped, with the \d+ process(es)? it had started: .*`[^`]*1000\.\d+`/s, o.name);
      assert.equal(o.result.ok, false);
    }
    assert.deepEqual(processesWith(controlToken), [control.pid]);
  });

  it('contains mix and executeCode runs the same way (one process-tree code)', async () => {
    const tokens = TRICKS.map(() => token());
    const runs = await Promise.all(
      TRICKS.map(([, trick], i) => runProcess('bash', ['-c', `${trick(`sleep ${tokens[i]}`)}\necho compiled`], { cwd: ws.root, timeoutMs: 60_000 })),
    );
    assert.deepEqual(
      runs.map((r, i) => ({ out: r.stdout.trim().split('\n').at(-1), left: r.stop.stopped.some((p) => p.command.includes(tokens[i]!)), orphans: processesWith(tokens[i]!).length })),
      TRICKS.map(() => ({ out: 'compiled', left: true, orphans: 0 })),
    );
    // A timeout stops the run and everything it started, a process ignoring SIGTERM included.
    const t = token();
    const timedOut = await runProcess('bash', ['-c', `sh -c 'trap "" TERM; exec sleep ${t}' &\nsleep 100`], { cwd: ws.root, timeoutMs: 500 });
    assert.deepEqual({ timedOut: timedOut.timedOut, orphans: processesWith(t) }, { timedOut: true, orphans: [] });
  });
});
