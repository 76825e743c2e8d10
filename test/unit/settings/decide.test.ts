/** Permission rules of Claude Code's settings files deciding tool calls, in the approval policy's order. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRule } from '../../../src/core/permissions';
import { hiddenBySettings, type SettingsRules } from '../../../src/core/settings/decide';
import type { SettingsFile, SettingsScope, SourcedRule } from '../../../src/core/settings/types';
import { createApprovalPolicy, type ApprovalPolicyOptions } from '../../../src/core/tools/approval';
import { builtinTools } from '../../../src/core/tools/registry';
import type { Tool } from '../../../src/core/tools/types';

const ROOT = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-settings-decide-')));
after(() => fs.rmSync(ROOT, { recursive: true, force: true }));

const FILES: Record<SettingsScope, SettingsFile> = {
  local: { scope: 'local', path: path.join(ROOT, '.claude/settings.local.json'), label: '.claude/settings.local.json' },
  project: { scope: 'project', path: path.join(ROOT, '.claude/settings.json'), label: '.claude/settings.json' },
  user: { scope: 'user', path: '/home/dev/.claude/settings.json', label: '~/.claude/settings.json' },
};

function sourced(scope: SettingsScope, texts: string[]): SourcedRule[] {
  return texts.map((text, i) => {
    const parsed = parseRule(text);
    if (!('rule' in parsed)) throw new Error(parsed.error);
    return { rule: parsed.rule, file: FILES[scope], line: i + 3 };
  });
}

/** A Phoenix team's .claude/settings.json, a developer's local file and their user file. */
const RULES: SettingsRules = {
  deny: [...sourced('project', ['Read(./.env)', 'Read(./config/prod.secret.exs)', 'Bash(rm -rf *)']), ...sourced('user', ['Bash(git push --force:*)'])],
  ask: sourced('project', ['Bash(git push:*)']),
  allow: [...sourced('project', ['Bash(mix test:*)', 'Bash(mix format:*)', 'Edit(lib/**)']), ...sourced('local', ['Bash(git diff *)']), ...sourced('user', ['Bash(mix credo:*)'])],
};

const tools = new Map(builtinTools().map((t) => [t.name, t]));
const T = (name: string): Tool => {
  const t = tools.get(name);
  if (!t) throw new Error(name);
  return t;
};

function policy(extra: Partial<ApprovalPolicyOptions> = {}) {
  return createApprovalPolicy({ workspaceFolders: [ROOT], cwd: ROOT, settingsRules: RULES, ...extra });
}

const bash = (command: string) => ({ command });

