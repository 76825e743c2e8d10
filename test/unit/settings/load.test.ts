/**
 * Claude Code's settings files read from disk: the three scopes merged with
 * each rule's file and line, and every kind of bad input reported at its
 * place while the rest still applies.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSettings } from '../../../src/core/settings/load';
import type { LoadedSettings } from '../../../src/core/settings/types';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/settings');
const read = (f: string) => fs.readFile(f, 'utf8').catch(() => undefined);

const summary = (s: LoadedSettings) => ({
  files: s.files.map((f) => `${f.scope} ${f.label}`),
  allow: s.permissions.allow.map((r) => `${r.rule.text} @${r.file.scope}:${r.line}`),
  ask: s.permissions.ask.map((r) => `${r.rule.text} @${r.file.scope}:${r.line}`),
  deny: s.permissions.deny.map((r) => `${r.rule.text} @${r.file.scope}:${r.line}`),
  defaultMode: s.permissions.defaultMode && `${s.permissions.defaultMode.mode} @${s.permissions.defaultMode.file.scope}`,
  dirs: s.permissions.additionalDirectories.map((d) => `${d.path} @${d.file.scope}`),
});

/** Loads one project settings.json with the given text (no other file). */
async function loadProjectText(text: string): Promise<LoadedSettings> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-settings-load-'));
  try {
    await fs.mkdir(path.join(root, '.claude'));
    await fs.writeFile(path.join(root, '.claude/settings.json'), text);
    return await loadSettings({ projectRoot: root, homeDir: path.join(root, 'nohome'), readFile: read });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}
