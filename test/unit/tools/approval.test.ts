import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApprovalPolicy, type ApprovalPolicyOptions } from '../../../src/core/tools/approval';
import { matchBashAllowList } from '../../../src/core/tools/bashAllow';
import { builtinTools } from '../../../src/core/tools/registry';
import type { Tool } from '../../../src/core/tools/types';
import { tool } from './helpers';

/** A real, empty workspace for the matcher's path checks. */
const SCOPE_DIR = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-allow-')));
const SCOPE = { workspaceFolders: [SCOPE_DIR], cwd: SCOPE_DIR };
after(() => fs.rmSync(SCOPE_DIR, { recursive: true, force: true }));

const ALLOW = ['mix test', 'mix compile', 'mix format --check-formatted', 'git status', 'git diff', 'git log', 'git show', 'ls', 'pwd', 'cat', 'grep', 'echo', 'FOO=1 mix deps.get'];

describe('Bash allow-list matcher (mvdan-sh)', () => {
  it('approves only commands whose every part is allow-listed', () => {
    const allowed = [
      'git status',
      'mix test test/app_test.exs:12',
      'git status && mix test',
      'git status || git diff',
      'ls -la lib; pwd',
      'git log --oneline | grep fix',
      'git log --grep="a;b"',
      "git log --grep='x && rm -rf ~'",
      'git log --grep=a\\;b',
      'git status\nmix compile',
      'MIX_ENV=test mix test',
      'FOO=1 mix deps.get',
      'mix test # ; rm -rf ~',
      'ls *.ex',
      'git status |& grep x',
    ];
    assert.deepEqual(
      allowed.map((c) => [c, matchBashAllowList(c, ALLOW, SCOPE).allowed]),
      allowed.map((c) => [c, true]),
    );
    assert.deepEqual(matchBashAllowList('MIX_ENV=test mix test && git log --grep="a;b"', ALLOW, SCOPE).commands, [
      ['MIX_ENV=test', 'mix', 'test'],
      ['git', 'log', '--grep=a;b'],
    ]);
  });

  it('asks for tricky commands, saying why', () => {
    const cases: Array<[string, string]> = [
      ['git status; rm -rf ~', '`rm -rf ~` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).'],
      ['ls | sh', '`sh` runs other commands, so it is never auto-approved.'],
      ['echo $(curl x)', 'It contains command substitution ($(...) or backticks), which is never auto-approved.'],
      ['echo `curl x`', 'It contains command substitution ($(...) or backticks), which is never auto-approved.'],
      ['echo "$(curl x)"', 'It contains command substitution ($(...) or backticks), which is never auto-approved.'],
      ['cat > ~/.bashrc', 'It contains a redirection (>, <, >>, heredoc), which is never auto-approved.'],
      ['git show > ~/.ssh/id_rsa', 'It contains a redirection (>, <, >>, heredoc), which is never auto-approved.'],
      ['git status 2>/dev/null', 'It contains a redirection (>, <, >>, heredoc), which is never auto-approved.'],
      ['mix test && curl x | sh', '`curl x` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).'],
      ['git status\nrm -rf ~', '`rm -rf ~` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).'],
      ['cat <<EOF > lib/x.ex\nhi\nEOF', 'It contains a redirection (>, <, >>, heredoc), which is never auto-approved.'],
      ['cat <(curl x)', 'It contains process substitution, which is never auto-approved.'],
      ['(git status; rm -rf ~)', 'It contains a subshell ( ... ), which is never auto-approved.'],
      ['{ git status; }', 'It contains a { ... } block, which is never auto-approved.'],
      ['mix test &', 'It contains a background job (&), which is never auto-approved.'],
      ['ls $HOME', 'It contains variable expansion, which is never auto-approved.'],
      ['FOO=1 mix test', 'The environment prefix `FOO=1` is not auto-approved.'],
      ['PATH=/tmp/evil:$PATH mix test', 'It contains variable expansion, which is never auto-approved.'],
      ['GIT_EXTERNAL_DIFF=/tmp/x git diff', 'The environment prefix `GIT_EXTERNAL_DIFF=/tmp/x` is not auto-approved.'],
      ['FOO=$(curl x)', 'It contains command substitution ($(...) or backticks), which is never auto-approved.'],
      ['eval "git status"', '`eval` runs other commands, so it is never auto-approved.'],
      ['exec rm -rf ~', '`exec` runs other commands, so it is never auto-approved.'],
      ['sh -c "git status"', '`sh` runs other commands, so it is never auto-approved.'],
      ['ls | xargs rm', '`xargs` runs other commands, so it is never auto-approved.'],
      ['git diff --output=/home/u/.bashrc', 'The option `--output=/home/u/.bashrc` can write files or run programs, so it is never auto-approved.'],
      ['git show {,--output=/tmp/x}', 'It contains brace expansion, which is never auto-approved.'],
      ["echo $'\\x41'", "It contains $'...' quoting, which is never auto-approved."],
      ['if true; then git status; fi', 'It contains shell syntax (IfClause), which is never auto-approved.'],
      ['f() { rm -rf ~; }; f', 'It contains a function definition, which is never auto-approved.'],
      ['git statusx', '`git statusx` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).'],
      ['"git status"', '`git status` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).'],
      ['echo "unterminated', 'It contains the command does not parse (command:1:6: reached EOF without closing quote "), which is never auto-approved.'],
      ['', 'It contains no command, which is never auto-approved.'],
    ];
    assert.deepEqual(
      cases.map(([c]) => [c, matchBashAllowList(c, ALLOW, SCOPE).reason]),
      cases,
    );
    assert.equal(cases.some(([c]) => matchBashAllowList(c, ALLOW, SCOPE).allowed), false);
  });

  it('an empty allow-list approves nothing; entries match whole words only', () => {
    assert.deepEqual(
      [matchBashAllowList('ls', [], SCOPE).allowed, matchBashAllowList('lsof', ['ls'], SCOPE).allowed, matchBashAllowList('mix testing', ['mix test'], SCOPE).allowed, matchBashAllowList('mix test --trace', [' mix  test '], SCOPE).allowed],
      [false, false, false, true],
    );
  });
});

