/**
 * The CLI's key outside the environment (issue: a child reads
 * /proc/$PPID/environ). Given `--api-key-fd N` fed from a secret store (here a
 * pipe from `cat` of a file outside the project, as `3< <(vault ...)` would
 * be), during a run whose Bash command reads its parent's environment, no
 * process on the machine has the key in its environment, the agent's file
 * tools cannot read it, and no file the run leaves holds it. `--api-key-file`
 * is refused inside the workspace, warned about when others can read it, and
 * every bad key source gets a clear error before anything is sent.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiKeyError, resolveApiKey } from '../../../src/cli/apiKey';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { cli, collect, ensureBuilt, runCli } from './cli';

/** pid -> parent pid, for every live process we can see (zombies have no environment left). */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') table.set(Number(name), Number(ppid));
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

function descendants(pid: number, table: Map<number, number>): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [child, parent] of table) if (parent === out[i]) out.push(child);
  return out;
}

const environOf = (pid: number): string | undefined => {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined;
  }
};

function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((rel) => path.join(dir, rel)).filter((f) => fs.lstatSync(f).isFile());
}

describe('hardening: the CLI gets its key without the environment', function () {
  this.timeout(90_000);
  const KEY = `sk-ant-api03-${randomBytes(30).toString('base64url')}AA`;
  let server: ScriptedModelServer;
  let base: string;
  let project: string;
  let home: string;
  let secret: string;

  before(ensureBuilt);
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-keyfd-')));
    project = path.join(base, 'project');
    home = path.join(base, 'home');
    for (const d of [path.join(project, 'lib'), home, path.join(base, 'store'), path.join(base, 'ctl')]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(project, 'lib/app.ex'), 'defmodule App do\nend\n');
    secret = path.join(base, 'store/anthropic-key');
    fs.writeFileSync(secret, `${KEY}\n`, { mode: 0o600 });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('--api-key-fd from a pipe: the key is in no process environment and no file the agent can read, even as a Bash child reads /proc/$PPID/environ', async () => {
    const ready = path.join(base, 'ctl/ready');
    const go = path.join(base, 'ctl/go');
    for (const f of [ready, go]) assert.equal(spawnSync('mkfifo', [f]).status, 0);
    const pidFile = path.join(project, 'cli.pid');
    server.enqueue(
      turn.toolUse('Bash', {
        command: `tr '\\0' '\\n' < /proc/$PPID/environ; echo $PPID > ${pidFile}; echo ready > ${ready}; read answer < ${go}; echo "resumed: $answer"`,
        description: 'read the parent environment',
      }),
      turn.toolUses([
        { name: 'Read', input: { file_path: secret } },
        { name: 'Read', input: { file_path: '/proc/self/environ' } },
        { name: 'Grep', input: { pattern: 'sk-ant', path: base } },
      ]),
      turn.text('Nothing found.'),
    );
    // As in CI: the secret store's output piped straight into the descriptor, never in a variable.
    const child = spawn('bash', ['-c', 'exec "$@" 3< <(cat -- "$KEY_SOURCE")', 'bash', process.execPath, cli, 'run', '--no-user', '--cwd', project, '--allow-tools', 'Bash', '--api-key-fd', '3', 'Look for the API key.'], {
      env: { PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: server.url, KEY_SOURCE: secret, ELIXIR_AGENT_TEST_MARK: 'parent-environ-was-read' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = collect(child);
    // The Bash command is now blocked on `go`: the CLI and its children are alive.
    const signalled = await Promise.race([fs.promises.readFile(ready, 'utf8'), done.then((r) => `exited early: ${JSON.stringify(r)}`)]);
    if (signalled !== 'ready\n') {
      fs.writeFileSync(ready, ''); // unblock our own pending read of the FIFO
      assert.fail(signalled);
    }
    const table = processTable();
    const tree = descendants(child.pid!, table);
    const leaking = [...table.keys()].filter((pid) => environOf(pid)?.includes(KEY));
    const treeEnvirons = tree.map(environOf);
    await fs.promises.writeFile(go, 'go\n');
    const r = await done;

    assert.deepStrictEqual({ code: r.code, leaking, stderr: r.stderr.includes('warning') }, { code: 0, leaking: [], stderr: false });
    // The scan saw the CLI (which reads the key) and the Bash child reading its parent.
    assert.equal(Number(fs.readFileSync(pidFile, 'utf8')), child.pid);
    assert.ok(tree.length >= 2, `the CLI and its Bash child: ${tree.join(', ')}`);
    assert.ok(treeEnvirons.every((e) => e !== undefined && e.includes('ELIXIR_AGENT_TEST_MARK=')), 'every environment of the tree was read');
    // What the agent's tools returned to the model: the parent's environment (without the key); the key file refused.
    const [, second, third] = server.messageRequests();
    const bash = JSON.stringify(second.messages[2].content);
    assert.match(bash, /ELIXIR_AGENT_TEST_MARK=parent-environ-was-read/);
    assert.match(bash, /resumed: go/);
    const results = third.messages[4].content as Array<{ is_error?: boolean; content: unknown }>;
    assert.deepStrictEqual(results.map((x) => x.is_error), [true, true, true]);
    // The key reached the API in the header, and nowhere else.
    assert.ok(server.requests.every((q) => (q.headers['x-api-key'] ?? q.headers.authorization ?? '').includes(KEY)));
    assert.ok(!JSON.stringify(server.requests.map((q) => q.body ?? null)).includes(KEY));
    assert.ok(!`${r.stdout}${r.stderr}`.includes(KEY));
    const holding = filesUnder(base).filter((f) => f !== secret && fs.readFileSync(f, 'latin1').includes(KEY));
    assert.deepStrictEqual(holding, []);
  });

  it('--api-key-file outside the workspace works; inside it (or linked from it) is refused before anything is sent', async () => {
    server.enqueue(turn.text('Hello.'));
    const ok = await runCli(['run', '--no-user', '--cwd', project, '--api-key-file', secret, 'hi'], { ANTHROPIC_BASE_URL: server.url }, home);
    assert.deepStrictEqual({ code: ok.code, stdout: ok.stdout, stderr: ok.stderr }, { code: 0, stdout: 'Hello.\n', stderr: '' });

    fs.writeFileSync(path.join(project, '.anthropic-key'), `${KEY}\n`, { mode: 0o600 });
    fs.symlinkSync(path.join(project, '.anthropic-key'), path.join(base, 'store/link-into-project'));
    const before = server.requests.length;
    for (const file of [path.join(project, '.anthropic-key'), path.join(base, 'store/link-into-project')]) {
      const refused = await runCli(['run', '--no-user', '--cwd', project, '--api-key-file', file, 'hi'], { ANTHROPIC_BASE_URL: server.url }, home);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--api-key-file .* is inside the workspace \(.*\), where the agent's tools could read it/);
    }
    assert.equal(server.requests.length, before, 'nothing was sent');
  });

  it('agents check takes the key from a descriptor too, for the Models API', async () => {
    fs.mkdirSync(path.join(project, '.claude/agents'), { recursive: true });
    fs.writeFileSync(path.join(project, '.claude/agents/reviewer.md'), '---\nname: reviewer\ndescription: Reviews code\nmodel: sonnet\n---\nReview.\n');
    const child = spawn(process.execPath, [cli, 'agents', 'check', project, '--no-user', '--api-key-fd', '3'], {
      env: { PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    (child.stdio[3] as NodeJS.WritableStream).end(`${KEY}\n`);
    const r = await collect(child);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reviewer\s+project\s+sonnet → claude-sonnet-5-5 \(Models API\)/);
    assert.ok(server.requests.some((q) => q.path === '/v1/models' && (q.headers['x-api-key'] ?? q.headers.authorization ?? '').includes(KEY)));
  });

  it('bad key sources: a clear error each, the descriptor closed, warnings for a readable file and a key also in the environment', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof ApiKeyError, String(e));
        return e.message;
      }
      return 'no error';
    };
    const write = (name: string, text: string, mode = 0o600) => {
      const p = path.join(base, 'store', name);
      fs.writeFileSync(p, text, { mode });
      fs.chmodSync(p, mode);
      return p;
    };
    const file = (p: string) => resolveApiKey({ apiKeyFile: p }, project, {});
    assert.match(err(() => file(path.join(base, 'store/missing'))), /--api-key-file .*missing does not exist/);
    assert.match(err(() => file(write('empty', '\n'))), /--api-key-file .*empty is empty/);
    assert.match(err(() => file(path.join(base, 'store'))), /is a directory, not a file/);
    assert.match(err(() => file(write('dotenv', `ANTHROPIC_API_KEY=${KEY}\nOTHER=1\n`))), /holds more than the key/);
    assert.match(err(() => resolveApiKey({ apiKeyFile: secret, apiKeyFd: '3' }, project, {})), /either --api-key-file or --api-key-fd, not both/);
    assert.deepStrictEqual(file(write('crlf', `  ${KEY}\r\n`)), { key: KEY, source: 'file', warnings: [] });
    const open = file(write('shared', `${KEY}\n`, 0o644));
    assert.equal(open.key, KEY);
    assert.match(open.warnings.join('\n'), /can be read or changed by other users \(mode 0644\); make it private: chmod 600/);
    const both = resolveApiKey({ apiKeyFile: secret }, project, { ANTHROPIC_API_KEY: 'sk-ant-from-env' });
    assert.deepStrictEqual([both.key, both.source], [KEY, 'file']);
    assert.match(both.warnings.join('\n'), /ANTHROPIC_API_KEY is also set.*\/proc\/<pid>\/environ\); unset it/);
    assert.deepStrictEqual(resolveApiKey({}, project, { ANTHROPIC_API_KEY: ` ${KEY}\n` }), { key: KEY, source: 'env', warnings: [] });

    const fd = (spec: string) => resolveApiKey({ apiKeyFd: spec }, project, {});
    assert.match(err(() => fd('three')), /--api-key-fd three: give the number of an open file descriptor/);
    assert.match(err(() => fd('1')), /--api-key-fd 1 is standard output/);
    assert.match(err(() => fd('987')), /--api-key-fd 987: no such open file descriptor/);
    // One of Node's own descriptors (its event loop's epoll): refused, and above all not closed.
    const own = fs.readdirSync('/proc/self/fd').find((f) => /^anon_inode:/.test(fs.readlinkSync(`/proc/self/fd/${f}`)));
    assert.ok(own, 'Node holds an anonymous-inode descriptor');
    assert.match(err(() => fd(own)), /was not opened by the caller/);
    assert.doesNotThrow(() => fs.fstatSync(Number(own)));
    const n = fs.openSync(secret, 'r');
    assert.deepStrictEqual(fd(String(n)), { key: KEY, source: 'fd', warnings: [] });
    assert.throws(() => fs.fstatSync(n), /EBADF/, 'the descriptor was closed after reading');
    const empty = fs.openSync(write('blank', ''), 'r');
    assert.match(err(() => fd(String(empty))), new RegExp(`--api-key-fd ${empty} is empty`));
    assert.throws(() => fs.fstatSync(empty), /EBADF/, 'closed on error too');
  });
});
