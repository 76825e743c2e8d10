/**
 * `elixir-agent settings check`, run as a user would: the files that apply,
 * their rules with lines, the mode that applies, problems at file:line:col,
 * and the exit status a CI job can rely on.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
const cliEntry = path.join(repoRoot, 'out', 'src', 'cli', 'main.js');
const team = path.join(repoRoot, 'test', 'fixtures', 'settings', 'phoenix_team');

let home: string;
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.CLAUDE_CONFIG_DIR;
  return new Promise((resolve) => {
    execFile(process.execPath, [cliEntry, 'settings', ...args], { env: { ...base, HOME: home, ...env }, cwd: repoRoot }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('cli: `elixir-agent settings check`', () => {
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'settings-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("lists a team's files, rules with their lines and the mode that applies; warnings alone exit 0", async () => {
    mkdirSync(path.join(home, '.claude'));
    writeFileSync(path.join(home, '.claude/settings.json'), '{\n  "permissions": {\n    "deny": ["Bash(git push --force:*)"]\n  }\n}\n');
    const r = await cli(['check', team]);
    assert.equal(r.code, 0, r.stderr);
    for (const line of [
      '  .claude/settings.local.json (local): allow 2, ask 0, deny 0',
      '  .claude/settings.json (project): allow 7, ask 2, deny 4',
      '  ~/.claude/settings.json (user): allow 0, ask 0, deny 1',
      '  Read(./.env) (.claude/settings.json:18)',
      '  Bash(git push --force:*) (~/.claude/settings.json:3)',
      'defaultMode: acceptEdits (.claude/settings.json)',
      `${path.join(team, '.claude/settings.local.json')}:8:20: warning: a repository's settings cannot turn approvals off: "bypassPermissions" is taken only from ~/.claude/settings.json; it is ignored here`,
      '0 error(s), 3 warning(s)',
    ]) {
      assert.ok(r.stdout.split('\n').includes(line), `missing line ${JSON.stringify(line)} in:\n${r.stdout}`);
    }

    // --no-user leaves the user's file out; --json gives the same facts to a script.
    const json = await cli(['check', team, '--json', '--no-user']);
    const parsed = JSON.parse(json.stdout) as { files: Array<{ scope: string }>; permissions: { deny: Array<{ rule: { text: string }; line: number }> } };
    assert.deepEqual([json.code, parsed.files.map((f) => f.scope), parsed.permissions.deny.map((d) => `${d.rule.text}:${d.line}`)], [
      0,
      ['local', 'project'],
      ['Read(./.env):18', 'Read(./config/prod.secret.exs):19', 'Bash(mix ecto.reset:*):20', 'WebFetch:21'],
    ]);
  });

  it('exits 1 when a rule cannot be applied, and 2 on bad usage', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'settings-project-'));
    try {
      mkdirSync(path.join(dir, '.claude'));
      writeFileSync(path.join(dir, '.claude/settings.json'), '{\n  "permissions": {\n    "allow": ["Bash(mix test"]\n  }\n}\n');
      const bad = await cli(['check', dir]);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, new RegExp(`${path.join(dir, '.claude/settings.json').replace(/[.]/g, '\\.')}:3:15: error: "Bash\\(mix test" is missing its closing "\\)": this allow rule is ignored`));
      assert.match(bad.stdout, /1 error\(s\), 0 warning\(s\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const usage = await Promise.all([cli(['check', '--bogus']), cli(['lint']), cli(['check', path.join(team, 'nope')])]);
    assert.deepEqual(usage.map((u) => u.code), [2, 2, 2]);
    assert.match(usage[0]?.stderr ?? '', /unknown option --bogus/);
    assert.match(usage[1]?.stderr ?? '', /unknown settings command 'lint'/);
    assert.match(usage[2]?.stderr ?? '', /is not a folder/);
  });
});