const problems = (s: LoadedSettings) => s.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.message}`);

describe('settings: loading the files', () => {
  it("merges a Phoenix team's project file, a developer's local file and their user file, each rule with its file and line", async () => {
    const projectRoot = path.join(FIXTURES, 'phoenix_team');
    const homeDir = path.join(FIXTURES, 'home');
    const s = await loadSettings({ projectRoot, homeDir, readFile: read });
    assert.deepEqual(summary(s), {
      files: ['local .claude/settings.local.json', 'project .claude/settings.json', 'user ~/.claude/settings.json'],
      allow: [
        'Bash(iex -S mix:*) @local:4',
        'Bash(git diff *) @local:5',
        'Bash(mix test:*) @project:5',
        'Bash(mix format:*) @project:6',
        'Bash(mix compile:*) @project:7',
        'Bash(mix credo --strict) @project:8',
        'Edit(lib/**) @project:9',
        'Edit(test/**) @project:10',
        'mcp__tidewave @project:11',
        'Bash(git status) @user:4',
        'Read(~/notes/**) @user:4',
      ],
      ask: ['Bash(mix ecto.migrate:*) @project:14', 'Bash(git push:*) @project:15'],
      deny: [
        'Read(./.env) @project:18',
        'Read(./config/prod.secret.exs) @project:19',
        'Bash(mix ecto.reset:*) @project:20',
        'WebFetch @project:21',
        'Bash(git push --force:*) @user:5',
      ],
      // The local file's bypassPermissions is refused; the project's acceptEdits is the highest that counts.
      defaultMode: 'acceptEdits @project',
      dirs: [`${path.join(FIXTURES, 'shared_assets')} @project`, `${path.join(homeDir, 'notes')} @user`],
    });
    // The local file is JSON with a comment and a trailing comma: it still applies, with warnings saying Claude Code would reject it.
    assert.deepEqual(
      s.problems.map((p) => [path.basename(p.file), p.line, p.column, p.severity, p.message.split(':')[0]]),
      [
        ['settings.local.json', 5, 25, 'warning', 'a trailing comma'],
        ['settings.local.json', 7, 5, 'warning', 'Claude Code reads this file as strict JSON and rejects comments'],
        ['settings.local.json', 8, 20, 'warning', "a repository's settings cannot turn approvals off"],
      ],
    );
  });

  it('a project with no settings files has no rules and no problems', async () => {
    const s = await loadSettings({ projectRoot: path.join(FIXTURES, 'nowhere'), homeDir: path.join(FIXTURES, 'nowhere'), readFile: read });
    assert.deepEqual([s.files, s.permissions.allow, s.permissions.ask, s.permissions.deny, s.problems], [[], [], [], [], []]);
  });

  it('bad rules and values are reported at their line and column; the good rules next to them still apply', async () => {
    const s = await loadProjectText(
      [
        '{',
        '  "permissions": {',
        '    "allow": ["Bash(mix test", "Bash(mix format:*)", 42, ""],',
        '    "deny": "Read(./.env)",',
        '    "ask": ["Bash(git push:*)"],',
        '    "defaultMode": "yolo",',
        '    "allowedTools": ["Bash"]',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(summary(s).allow, ['Bash(mix format:*) @project:3']);
    assert.deepEqual(summary(s).ask, ['Bash(git push:*) @project:5']);
    assert.deepEqual([s.permissions.deny, s.permissions.defaultMode], [[], undefined]);
    assert.deepEqual(problems(s), [
      '3:15 error "Bash(mix test" is missing its closing ")": this allow rule is ignored',
      '3:54 error an entry of "permissions.allow" is not a string: it is ignored',
      '3:58 error an empty rule: this allow rule is ignored',
      '4:13 error "permissions.deny" must be a list of strings: it is ignored',
      '6:20 error "defaultMode" must be one of default, acceptEdits, plan, dontAsk, bypassPermissions: it is ignored',
      '7:5 warning unknown permissions key "allowedTools" (known: allow, ask, deny, defaultMode, additionalDirectories, disableBypassPermissionsMode): it is ignored',
    ]);
  });

  it('a file that is not valid JSON keeps its deny and ask rules but not its allow rules or mode; a non-object is refused whole', async () => {
    const broken = await loadProjectText('{\n  "permissions": {\n    "deny": ["Read(./.env)"],\n    "allow": ["Bash"],\n    "defaultMode": "acceptEdits"\n  \n');
    assert.deepEqual([summary(broken).deny, summary(broken).allow, broken.permissions.defaultMode], [['Read(./.env) @project:3'], [], undefined]);
    assert.equal(broken.problems[0]?.severity, 'error');
    assert.match(broken.problems[0]?.message ?? '', /^not valid JSON \(CloseBraceExpected\): its deny and ask rules still apply, its allow rules and defaultMode do not/);

    const array = await loadProjectText('["Bash"]');
    assert.deepEqual([array.permissions.allow, problems(array)], [[], ['1:1 error the settings must be a JSON object, not an array']]);
    const notObject = await loadProjectText('{"permissions": ["Bash"]}');
    assert.deepEqual(problems(notObject), ['1:17 error "permissions" must be an object with "allow", "ask" and "deny" lists']);
    const empty = await loadProjectText('');
    assert.deepEqual([empty.files.length, empty.problems], [1, []]);
  });

  it("only the user's own file may set bypassPermissions; the highest scope's mode wins", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-settings-mode-'));
    try {
      await fs.mkdir(path.join(root, 'p/.claude'), { recursive: true });
      await fs.mkdir(path.join(root, 'h/.claude'), { recursive: true });
      await fs.writeFile(path.join(root, 'h/.claude/settings.json'), '{"permissions": {"defaultMode": "bypassPermissions"}}');
      const userOnly = await loadSettings({ projectRoot: path.join(root, 'p'), homeDir: path.join(root, 'h'), readFile: read });
      assert.equal(summary(userOnly).defaultMode, 'bypassPermissions @user');
      await fs.writeFile(path.join(root, 'p/.claude/settings.json'), '{"permissions": {"defaultMode": "plan"}}');
      const both = await loadSettings({ projectRoot: path.join(root, 'p'), homeDir: path.join(root, 'h'), readFile: read });
      assert.equal(summary(both).defaultMode, 'plan @project');
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
