import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { ToolContext } from '../../../src/core/tools/types';
import { call, makeWorkspace, run, tool, type Workspace } from './helpers';

/** Alive and not a zombie waiting for a reaper. */
/** Shell code that waits until the process `pid` has exec'd sleep: until then it is still a copy of the shell, and is named as one. */
const untilExec = (pid: string) => `until grep -qa sleep /proc/${pid}/cmdline 2>/dev/null; do :; done`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** A context whose live output resolves `seen` once a line matching `re` arrives. */
function watching(ctx: ToolContext, re: RegExp): { ctx: ToolContext; seen: Promise<RegExpMatchArray>; chunks: string[] } {
  const chunks: string[] = [];
  let resolve!: (m: RegExpMatchArray) => void;
  const seen = new Promise<RegExpMatchArray>((r) => (resolve = r));
  return {
    chunks,
    seen,
    ctx: {
      ...ctx,
      onOutput: (c) => {
        chunks.push(c);
        const m = chunks.join('').match(re);
        if (m) resolve(m);
      },
    },
  };
}

describe('Bash', function () {
  if (process.platform === 'win32') return;
  let ws: Workspace;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());

  it('runs in the workspace folder and reports output and exit codes', async () => {
    ws.file('mix.exs', '');
    assert.deepEqual(
      await Promise.all([
        call('Bash', { command: 'pwd && ls' }, ws.ctx),
        call('Bash', { command: 'echo out; echo err >&2; exit 3' }, ws.ctx),
        call('Bash', { command: 'true' }, ws.ctx),
        call('Bash', { command: 'printf "\\033[31mred\\033[0m"' }, ws.ctx),
        call('Bash', { command: 'nosuchcommand-xyz' }, ws.ctx),
      ]),
      [
        { ok: true, text: `${ws.root}\nmix.exs` },
        { ok: false, text: 'out\nerr\n\nExit code: 3' },
        { ok: true, text: '(no output)' },
        { ok: true, text: 'red' },
        { ok: false, text: 'bash: line 1: nosuchcommand-xyz: command not found\n\nExit code: 127' },
      ],
    );
  });

  it("never hands the extension's API key to the commands it runs", async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-ant-test-secret';
    try {
      assert.deepEqual(await call('Bash', { command: 'echo "key=${ANTHROPIC_API_KEY:-unset} home=${HOME:+set}"' }, ws.ctx), {
        ok: true,
        text: 'key=unset home=set',
      });
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('streams live output, caps what it returns in the middle, and reports the exit code for the card', async () => {
    const w = watching(ws.ctx, /line 5000/);
    const r = await run('Bash', { command: 'for i in $(seq 1 5000); do echo "line $i ........................"; done' }, w.ctx);
    const out = (r.content[0] as { text: string }).text;
    assert.deepEqual([r.display?.exitCode, out.startsWith('line 1 '), out.endsWith('line 5000 ........................')], [0, true, true]);
    assert.match(out, /\n\n\.\.\. \[output truncated: \d+ characters omitted\] \.\.\.\n\n/);
    assert.ok(out.length < 30_200);
    assert.ok(w.chunks.join('').length > 100_000, 'the card saw all the output live');
  });

  it('kills the whole process tree on timeout, grandchildren and setsid escapees included', async () => {
    const w = watching(ws.ctx, /pids (\d+) (\d+)/);
    const result = call('Bash', { command: 'sleep 300 & a=$!; setsid sleep 301 & b=$!; echo "pids $a $b"; wait', timeout: 1500 }, w.ctx);
    const [, a, b] = (await w.seen).map(Number);
    assert.ok(a && b, 'the two pids');
    assert.deepEqual([alive(a), alive(b)], [true, true]);
    assert.deepEqual(await result, {
      ok: false,
      text: `pids ${a} ${b}\n\nCommand timed out after 1500 ms and was stopped, with the 2 processes it had started: \`sleep 300\` (pid ${a}) and \`sleep 301\` (pid ${b}).`,
    });
    assert.deepEqual([alive(a), alive(b)], [false, false]);
  });

  it('kills the tree when cancelled', async () => {
    const controller = new AbortController();
    const w = watching({ ...ws.ctx, signal: controller.signal }, /child (\d+)/);
    // The child is named once it has exec'd sleep (a moment after the fork): say its pid only then.
    const result = call('Bash', { command: `sh -c "sleep 300 & ${untilExec('\\$!')}; echo child \\$!; wait"` }, w.ctx);
    const pid = Number((await w.seen)[1]);
    controller.abort();
    assert.deepEqual(await result, { ok: false, text: `child ${pid}\n\nCommand was cancelled and stopped, with the 1 process it had started: \`sleep 300\` (pid ${pid}).` });
    assert.equal(alive(pid), false);
  });

  it('stops what the command left running, even outside its process group, and says so', async () => {
    const r = await call('Bash', { command: `echo started; sleep 300 & ${untilExec('$!')}` }, ws.ctx);
    const pid = Number(/`sleep 300` \(pid (\d+)\)/.exec(r.text)?.[1]);
    assert.deepEqual(r, {
      ok: true,
      text: `started\n\nThe command left 1 process running: \`sleep 300\` (pid ${pid}). It was stopped, since nothing a Bash call starts outlives it; to keep a process running (a server, a watcher), call Bash with run_in_background: true.`,
    });
    assert.equal(alive(pid), false);
    // One that left the process group (setsid) is found by its mark and stopped too.
    const escaped = await call('Bash', { command: `setsid sleep 300 & ${untilExec('$!')}; echo "pid $!"` }, ws.ctx);
    const spid = Number(/pid (\d+)/.exec(escaped.text)?.[1]);
    assert.match(escaped.text, new RegExp(`The command left 1 process running: \`sleep 300\` \\(pid ${spid}\\)\\. It was stopped`));
    assert.equal(alive(spid), false);
  });

  it('checks its input and describes the exact command for approval', async () => {
    assert.deepEqual(
      await Promise.all([
        call('Bash', { command: '  ' }, ws.ctx),
        call('Bash', { command: 'ls', timeout: 600_001 }, ws.ctx),
        tool('Bash').describe!({ command: 'mix test test/app_test.exs:12', description: 'Run the failing test' }, ws.ctx),
        tool('Bash').describe!({ command: 'git status\nrm -rf /' }, ws.ctx),
      ]),
      [
        { ok: false, text: 'command must not be empty.' },
        { ok: false, text: 'Parameter timeout must be at most 600000, got 600001.' },
        { title: 'Run: Run the failing test', command: 'mix test test/app_test.exs:12' },
        { title: 'Run `git status`', command: 'git status\nrm -rf /' },
      ],
    );
  });

  it('mirrors the command and output to a terminal when the host provides one', async () => {
    const events: string[] = [];
    ws.ctx.services.bashMirror = {
      start: (command, cwd) => {
        events.push(`start ${command} in ${cwd === ws.root ? 'ws' : cwd}`);
        return { write: (c) => events.push(`out ${c.trim()}`), end: (r) => events.push(`end ${r.exitCode}`) };
      },
    };
    await call('Bash', { command: 'echo hi; exit 2' }, ws.ctx);
    assert.deepEqual(events, ['start echo hi; exit 2 in ws', 'out hi', 'end 2']);
  });
});
