/**
 * Agent files as Claude Code reads them, in the patterns found in real
 * public agent files: Bash rules in `tools` (`Bash(git *)`, `Bash(mix test:*)`,
 * `"Bash(*)"`), a key given twice next to an unquoted ": ", names in `tools`
 * that are not tools. From the file to the tools the model gets and the
 * approval of each call.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { agentPermissionRules, BUILTIN_TOOL_NAMES, parseAgentFile, resolveTools, type AgentDefinition, type AgentProblem } from '../../../src/core/agents';
import { createApprovalPolicy, type ApprovalPolicyOptions } from '../../../src/core/tools/approval';
import { builtinTools } from '../../../src/core/tools/registry';
import { fixtures } from './helpers';

const parseFixture = (name: string) => parseAgentFile(readFileSync(fixtures(name), 'utf8'), fixtures(name), 'project');
const parseText = (fields: string) => parseAgentFile(`---\nname: t\ndescription: d\n${fields}---\nBody\n`, '/work/app/.claude/agents/t.md', 'project');
const brief = (problems: AgentProblem[]) => problems.map((p) => [p.line, p.column, p.severity, p.code]);
const offer = { tools: BUILTIN_TOOL_NAMES.map((name) => ({ name })), mcpServers: [] };
const bash = builtinTools().find((t) => t.name === 'Bash')!;
const editTool = builtinTools().find((t) => t.name === 'Edit')!;

/** How the approval policy answers each Bash command for this agent. */
async function bashDecisions(agent: AgentDefinition, commands: string[], extra: Partial<ApprovalPolicyOptions> = {}): Promise<string[]> {
  const policy = createApprovalPolicy({ workspaceFolders: ['/work/app'], agentRules: agentPermissionRules(agent), bashAllow: [], ...extra });
  return Promise.all(commands.map(async (command) => (await policy.decide(bash, { command })).decision));
}