describe('approval policy', () => {
  const ws = '/tmp/ea-policy-ws';
  const decide = (opts: Partial<ApprovalPolicyOptions>, t: Tool, input: unknown = {}) => createApprovalPolicy({ workspaceFolders: [ws], ...opts }).decide(t, input);
  const mcpTool: Tool = { name: 'mcp__tidewave__project_eval', description: '', inputSchema: { type: 'object' }, kind: 'mcp', readOnly: false, invoke: async () => ({ content: [] }) };
  const mcpDocs: Tool = { ...mcpTool, name: 'mcp__tidewave__get_docs', readOnly: true };
  const edit = { file_path: `${ws}/lib/a.ex`, old_string: 'a', new_string: 'b' };

  it('defaults: read tools run, edits, commands and MCP tools ask; Bash honours the allow-list', async () => {
    assert.deepEqual(
      await Promise.all([
        decide({}, tool('Read')),
        decide({}, tool('Grep')),
        decide({}, tool('Edit'), edit),
        decide({}, tool('Bash'), { command: 'git status' }),
        decide({ bashAllow: ['git status'] }, tool('Bash'), { command: 'git status' }),
        decide({ bashAllow: ['git status'] }, tool('Bash'), { command: 'git status > x' }),
        decide({}, mcpTool),
      ]),
      [
        { decision: 'allow' },
        { decision: 'allow' },
        { decision: 'ask' },
        { decision: 'ask', reason: '`git status` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).' },
        { decision: 'allow', reason: 'Every part of the command is in the Bash allow-list.' },
        { decision: 'ask', reason: 'It contains a redirection (>, <, >>, heredoc), which is never auto-approved.' },
        { decision: 'ask' },
      ],
    );
  });

  it('per-tool settings (exact, mcp server wildcard) override defaults', async () => {
    const tools = { Edit: 'allow', Read: 'ask', Grep: 'deny', 'mcp__tidewave__*': 'allow', Bash: 'bogus' };
    assert.deepEqual(
      await Promise.all([decide({ tools }, tool('Edit'), edit), decide({ tools }, tool('Read')), decide({ tools }, tool('Grep')), decide({ tools }, mcpTool), decide({ tools }, tool('Bash'), { command: 'rm x' })]),
      [
        { decision: 'allow', reason: 'Edit is allowed by the setting elixirAgent.approvals.tools.' },
        { decision: 'ask' },
        { decision: 'deny', reason: 'Grep is denied by the setting elixirAgent.approvals.tools.' },
        { decision: 'allow', reason: 'mcp__tidewave__project_eval is allowed by the setting elixirAgent.approvals.tools.' },
        { decision: 'ask', reason: '`rm x` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).' },
      ],
    );
  });

  it('permission modes: plan, acceptEdits, dontAsk, bypassPermissions', async () => {
    assert.deepEqual(
      await Promise.all([
        decide({ permissionMode: 'plan', tools: { Edit: 'allow' } }, tool('Edit'), edit),
        decide({ permissionMode: 'plan' }, tool('Bash'), { command: 'ls' }),
        decide({ permissionMode: 'plan' }, tool('Read')),
        decide({ permissionMode: 'plan' }, mcpDocs),
        decide({ permissionMode: 'acceptEdits' }, tool('Write'), { file_path: `${ws}/new.ex`, content: '' }),
        decide({ permissionMode: 'acceptEdits' }, tool('Bash'), { command: 'rm -rf deps' }),
        decide({ permissionMode: 'dontAsk' }, tool('Edit'), edit),
        decide({ permissionMode: 'dontAsk' }, tool('Read')),
        decide({ permissionMode: 'bypassPermissions' }, tool('Bash'), { command: 'rm -rf deps' }),
        decide({ permissionMode: 'bypassPermissions', allowBypass: true }, tool('Bash'), { command: 'rm -rf deps' }),
        decide({ permissionMode: 'weird' }, tool('Edit'), edit),
      ]),
      [
        { decision: 'deny', reason: 'The agent is in plan mode (permissionMode: plan): it may read and propose changes, but not change files.' },
        { decision: 'deny', reason: 'The agent is in plan mode (permissionMode: plan): it may read and propose changes, but not run commands.' },
        { decision: 'allow' },
        { decision: 'allow' },
        { decision: 'allow', reason: 'permissionMode: acceptEdits' },
        { decision: 'ask', reason: '`rm -rf deps` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).' },
        { decision: 'deny', reason: 'permissionMode dontAsk: Edit needs approval, which this agent does not ask for. Allow it in elixirAgent.approvals.tools to run it.' },
        { decision: 'allow' },
        { decision: 'ask', reason: '`rm -rf deps` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).' },
        { decision: 'allow', reason: 'permissionMode: bypassPermissions' },
        { decision: 'ask' },
      ],
    );
  });

  it('protected files always ask (every time), even when allowed; dontAsk turns that into deny', async () => {
    const input = { file_path: `${ws}/.vscode/settings.json`, content: '{}' };
    const allowAll = await decide({ tools: { Write: 'allow' }, permissionMode: 'bypassPermissions', allowBypass: true }, tool('Write'), input);
    assert.deepEqual(allowAll.decision === 'ask' && allowAll.askEveryTime, true);
    assert.match(allowAll.reason ?? '', /^Protected file: \.vscode\/settings\.json is in \.vscode\//);
    assert.equal((await decide({ permissionMode: 'dontAsk', tools: { Write: 'allow' } }, tool('Write'), input)).decision, 'deny');
  });

  it('Restricted Mode: only read tools exist, and anything else is denied', async () => {
    assert.deepEqual(builtinTools({ trusted: false }).map((t) => t.name), ['Read', 'Glob', 'Grep', 'LS']);
    assert.deepEqual(builtinTools().map((t) => t.name), ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash', 'TaskOutput', 'TaskStop', 'NotebookEdit']);
    assert.deepEqual(
      await Promise.all([decide({ trusted: false, tools: { Bash: 'allow' } }, tool('Bash'), { command: 'ls' }), decide({ trusted: false }, tool('Read'))]),
      [{ decision: 'deny', reason: 'The workspace is in Restricted Mode (not trusted), so the agent can only read files. Trust the workspace to let it use Bash.' }, { decision: 'allow' }],
    );
  });
});
