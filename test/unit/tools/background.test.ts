/**
 * Background shells: Bash run_in_background, TaskOutput and TaskStop against a
 * real BackgroundTasks registry (what a conversation owns).
 */
import * as assert from 'node:assert/strict';
import { BackgroundTasks, MAX_RUNNING, type BackgroundTaskInfo } from '../../../src/core/tools/backgroundTasks';
import { eventually, killAll, processesWith, sleepToken } from '../../support/orphans';
import { call, makeWorkspace, type Workspace } from './helpers';

describe('background shells (run_in_background, TaskOutput, TaskStop)', function () {
  if (process.platform !== 'linux') return;
  this.timeout(60_000);
  let ws: Workspace;
  let bg: BackgroundTasks;
  const tokens: string[] = [];
  const token = () => {
    const t = sleepToken();
    tokens.push(t);
    return t;
  };
  beforeEach(() => {
    ws = makeWorkspace();
    bg = new BackgroundTasks();
    ws.ctx.services.background = bg;
  });
  afterEach(async () => {
    await bg.dispose();
    tokens.splice(0).forEach(killAll);
    ws.cleanup();
  });

  it('starts a command in the background, reads its new output each time, and reports its exit', async () => {
    const changes: string[][] = [];
    bg.onChange((list) => changes.push(list.map((t) => `${t.id}:${t.status}`)));
    const started = await call('Bash', { command: 'echo one; echo two; exit 3', run_in_background: true, description: 'Print two lines' }, ws.ctx);
    assert.match(started.text, /^Command running in the background with ID: shell_1 \(pid \d+\)\.\nRead its output with TaskOutput \(task_id "shell_1"/);
    assert.equal(started.ok, true);
    const done = await call('TaskOutput', { task_id: 'shell_1', block: true, timeout: 30_000 }, ws.ctx);
    assert.match(done.text, /^Task shell_1 \(`echo one; echo two; exit 3`\): exited with code 3 after [\d.]+ s\.\nOutput since the last read:\none\ntwo$/);
    const again = await call('TaskOutput', { task_id: 'shell_1', block: false }, ws.ctx);
    assert.match(again.text, /exited with code 3 .*\nNo new output since the last read\.$/s);
    assert.deepEqual(changes, [['shell_1:running'], ['shell_1:exited']]);
  });

  it('waits at most the timeout, and stops what a finished task left running', async () => {
    const t = token();
    await call('Bash', { command: `sleep ${t}`, run_in_background: true }, ws.ctx);
    const waited = await call('TaskOutput', { task_id: 'shell_1', timeout: 200 }, ws.ctx);
    assert.match(waited.text, /^Task shell_1 \(`sleep 1000\.\d+`\): running for [\d.]+ s \(pid \d+\)\.\nStill running after waiting 0\.2 s\.\nNo new output since the last read\.$/);
    assert.ok(await eventually(() => processesWith(t).length === 1), 'the sleep runs');

    const left = token();
    await call('Bash', { command: `setsid sleep ${left} >/dev/null 2>&1 & echo spawned`, run_in_background: true }, ws.ctx);
    const ended = await call('TaskOutput', { task_id: 'shell_2' }, ws.ctx);
    assert.match(ended.text, /exited with code 0 after [\d.]+ s\.\nIt had left running, and these were stopped: 1 process, `sleep 1000\.\d+` \(pid \d+\)\.\nOutput since the last read:\nspawned$/);
    assert.deepEqual(processesWith(left), []);
  });

  it('TaskStop stops a task with everything it started; stopping again, or an unknown id, is an error that lists the tasks', async () => {
    const t = token();
    await call('Bash', { command: `sleep ${t} & sleep ${t} & wait`, run_in_background: true }, ws.ctx);
    assert.ok(await eventually(() => processesWith(t).length === 3), 'the shell and its two sleeps run');
    const stopped = await call('TaskStop', { task_id: 'shell_1' }, ws.ctx);
    assert.match(stopped.text, /^Task shell_1 \(`sleep 1000\.\d+ & sleep 1000\.\d+ & wait`\): stopped \(by TaskStop\) after [\d.]+ s\.\nStopped with it: 2 processes, `sleep 1000\.\d+` \(pid \d+\) and `sleep 1000\.\d+` \(pid \d+\)\.$/);
    assert.deepEqual(processesWith(t), []);
    assert.deepEqual(
      await Promise.all([
        call('TaskStop', { task_id: 'shell_1' }, ws.ctx).then((r) => ({ ok: r.ok, text: r.text.replace(/[\d.]+ s/, 'N s') })),
        call('TaskStop', { shell_id: 'shell_9' }, ws.ctx).then((r) => ({ ok: r.ok, text: r.text.split('\n')[0] })),
        call('TaskOutput', { task_id: ' ' }, ws.ctx),
      ]),
      [
        { ok: false, text: `Task shell_1 (\`sleep ${t} & sleep ${t} & wait\`): stopped (by TaskStop) after N s; there is nothing to stop.` },
        { ok: false, text: 'No background task "shell_9". This conversation\'s background tasks:' },
        { ok: false, text: 'Parameter task_id is required: the id Bash returned when it started the background task.' },
      ],
    );
  });

  it('ends every task when the conversation ends, and refuses new ones; limits how many run at once', async () => {
    const t = token();
    for (let i = 0; i < MAX_RUNNING; i++) await call('Bash', { command: `sleep ${t}`, run_in_background: true }, ws.ctx);
    const over = await call('Bash', { command: `sleep ${t}`, run_in_background: true }, ws.ctx);
    assert.deepEqual(over, { ok: false, text: `Could not start the command in the background: ${MAX_RUNNING} background shells are already running; stop one first (TaskStop).` });
    // A shell is started before its `sleep` is: wait for them all (ps is a snapshot).
    assert.ok(await eventually(() => processesWith(t).length === MAX_RUNNING), `${MAX_RUNNING} sleeps run (saw ${processesWith(t).length})`);
    const ended: BackgroundTaskInfo[] = await bg.dispose();
    assert.deepEqual(
      ended.map((x) => `${x.id}:${x.status}:${x.stoppedBy}`),
      Array.from({ length: MAX_RUNNING }, (_, i) => `shell_${i + 1}:stopped:conversation ended`),
    );
    assert.deepEqual(processesWith(t), []);
    assert.deepEqual(await call('Bash', { command: 'true', run_in_background: true }, ws.ctx), {
      ok: false,
      text: 'Could not start the command in the background: the conversation has ended',
    });
  });

  it('says so where there are no background shells (no conversation to own them)', async () => {
    delete ws.ctx.services.background;
    assert.deepEqual(
      await Promise.all([call('Bash', { command: 'true', run_in_background: true }, ws.ctx), call('TaskOutput', { task_id: 'shell_1' }, ws.ctx)]),
      [
        { ok: false, text: 'Background commands are not available here: run the command without run_in_background (it then runs until it exits or times out).' },
        { ok: false, text: 'Background shells are not available here, so there is no task to read or stop.' },
      ],
    );
  });
});
