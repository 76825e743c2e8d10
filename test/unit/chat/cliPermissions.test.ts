/**
 * `elixir-agent run` honours Claude Code's settings files and takes permission
 * rules on its command line: spawns dist/cli.js against the scripted model
 * server in a Phoenix-like project with a .claude/settings.json.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { ensureBuilt, runCli } from '../hardening/cli';

const KEY = 'sk-ant-cli-perm-test-abcdef123456';

/** What a team keeps in .claude/settings.json (written for this test, in the usual shape). */
const TEAM_SETTINGS = {
  permissions: {
    allow: ['Bash(mix test:*)', 'Bash(mix format:*)', 'Edit(lib/**)'],
    ask: ['Bash(git push:*)'],
    deny: ['Read(./.env)', 'Bash(rm -rf *)', 'WebFetch'],
  },
};

interface Sent {
  is_error?: boolean;
  content: string | Array<{ text: string }>;
}
const text = (r: Sent) => (typeof r.content === 'string' ? r.content : r.content.map((c) => c.text).join('\n'));

describe('elixir-agent run: settings files and permission rules', function () {
  this.timeout(90_000);
  let server: ScriptedModelServer;
  let project: string;
  let home: string;
  let env: Record<string, string>;

  before(ensureBuilt);
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-perm-'));
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-perm-home-'));
    await fs.mkdir(path.join(project, 'lib'));
    await fs.mkdir(path.join(project, '.claude'));
    await fs.writeFile(path.join(project, 'lib/app.ex'), 'defmodule App do\n  def hello, do: :world\nend\n');
    await fs.writeFile(path.join(project, '.env'), 'SECRET_KEY_BASE=do-not-read\n');
    await fs.writeFile(path.join(project, '.claude/settings.json'), `${JSON.stringify(TEAM_SETTINGS, null, 2)}\n`);
    env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url };
  });
  afterEach(async () => {
    await server.close();
    await fs.rm(project, { recursive: true, force: true });
    await fs.rm(home, { recursive: true, force: true });
  });

  /** Runs one prompt whose model makes the given calls in turn; returns what each call answered. */
  async function calls(args: string[], made: Array<[string, Record<string, unknown>]>): Promise<{ results: Sent[]; stderr: string; tools: string[] }> {
    server.reset();
    server.enqueue(...made.map(([name, input], i) => turn.toolUse(name, input, { id: `toolu_${i}` })), turn.text('Done.'));
    const r = await runCli(['run', '--no-user', '--cwd', project, ...args, 'Do the task'], env, home);
    assert.equal(r.code, 0, r.stderr);
    const requests = server.messageRequests();
    const results = requests.slice(1).map((req: { messages: Array<{ content: Sent[] }> }) => req.messages.at(-1)?.content[0] as Sent);
    return { results, stderr: r.stderr, tools: requests[0].tools.map((t: { name: string }) => t.name) };
  }

  it('a deny rule of the project refuses the call with its rule and file, even with --allow-tools; a bare name hides the tool', async () => {
    const { results, tools } = await calls(['--allow-tools', 'Read,Bash'], [
      ['Read', { file_path: path.join(project, '.env') }],
      ['Bash', { command: 'rm -rf _build' }],
      ['Read', { file_path: path.join(project, 'lib/app.ex') }],
    ]);
    assert.deepEqual(
      results.map((r) => [r.is_error === true, text(r).split('\n')[0]]),
      [
        [true, 'Denied by the approval policy: `Read(./.env)` in .claude/settings.json denies this call. Do not retry this call; ask the user if it is needed.'],
        [true, 'Denied by the approval policy: `Bash(rm -rf *)` in .claude/settings.json denies this call. Do not retry this call; ask the user if it is needed.'],
        [false, '1\tdefmodule App do'],
      ],
    );
    assert.ok(!tools.includes('WebFetch') && tools.includes('Read'), tools.join(', '));
  });

  it("the repository's allow rules count only with --trust-project-settings; --allow-tools takes rules; an ask rule is refused headless", async () => {
    // A developer's own .claude/settings.local.json (still the repository's folder: it counts only when trusted).
    await fs.writeFile(path.join(project, '.claude/settings.local.json'), '{ "permissions": { "allow": ["Bash(echo hello:*)"] } }\n');
    const untrusted = await calls([], [['Bash', { command: 'echo hello' }]]);
    assert.match(text(untrusted.results[0]!), /^Denied by the approval policy: Bash is not allowed in this headless run .*--allow-tools "Bash\(echo hello:\*\)"/);

    const trusted = await calls(['--trust-project-settings'], [
      ['Bash', { command: 'echo hello' }],
      ['Bash', { command: 'git push origin main' }],
    ]);
    assert.deepEqual(
      trusted.results.map((r) => [r.is_error === true, text(r).split('\n')[0]]),
      [
        [false, 'hello'],
        [true, 'Denied by the approval policy: `Bash(git push:*)` in .claude/settings.json asks for this call, and nobody can be asked in a headless run. Do not retry this call; ask the user if it is needed.'],
      ],
    );

    const scoped = await calls(['--allow-tools', 'Bash(echo ok:*)', '--disallow-tools', 'Bash(echo ok now:*)'], [
      ['Bash', { command: 'echo ok' }],
      ['Bash', { command: 'echo ok now' }],
      ['Bash', { command: 'echo other' }],
    ]);
    assert.deepEqual(
      scoped.results.map((r) => [r.is_error === true, text(r).split('\n')[0]]),
      [
        [false, 'ok'],
        [true, 'Denied by the approval policy: --disallow-tools Bash(echo ok now:*) refuses it. Do not retry this call; ask the user if it is needed.'],
        [true, 'Denied by the approval policy: Bash is not allowed in this headless run (elixir-agent run allows read-only tools; the user can pass --allow-tools "Bash(echo other:*)"). Do not retry this call; ask the user if it is needed.'],
      ],
    );
  });

  it('bad rules and modes are usage errors (exit 2), never silently ignored', async () => {
    const bad = await Promise.all([
      runCli(['run', '--cwd', project, '--allow-tools', 'Bash(mix test', 'hi'], env, home),
      runCli(['run', '--cwd', project, '--disallow-tools', 'Read()', 'hi'], env, home),
      runCli(['run', '--cwd', project, '--permission-mode', 'yolo', 'hi'], env, home),
    ]);
    assert.deepEqual(
      bad.map((r) => [r.code, r.stderr.trim().split('\n')[0]]),
      [
        [2, 'elixir-agent run: --allow-tools: "Bash(mix test" is missing its closing ")"'],
        [2, 'elixir-agent run: --disallow-tools: "Read()" has an empty specifier: write Read alone for every call'],
        [2, 'elixir-agent run: --permission-mode must be one of default, acceptEdits, plan, dontAsk, bypassPermissions'],
      ],
    );
  });
});