describe('agents: files as Claude Code reads them', () => {
  it('grants Bash for `Bash(git *)`-style entries and for "Bash(*)", with no false warning', () => {
    const reviewer = parseFixture('git-reviewer.md');
    const everything = parseFixture('bash-everything.md');
    assert.deepEqual([reviewer.problems, everything.problems], [[], []]);
    const r = resolveTools(reviewer.agent!, offer);
    assert.deepEqual(r.enabled, ['Read', 'Glob', 'Grep', 'Bash', 'TaskOutput', 'TaskStop']);
    assert.deepEqual(
      r.statuses.map((s) => [s.name, s.status, s.status === 'available' ? s.detail : undefined]),
      [
        ['Read', 'available', undefined],
        ['Grep', 'available', undefined],
        ['Glob', 'available', undefined],
        ['Bash(git diff:*)', 'available', '`git diff:*` runs without asking; other commands ask'],
        ['Bash(git log *)', 'available', '`git log *` runs without asking; other commands ask'],
        ['Bash(mix test:*)', 'available', '`mix test:*` runs without asking; other commands ask'],
      ],
    );
    assert.deepEqual(resolveTools(everything.agent!, offer).enabled, ['Read', 'Grep', 'Bash', 'TaskOutput', 'TaskStop']);
    // A malformed rule is a warning and grants nothing.
    const broken = parseText('tools: Read, Bash(git *\n');
    assert.deepEqual(brief(broken.problems), [[3, 13, 'warning', 'unknown-tool']]);
    assert.match(broken.problems[0]!.message, /"Bash\(git \*" is not a tool name or a rule: .* missing its closing "\)"/);
    assert.deepEqual(resolveTools(broken.agent!, offer).enabled, ['Read']);
  });

  it("runs what the agent's Bash rules name without asking; other commands, and compound ones, still ask", async () => {
    const reviewer = parseFixture('git-reviewer.md').agent!;
    const commands = [
      'git diff main...HEAD', 'git log --oneline main..HEAD', 'git log', 'MIX_ENV=test mix test test/app_test.exs:12', 'mix testing',
      'git push origin main', 'git diff && rm -rf /', 'git log | sh', 'git diff > patch.diff', 'git diff --output=/tmp/x', 'ls',
    ];
    assert.deepEqual(await bashDecisions(reviewer, commands), ['allow', 'allow', 'allow', 'allow', 'ask', 'ask', 'ask', 'ask', 'ask', 'ask', 'ask']);
    // An agent file is the repository's: its rules never let a command reach outside the workspace unasked.
    assert.deepEqual(
      await bashDecisions(reviewer, ['git diff --no-index /etc/shadow /dev/null', 'git log -- ~/.ssh', 'git diff ../other-app', 'git diff lib/app.ex']),
      ['ask', 'ask', 'ask', 'allow'],
    );
    // Bash(*) is the whole tool: granted, and it asks as Bash always does.
    assert.deepEqual(await bashDecisions(parseFixture('bash-everything.md').agent!, ['mix test', 'rm -rf _build']), ['ask', 'ask']);
    // The user's explicit setting, Restricted Mode and plan mode come first.
    assert.deepEqual(
      [
        ...(await bashDecisions(reviewer, ['git log'], { tools: { Bash: 'ask' } })),
        ...(await bashDecisions(reviewer, ['git log'], { trusted: false })),
        ...(await bashDecisions(reviewer, ['git log'], { permissionMode: 'plan' })),
        ...(await bashDecisions(reviewer, ['git log'], { permissionMode: 'dontAsk' })),
      ],
      ['ask', 'deny', 'deny', 'allow'],
    );
    const policy = createApprovalPolicy({ workspaceFolders: ['/work/app'], agentRules: agentPermissionRules(reviewer) });
    assert.deepEqual(await policy.decide(bash, { command: 'git log' }), { decision: 'allow', reason: "Allowed by the agent's tools entry Bash(git log *)." });
  });

  it('honours scoped disallowedTools (deny) and Edit path rules (allow), never past a protected file', async () => {
    const agent = parseText('tools: Read, Edit(lib/**), Bash\ndisallowedTools: Bash(git push:*), Bash(rm *)\n').agent!;
    assert.deepEqual(resolveTools(agent, offer).enabled, ['Read', 'Edit', 'Bash', 'TaskOutput', 'TaskStop'], 'a scoped disallow keeps the tool');
    assert.deepEqual(await bashDecisions(agent, ['git push --force', 'git status && rm -rf lib', 'git status', 'echo $(git push)']), ['deny', 'deny', 'ask', 'ask']);
    const policy = createApprovalPolicy({ workspaceFolders: ['/work/app'], agentRules: agentPermissionRules(agent) });
    const edit = (file: string) => policy.decide(editTool, { file_path: file, old_string: 'a', new_string: 'b' });
    assert.deepEqual(
      (await Promise.all(['/work/app/lib/app/accounts.ex', '/work/app/mix.exs', '/work/app/lib/.git/config'].map(edit))).map((d) => d.decision),
      ['allow', 'ask', 'ask'],
    );
    assert.equal((await policy.decide(bash, { command: 'git push' })).reason, "The agent's disallowedTools entry Bash(git push:*) forbids this call.");
  });

  it('names a key given twice, and still reports the unquoted ": " of the same file', () => {
    const { agent, problems } = parseFixture('color-twice.md');
    assert.equal(agent, undefined);
    assert.deepEqual(brief(problems), [
      [2, 13, 'warning', 'yaml-unquoted-colon'],
      [6, 0, 'error', 'duplicate-key'],
    ]);
    assert.equal(problems[1]!.message, '`color` is given twice (first on line 4): YAML allows each key once, so the front matter does not parse; keep one');
    // Three times, and a key nested under another one, are reported too.
    assert.deepEqual(brief(parseText('model: a\nmodel: b\nmodel: c\n').problems), [[4, 0, 'error', 'duplicate-key'], [5, 0, 'error', 'duplicate-key']]);
    const nested = parseText('hooks:\n  Stop: x\n  Stop: y\n');
    assert.deepEqual([brief(nested.problems), nested.problems[0]?.message], [[[5, 2, 'error', 'yaml']], 'invalid YAML in the front matter: duplicated mapping key (`Stop` is given twice)']);
  });

  it('warns about names in `tools` that are neither Claude Code tools nor MCP tools, at the name', () => {
    const { agent, problems } = parseFixture('unknown-tools.md');
    assert.ok(agent, 'the agent loads');
    assert.deepEqual(brief(problems), [[3, 19, 'warning', 'unknown-tool'], [3, 42, 'warning', 'unknown-tool'], [3, 56, 'warning', 'unknown-tool']]);
    assert.deepEqual(problems.map((p) => p.endColumn! > p.column!), [true, true, true]);
    assert.match(problems[2]!.message, /"Bahs" .*; did you mean Bash\?$/);
    // In a YAML list the warning is on the item's line; Claude Code tools this extension does not offer and MCP names are not warned about.
    const list = parseText('tools:\n  - Read\n  - LSP\n  - TaskCreate\n  - mcp__tidewave__get_docs\n  - computer-use\n  - WebFetch(domain:hexdocs.pm)\n');
    assert.deepEqual(brief(list.problems), [[8, 4, 'warning', 'unknown-tool']]);
    assert.match(list.problems[0]!.message, /^`tools`: "computer-use" is neither a Claude Code tool nor an MCP tool/);
  });
});
