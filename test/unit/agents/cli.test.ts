import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { agentText, fixtures, repoRoot, sharedPersonas } from './helpers';

/** The compiled CLI entry (always in step with these tests); dist/cli.js is checked separately. */
const compiledCli = path.join(repoRoot, 'out', 'src', 'cli', 'main.js');
const bundledPersona = path.join(repoRoot, 'media', 'agents', 'elixir-expert.md');
const sampleApp = path.join(repoRoot, 'test', 'fixtures', 'sample_app');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let home: string;
function cli(args: string[], env: Record<string, string> = {}, entry = compiledCli): Promise<Run> {
  const base = { ...process.env };
  delete base.ANTHROPIC_API_KEY;
  delete base.ANTHROPIC_BASE_URL;
  delete base.CLAUDE_CONFIG_DIR; // the user folder is HOME/.claude of this test, never the machine's
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { env: { ...base, HOME: home, ...env }, cwd: repoRoot }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('agents: `elixir-agent agents check`', () => {
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'agents-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("prints the shared persona folder's agents with source, model, file and marked tools", async () => {
    const r = await cli(['agents', 'check', sharedPersonas]);
    const persona = path.join(sharedPersonas, 'phoenix-elixir-expert.md');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      `Agents in the folder of agent files ${sharedPersonas}:`,
      '',
      '  NAME                   SOURCE   MODEL                                        FILE',
      `  phoenix-elixir-expert  project  sonnet → claude-sonnet-5-5 (built-in table)  ${persona}`,
      `  elixir-expert          bundled  sonnet → claude-sonnet-5-5 (built-in table)  ${bundledPersona}`,
    ]);
    const section = lines.slice(lines.indexOf('phoenix-elixir-expert [project]'), lines.indexOf('elixir-expert [bundled]'));
    assert.deepEqual(section.filter((l) => /^\s{4}[✓✗?] /.test(l)).map((l) => l.trim().slice(0, 1)).join(''), '✓'.repeat(9) + '✗✗✗?✗✗???✗✗');
    assert.ok(section.some((l) => /^ {4}\? mcp__tidewave__get_package_location: unknown, .*get_source_location.*"dep:/.test(l)), section.join('\n'));
    assert.ok(section.includes('    ✗ mcp__ide__getDiagnostics: unavailable, not connected (MCP servers are not started here)'));
    assert.equal(lines.at(-2), '2 agents, 2 files, 0 broken, 0 errors, 0 warnings');
  });

  it('prints the sample project: its .claude/agents, the user folder and the bundled persona', async () => {
    const userAgents = path.join(home, '.claude', 'agents');
    mkdirSync(userAgents, { recursive: true });
    writeFileSync(path.join(userAgents, 'elixir-expert.md'), agentText('elixir-expert', 'model: haiku\n'));
    const r = await cli(['agents', 'check', sampleApp, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as {
      agents: Array<{ name: string; source: string; file: string; model: { id: string; via: string }; shadowedBy?: string; shadows: string[] }>;
      problems: unknown[];
    };
    const projectFiles = readdirSync(path.join(sampleApp, '.claude', 'agents')).filter((f) => f.endsWith('.md'));
    assert.ok(projectFiles.length > 0, 'the sample app has agent files');
    assert.deepEqual(
      result.agents.filter((a) => a.source !== 'project').map((a) => [a.name, a.source, a.model.id, a.shadowedBy ?? null, a.shadows]),
      [
        ['elixir-expert', 'user', 'claude-haiku-5-5', null, [`bundled:${bundledPersona}`]],
        ['elixir-expert', 'bundled', 'claude-sonnet-5-5', `user:${path.join(userAgents, 'elixir-expert.md')}`, []],
      ],
    );
    assert.deepEqual(result.agents.filter((a) => a.source === 'project').map((a) => path.basename(a.file)).sort(), projectFiles.sort());
    assert.deepEqual(result.problems, []);

    const text = await cli(['agents', 'check', sampleApp]);
    assert.match(text.stdout, /^ {2}elixir-expert \(shadowed\) +bundled +sonnet → claude-sonnet-5-5 \(built-in table\) +\S+elixir-expert\.md$/m);
    assert.match(text.stdout, /^elixir-expert \[user\]\n {2}shadows bundled:\S+$/m);
  });

  it('prints problems as file:line:col and exits 1 when a file is broken', async () => {
    const r = await cli(['agents', 'check', fixtures(), '--no-user']);
    assert.equal(r.code, 1);
    const problems = r.stdout.split('\n').filter((l) => l.startsWith(fixtures()));
    assert.ok(problems.includes(`${fixtures('bad-yaml.md')}:5:1: error: invalid YAML in the front matter: missed comma between flow collection entries`));
    assert.ok(problems.includes(`${fixtures('unknown-color.md')}:5:1: warning: unknown colour "magenta" (ignored): use one of red, blue, green, yellow, purple, orange, pink, cyan`));
    assert.ok(problems.includes(`${fixtures('unquoted-colon.md')}:3:14: warning: this value contains ": " and is not valid YAML; it was read as text (as Claude Code does), but quote it to keep the file portable: key: "…"`));
    assert.ok(problems.every((l) => /^\S+\.md:\d+:\d+: (error|warning): /.test(l)), problems.join('\n'));
    assert.match(r.stdout, /\n11 agents, 19 files, 8 broken, 8 errors, 10 warnings\n8 files have errors: their agents do not load \(exit status 1\)\.\n$/);
  });

  it('exits 0 with only warnings and says so: an unknown colour, tools that are not tools, Bash rules granted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agents-warn-'));
    try {
      for (const f of ['unknown-color.md', 'unknown-tools.md', 'git-reviewer.md', 'bash-everything.md']) copyFileSync(fixtures(f), path.join(dir, f));
      const r = await cli(['agents', 'check', dir, '--no-user']);
      assert.equal(r.code, 0, r.stdout);
      const lines = r.stdout.split('\n');
      assert.deepEqual(
        lines.filter((l) => l.startsWith(dir)).map((l) => l.slice(dir.length + 1).replace(/ \(if it names an agent.*$/, '')),
        [
          'unknown-color.md:5:1: warning: unknown colour "magenta" (ignored): use one of red, blue, green, yellow, purple, orange, pink, cyan',
          'unknown-tools.md:4:20: warning: `tools`: "context-manager" is neither a Claude Code tool nor an MCP tool (mcp__<server>__<tool>), so it grants nothing',
          'unknown-tools.md:4:43: warning: `tools`: "computer-use" is neither a Claude Code tool nor an MCP tool (mcp__<server>__<tool>), so it grants nothing',
          'unknown-tools.md:4:57: warning: `tools`: "Bahs" is neither a Claude Code tool nor an MCP tool (mcp__<server>__<tool>), so it grants nothing; did you mean Bash?',
        ],
      );
      assert.deepEqual(lines.slice(-3), ['5 agents, 5 files, 0 broken, 0 errors, 4 warnings', 'Only warnings: every agent loads; warnings do not fail the check (exit status 0).', '']);
      const section = (name: string) => lines.slice(lines.indexOf(`${name} [project]`) + 1, lines.findIndex((l, i) => i > lines.indexOf(`${name} [project]`) && l === ''));
      assert.deepEqual(section('git-reviewer').slice(-3), [
        '    ✓ Bash(git diff:*) (`git diff:*` runs without asking; other commands ask)',
        '    ✓ Bash(git log *) (`git log *` runs without asking; other commands ask)',
        '    ✓ Bash(mix test:*) (`mix test:*` runs without asking; other commands ask)',
      ]);
      assert.ok(section('bash-everything').includes('    ✓ Bash(*)'), section('bash-everything').join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks a single file, and rejects bad usage with status 2', async () => {
    const one = await cli(['agents', 'check', fixtures('tools-wrong-type.md'), '--no-user']);
    assert.deepEqual(
      [one.code, one.stdout.split('\n').filter((l) => l.includes(': error: '))],
      [1, [`${fixtures('tools-wrong-type.md')}:5:1: error: \`tools\`: expected a comma-separated string or a list of tool names, found a mapping`]],
    );
    const bad = await Promise.all([cli(['agents']), cli(['agents', 'lint']), cli(['agents', 'check', '/no/such/dir']), cli(['agents', 'check', '--fast'])]);
    assert.deepEqual(bad.map((b) => b.code), [2, 2, 2, 2]);
    assert.deepEqual(
      bad.map((b) => b.stderr.split('\n')[0]),
      [
        'elixir-agent agents: missing agents command',
        "elixir-agent agents: unknown agents command 'lint'",
        'elixir-agent agents check: /no/such/dir does not exist',
        'elixir-agent agents: unknown option --fast',
      ],
    );
  });

  it('resolves aliases through the Models API when ANTHROPIC_API_KEY is set', async () => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ type: 'model', id: 'claude-sonnet-6', line: 'sonnet', lifecycle: 'active', created_at: '2026-11-01T00:00:00Z', display_name: 'Sonnet 6' }], has_more: false, first_id: null, last_id: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await cli(['agents', 'check', sharedPersonas, '--no-user'], { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: baseURL });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ {2}phoenix-elixir-expert +project +sonnet → claude-sonnet-6 \(Models API\) /m);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('the bundled dist/cli.js finds the bundled persona next to it', async function () {
    const dist = path.join(repoRoot, 'dist', 'cli.js');
    if (!existsSync(dist)) this.skip();
    const r = await cli(['agents', 'check', sharedPersonas, '--json', '--no-user'], {}, dist);
    const result = JSON.parse(r.stdout) as { agents: Array<{ name: string; file: string }> };
    assert.deepEqual(result.agents.map((a) => [a.name, a.file]), [
      ['phoenix-elixir-expert', path.join(sharedPersonas, 'phoenix-elixir-expert.md')],
      ['elixir-expert', bundledPersona],
    ]);
  });
});
