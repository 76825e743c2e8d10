/**
 * `elixir-agent run` end to end: spawns dist/cli.js (built by `npm run build`,
 * rebuilt here when missing or older than the sources) against the scripted
 * model server, in a temporary project.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const KEY = 'sk-ant-cli-test-abcdef123456';

function ensureBuilt(): void {
  const chat = readdirSync(path.join(root, 'src/core/chat')).map((f) => `src/core/chat/${f}`);
  const sources = ['src/cli/run.ts', 'src/core/model/client.ts', ...chat].map((f) => statSync(path.join(root, f)).mtimeMs);
  if (existsSync(cli) && statSync(cli).mtimeMs >= Math.max(...sources)) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  assert.equal(r.status, 0, 'npm run build failed');
}

function run(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', '--no-user', ...args], { env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('elixir-agent run (headless)', function () {
  this.timeout(60_000);
  let server: ScriptedModelServer;
  let project: string;
  let env: Record<string, string>;
  const app = () => path.join(project, 'lib/app.ex');

  before(ensureBuilt);
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-run-'));
    await fs.mkdir(path.join(project, 'lib'));
    await fs.mkdir(path.join(project, '.claude/agents'), { recursive: true });
    await fs.writeFile(app(), 'defmodule App do\n  def hello, do: :world\nend\n');
    await fs.writeFile(path.join(project, 'CLAUDE.md'), 'Run mix format after every change.\n');
    await fs.writeFile(
      path.join(project, '.claude/agents/reviewer.md'),
      '---\nname: reviewer\ndescription: Reviews Elixir code\ntools: Read, Edit\nmodel: haiku\n---\nYou review Elixir code with care.\n',
    );
    env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url };
  });
  afterEach(async () => {
    await server.close();
    await fs.rm(project, { recursive: true, force: true });
  });

  it('holds a conversation with a tool call and streams the answer to stdout', async () => {
    server.enqueue(turn.toolUse('Read', { file_path: app() }, { text: 'Let me read it.', id: 'toolu_r' }), turn.text('App.hello/0 returns :world.'));
    const r = await run(['--agent', 'reviewer', '--cwd', project, 'What does lib/app.ex do?'], env);
    assert.deepStrictEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: 'Let me read it.\nApp.hello/0 returns :world.\n' });
    assert.match(r.stderr, /⏺ Read lib\/app\.ex/);
    const [first, second] = server.messageRequests();
    assert.equal(first.model, 'claude-haiku-5-5');
    assert.deepStrictEqual(first.tools.map((t: { name: string }) => t.name), ['Read', 'Edit']);
    const system = first.system.map((b: { text: string }) => b.text).join('\n');
    assert.match(system, /^You review Elixir code with care\./);
    assert.match(system, /Run mix format after every change\./);
    assert.match(system, /elixir-agent run \(headless/);
    const result = second.messages[2].content[0];
    assert.equal(result.tool_use_id, 'toolu_r');
    assert.match(result.content[0].text, /1\tdefmodule App do/);
  });

  it('refuses a writing tool unless --allow-tools names it, and tells the model', async () => {
    server.enqueue(turn.toolUse('Edit', { file_path: app(), old_string: ':world', new_string: ':elixir' }, { id: 'toolu_e' }), turn.text('I may not edit.'));
    const refused = await run(['--agent', 'reviewer', '--cwd', project, 'Change the atom'], env);
    assert.equal(refused.code, 0);
    const sent = server.messageRequests()[1].messages[2].content[0];
    assert.deepStrictEqual({ is_error: sent.is_error, id: sent.tool_use_id }, { is_error: true, id: 'toolu_e' });
    assert.match(sent.content, /Edit is not allowed in this headless run .*--allow-tools Edit/);
    assert.equal(await fs.readFile(app(), 'utf8'), 'defmodule App do\n  def hello, do: :world\nend\n');

    server.reset();
    server.enqueue(
      turn.toolUse('Read', { file_path: app() }),
      turn.toolUse('Edit', { file_path: app(), old_string: ':world', new_string: ':elixir' }),
      turn.text('Changed.'),
    );
    const allowed = await run(['--agent', 'reviewer', '--cwd', project, '--allow-tools', 'Edit', 'Change the atom'], env);
    assert.deepStrictEqual({ code: allowed.code, stdout: allowed.stdout.trim().split('\n').at(-1) }, { code: 0, stdout: 'Changed.' });
    assert.equal(await fs.readFile(app(), 'utf8'), 'defmodule App do\n  def hello, do: :elixir\nend\n');
  });

  it('--json prints one event per line and a final result', async () => {
    server.enqueue(turn.text('Hello from JSON.'));
    const r = await run(['--json', '--cwd', project, 'hi'], env);
    assert.equal(r.code, 0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string; status?: string });
    assert.deepStrictEqual(events.at(-1), { ...events.at(-1), type: 'result', status: 'done', text: 'Hello from JSON.', agent: 'elixir-expert' });
    assert.ok(events.some((e) => e.type === 'textDelta'));
    assert.ok(events.some((e) => e.type === 'messageUpdated' && e.status === 'done'));
  });

  it('exits non-zero with the message on stderr on an API error, and without a key', async () => {
    server.enqueue(turn.httpError(401));
    const bad = await run(['--cwd', project, 'hi'], env);
    assert.deepStrictEqual({ code: bad.code, stdout: bad.stdout }, { code: 1, stdout: '' });
    assert.match(bad.stderr, /elixir-agent: The API key was rejected: Anthropic answered 401 \(authentication_error: invalid x-api-key\)/);
    assert.ok(!bad.stderr.includes(KEY));

    const noKey = await run(['--cwd', project, 'hi'], { ANTHROPIC_BASE_URL: server.url });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /No Anthropic API key/);
  });

  it('bad usage exits 2 with the usage', async () => {
    const r = await run(['--agent', 'nobody', '--cwd', project, 'hi'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no agent named 'nobody'.*Agents: .*reviewer/);
    const missing = await run(['--cwd', project], env);
    assert.deepStrictEqual([missing.code, /missing PROMPT/.test(missing.stderr)], [2, true]);
  });
});