describe('settings permission rules in the approval policy', () => {
  it('a deny rule is a hard block that names its rule and file, whatever the extension settings and mode say', async () => {
    const lax = policy({ tools: { Read: 'allow', Bash: 'allow' }, permissionMode: 'bypassPermissions', allowBypass: true, trustRepositoryAllowRules: true });
    assert.deepEqual(
      await Promise.all([
        lax.decide(T('Read'), { file_path: path.join(ROOT, '.env') }),
        lax.decide(T('Read'), { file_path: path.join(ROOT, 'config/prod.secret.exs') }),
        lax.decide(T('Bash'), bash('mix test && rm -rf _build')),
        lax.decide(T('Bash'), bash('git push --force origin main')),
      ]),
      [
        { decision: 'deny', reason: '`Read(./.env)` in .claude/settings.json denies this call', decidedBy: 'denied by `Read(./.env)` in .claude/settings.json' },
        {
          decision: 'deny',
          reason: '`Read(./config/prod.secret.exs)` in .claude/settings.json denies this call',
          decidedBy: 'denied by `Read(./config/prod.secret.exs)` in .claude/settings.json',
        },
        { decision: 'deny', reason: '`Bash(rm -rf *)` in .claude/settings.json denies this call', decidedBy: 'denied by `Bash(rm -rf *)` in .claude/settings.json' },
        {
          decision: 'deny',
          reason: '`Bash(git push --force:*)` in ~/.claude/settings.json denies this call',
          decidedBy: 'denied by `Bash(git push --force:*)` in ~/.claude/settings.json',
        },
      ],
    );
    // Other files are read as usual.
    assert.equal((await lax.decide(T('Read'), { file_path: path.join(ROOT, 'lib/app.ex') })).decision, 'allow');
  });

  it('an ask rule asks even where the extension settings or the Bash allow-list would allow; a deny rule it cannot check asks too', async () => {
    const p = policy({ tools: { Bash: 'allow' }, bashAllow: ['git push'], trustRepositoryAllowRules: true });
    assert.deepEqual(await p.decide(T('Bash'), bash('git push origin main')), {
      decision: 'ask',
      reason: '`Bash(git push:*)` in .claude/settings.json asks for this call.',
      decidedBy: 'asks because of `Bash(git push:*)` in .claude/settings.json',
    });
    const unknown = await p.decide(T('Bash'), bash('eval "$CMD"'));
    assert.equal(unknown.decision, 'ask');
    assert.match(unknown.reason ?? '', /^A deny rule may apply: it cannot be checked against Bash\(rm -rf \*\) \(`Bash\(rm -rf \*\)` in \.claude\/settings\.json\)\.$/);
  });

  it("allow rules: the user's file always counts, the repository's files only when trusted, and never for a command reaching outside", async () => {
    const untrusted = policy();
    const trusted = policy({ trustRepositoryAllowRules: true });
    const decide = (p: ReturnType<typeof policy>, tool: string, input: unknown) => p.decide(T(tool), input).then((d) => [d.decision, d.decidedBy]);
    assert.deepEqual(
      await Promise.all([
        decide(untrusted, 'Bash', bash('mix test test/app_test.exs')),
        decide(untrusted, 'Bash', bash('mix credo --strict')),
        decide(trusted, 'Bash', bash('mix test test/app_test.exs')),
        decide(trusted, 'Bash', bash('git diff HEAD~1')),
        decide(trusted, 'Edit', { file_path: path.join(ROOT, 'lib/app.ex'), old_string: 'a', new_string: 'b' }),
        decide(trusted, 'Edit', { file_path: path.join(ROOT, 'mix.exs'), old_string: 'a', new_string: 'b' }),
        // Every part of a command must match an allow rule.
        decide(trusted, 'Bash', bash('mix test && curl http://example.com')),
        decide(trusted, 'Bash', bash('mix testing')),
        // A repository's rule never lets a command reach outside the workspace unasked.
        decide(trusted, 'Bash', bash('mix format ../other_project/lib/x.ex')),
      ]),
      [
        ['ask', undefined],
        ['allow', 'allowed by `Bash(mix credo:*)` in ~/.claude/settings.json'],
        ['allow', 'allowed by `Bash(mix test:*)` in .claude/settings.json'],
        ['allow', 'allowed by `Bash(git diff *)` in .claude/settings.local.json'],
        ['allow', 'allowed by `Edit(lib/**)` in .claude/settings.json'],
        ['ask', undefined],
        ['ask', undefined],
        ['ask', undefined],
        ['ask', undefined],
      ],
    );
    // Plan mode and Restricted Mode still refuse what changes things, allow rules or not.
    assert.equal((await policy({ trustRepositoryAllowRules: true, permissionMode: 'plan' }).decide(T('Bash'), bash('mix test'))).decision, 'deny');
    assert.equal((await policy({ trustRepositoryAllowRules: true, trusted: false }).decide(T('Bash'), bash('mix test'))).decision, 'deny');
  });

  it('a bare tool name in deny takes the tool away from the model; scoped rules do not', () => {
    const rules: SettingsRules = { ...RULES, deny: [...RULES.deny, ...sourced('project', ['WebFetch', 'mcp__github', 'NotebookEdit'])] };
    const hidden = ['Bash', 'Read', 'NotebookEdit', 'WebFetch', 'mcp__github__create_issue', 'mcp__tidewave__project_eval'].map((n) => hiddenBySettings(rules, n)?.rule.text);
    assert.deepEqual(hidden, [undefined, undefined, 'NotebookEdit', 'WebFetch', 'mcp__github', undefined]);
  });
});
