/**
 * Hardening, end to end: the built CLI (`dist/cli.js run`) against the
 * scripted model server. While a Bash call runs every survival trick at once,
 * the CLI gets SIGTERM or SIGKILL; afterwards no process holding the test's
 * token may be alive (SIGKILL leaves it to the watchdog). Background shells
 * (run_in_background, TaskOutput, TaskStop) are listed, read, stopped, and end
 * with the CLI, however it ends.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually, killAll, orphansAfter, processesWith, sleepToken } from '../../support/orphans';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { TRICKS } from './tricks';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const KEY = 'sk-ant-cli-procs-0a1b2c3d4e';

function ensureBuilt(): void {
  const sources = ['src/cli/run.ts', 'src/core/tools/bash.ts', 'src/core/tools/backgroundTasks.ts', 'src/core/process/contain.ts', 'src/core/process/stop.ts', 'src/core/process/reaper.ts'];
  const newest = Math.max(...sources.map((f) => statSync(path.join(root, f)).mtimeMs));
  const built = [cli, path.join(root, 'dist/reaper.js')];
  if (built.every((f) => existsSync(f) && statSync(f).mtimeMs >= newest)) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  assert.equal(r.status, 0, 'npm run build failed');
}

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('hardening: the CLI leaves no process behind', function () {
  if (process.platform !== 'linux') return;
  this.timeout(180_000);
  let server: ScriptedModelServer;
  let project: string;
  const tokens: string[] = [];
  const token = () => {
    const t = sleepToken();
    tokens.push(t);
    return t;
  };

  const start = (prompt: string): Run => {
    const child = spawn(process.execPath, [cli, 'run', '--no-user', '--allow-tools', 'Bash', '--cwd', project, prompt], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    return { child, stderr: () => stderr, exited };
  };

  /** Every trick, each with `sleep <tok>`, then a long foreground sleep: the Bash call is still running. */
  const allTricks = (tok: string) => `${TRICKS.map(([, trick]) => trick(`sleep ${tok}`)).join('\n')}\necho started\nsleep ${tok}`;

  before(ensureBuilt);
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-procs-'));
  });
  afterEach(async () => {
    tokens.splice(0).forEach(killAll);
    await server.close();
    await fs.rm(project, { recursive: true, force: true });
  });

  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${sig} to the CLI during a Bash call leaves 0 of the processes every trick started`, async () => {
      const tok = token();
      server.enqueue(turn.toolUse('Bash', { command: allTricks(tok), timeout: 600_000 }), turn.text('Done.'));
      const run = start('Start the tricks');
      // Every trick's process is up (the respawning loop makes more).
      assert.ok(await eventually(() => processesWith(tok).length >= TRICKS.length + 1), `the tricks started: ${processesWith(tok).length}`);
      run.child.kill(sig);
      const exit = await run.exited;
      assert.deepEqual(await orphansAfter(tok), [], 'orphans');
      if (sig === 'SIGTERM') {
        assert.deepEqual(exit, { code: 143, signal: null });
        assert.match(run.stderr(), /elixir-agent: terminated/);
        // The Bash result it recorded tells the truth.
        assert.equal(server.messageRequests().length, 1, 'a stopped run asks the model nothing more');
      } else {
        assert.deepEqual(exit, { code: null, signal: 'SIGKILL' });
      }
    });
  }

  it('run_in_background: lists, reads and stops a task, and stops the rest when the CLI ends', async () => {
    const [a, b] = [token(), token()];
    server.enqueue(
      turn.toolUse('Bash', { command: `echo serving; sleep ${a} & wait`, run_in_background: true, description: 'Start the server' }, { id: 'toolu_bg1' }),
      turn.toolUse('TaskOutput', { task_id: 'shell_1', block: true, timeout: 300 }, { id: 'toolu_out' }),
      turn.toolUse('TaskStop', { task_id: 'shell_1' }, { id: 'toolu_stop' }),
      turn.toolUse('TaskOutput', { task_id: 'nope', block: false }, { id: 'toolu_unknown' }),
      turn.toolUse('Bash', { command: `(sleep ${b} &) ; sleep ${b}`, run_in_background: true }, { id: 'toolu_bg2' }),
      turn.text('The second one is still running.'),
    );
    const run = start('Run the server');
    const exit = await run.exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    // No waiting: the CLI stopped its tasks before it exited.
    assert.deepEqual({ a: processesWith(a), b: processesWith(b) }, { a: [], b: [] });

    const results = server.messageRequests().slice(1).map((r) => {
      const c = r.messages.at(-1).content[0];
      return { id: c.tool_use_id as string, error: c.is_error === true, text: typeof c.content === 'string' ? c.content : c.content.map((x: { text: string }) => x.text).join('') };
    });
    const by = (id: string) => results.find((r) => r.id === id)!;
    assert.match(by('toolu_bg1').text, /^Command running in the background with ID: shell_1 \(pid \d+\)\./);
    assert.match(by('toolu_out').text, /^Task shell_1 \(`echo serving; sleep 1000\.\d+ & wait`\): running for [\d.]+ s \(pid \d+\)\.\nStill running after waiting 0\.3 s\.\nOutput since the last read:\nserving$/);
    assert.match(by('toolu_stop').text, /^Task shell_1 \(`echo serving; sleep 1000\.\d+ & wait`\): stopped \(by TaskStop\) after [\d.]+ s\.\nStopped with it: 1 process, `sleep 1000\.\d+` \(pid \d+\)\.$/);
    assert.deepEqual({ error: by('toolu_unknown').error, text: by('toolu_unknown').text.split('\n').slice(0, 2) }, {
      error: true,
      text: ['No background task "nope". This conversation\'s background tasks:', by('toolu_unknown').text.split('\n')[1]],
    });
    assert.match(by('toolu_unknown').text, /\n- shell_1 \(`echo serving; sleep 1000\.\d+ & wait`\): stopped \(by TaskStop\)/);
    // The user sees them come and go on stderr.
    const err = run.stderr();
    assert.match(err, /⏺ background task shell_1 started: echo serving; sleep 1000\.\d+ & wait/);
    assert.match(err, /⎿ background task shell_1 stopped/);
    assert.match(err, /elixir-agent: stopped background task shell_2 \(`\(sleep 1000\.\d+ &\) ; sleep 1000\.\d+`\): stopped \(run ended\)/);
  });

  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${sig} to the CLI stops its background tasks`, async () => {
      const tok = token();
      server.enqueue(turn.toolUse('Bash', { command: `setsid sleep ${tok} & sleep ${tok}`, run_in_background: true }), turn.hang());
      const run = start('Start it');
      await server.waitForRequests(2);
      assert.ok(await eventually(() => processesWith(tok).length >= 2), 'both processes started');
      run.child.kill(sig);
      await run.exited;
      assert.deepEqual(await orphansAfter(tok), [], 'orphans');
      if (sig === 'SIGTERM') assert.match(run.stderr(), /stopped background task shell_1 .* as the run ended/);
    });
  }
});
