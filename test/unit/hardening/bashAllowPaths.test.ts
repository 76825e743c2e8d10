/**
 * Hardening: allow-listed commands whose arguments reach outside the
 * workspace ask. The policy is the real one with the default allow-list from
 * package.json, in a real workspace with symlinks pointing out; each attack
 * matches an allow-list entry word for word, so only its paths make it ask.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApprovalPolicy } from '../../../src/core/tools/approval';
import { matchBashAllowList } from '../../../src/core/tools/bashAllow';
import { tool } from '../tools/helpers';

const root = path.resolve(__dirname, '../../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const DEFAULT_ALLOW: string[] = pkg.contributes.configuration.properties['elixirAgent.approvals.bashAllow'].default;

describe('hardening: the Bash allow-list asks for paths outside the workspace', function () {
  if (process.platform === 'win32') return;
  let base: string;
  let ws: string;
  let outside: string;

  before(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-allowpaths-')));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(ws, 'lib/nested'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'test'));
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET\n');
    fs.writeFileSync(path.join(ws, 'lib/app.ex'), 'defmodule App do\nend\n');
    fs.writeFileSync(path.join(ws, 'lib/other.ex'), 'defmodule Other do\nend\n');
    fs.symlinkSync(outside, path.join(ws, 'lib/link'));
    fs.symlinkSync('/etc', path.join(ws, 'escape'));
    fs.symlinkSync('app.ex', path.join(ws, 'lib/alias.ex'));
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  const decide = (command: string, bashAllow = DEFAULT_ALLOW) =>
    createApprovalPolicy({ bashAllow, workspaceFolders: [ws], cwd: ws }).decide(tool('Bash'), { command });

  it('asks for every attack that only a path makes dangerous (absolute, ~, .., --opt=value, -oValue, globs, symlinks)', async () => {
    const attacks = [
      'git diff --no-index /etc/shadow /dev/null',
      'ls -la ~/.ssh',
      'ls ~',
      'ls ~root',
      'mix format --check-formatted --dot-formatter /tmp/evil.exs',
      'mix credo --config-file=/tmp/evil.exs',
      'git diff -O/etc/shadow',
      'ls /',
      'ls ..',
      'ls lib/../..',
      'ls lib/nested/../../../outside',
      'git diff --no-index lib/../../outside/secret.txt lib/app.ex',
      'ls .*',
      'ls ../*',
      'ls /etc/*',
      'ls lib/*/',
      'ls escape/',
      'ls lib/link',
      'git diff --no-index lib/link/secret.txt lib/app.ex',
      'ls lib/link/..',
      'git log -- escape/passwd',
      'git status && ls -la ~/.aws',
      'ls lib; pwd && git diff --no-index /etc/hosts lib/app.ex',
    ];
    const decisions = await Promise.all(attacks.map((c) => decide(c)));
    assert.deepEqual(
      decisions.map((d, i) => [attacks[i], d.decision]),
      attacks.map((c) => [c, 'ask']),
    );
    for (const [i, d] of decisions.entries()) assert.match(String(d.reason), /reaches outside the workspace .*, so `.*` needs approval\.$/, attacks[i]);
    assert.deepEqual(decisions.slice(0, 4).map((d) => d.reason), [
      '`/etc/shadow` reaches outside the workspace (/etc/shadow is outside the workspace), so `git diff --no-index /etc/shadow /dev/null` needs approval.',
      `\`~/.ssh\` reaches outside the workspace (${path.join(os.homedir(), '.ssh')} is outside the workspace), so \`ls -la ~/.ssh\` needs approval.`,
      `\`~\` reaches outside the workspace (${os.homedir()} is outside the workspace), so \`ls ~\` needs approval.`,
      "`~root` reaches outside the workspace (~root is another user's home folder), so `ls ~root` needs approval.",
    ]);
    assert.match(String(decisions[attacks.indexOf('ls lib/link')]?.reason), new RegExp(`lib/link leads to ${outside}, outside the workspace`));
  });

  it('asks when a path cannot be known before it runs (variables, command substitution)', async () => {
    const unknowable = ['ls $HOME', 'ls "$HOME/.ssh"', 'ls ${HOME}', 'git diff --no-index $(echo /etc/shadow) x', 'ls `pwd`/..'];
    const decisions = await Promise.all(unknowable.map((c) => decide(c)));
    assert.deepEqual(
      decisions.map((d, i) => [unknowable[i], d.decision]),
      unknowable.map((c) => [c, 'ask']),
    );
  });

  it('still runs allow-listed commands that stay inside, symlinks within the workspace included', async () => {
    const fine = [
      'git status',
      'git diff HEAD~1 -- lib/',
      'git log --oneline -5 --grep="fix: a/b"',
      'mix test test/app_test.exs:12',
      'mix format --check-formatted lib/app.ex',
      'ls -la lib',
      'ls lib/*.ex',
      'ls lib/alias.ex lib/nested/..',
      'ls /dev/null',
      `ls ${ws}/lib`,
      'pwd',
    ];
    const decisions = await Promise.all(fine.map((c) => decide(c)));
    assert.deepEqual(
      decisions.map((d, i) => [fine[i], d.decision]),
      fine.map((c) => [c, 'allow']),
    );
  });

  it('follows an allow-listed cd: later relative paths start where it went', () => {
    const allow = [...DEFAULT_ALLOW, 'cd'];
    const scope = { workspaceFolders: [ws], cwd: ws };
    assert.deepEqual(
      ['cd lib && ls ..', 'cd lib && ls ../..', 'cd lib/nested; ls ../../../outside', 'cd .. && ls', 'cd && ls', 'cd lib/link && ls'].map((c) => [c, matchBashAllowList(c, allow, scope).allowed]),
      [
        ['cd lib && ls ..', true],
        ['cd lib && ls ../..', false],
        ['cd lib/nested; ls ../../../outside', false],
        ['cd .. && ls', false],
        ['cd && ls', false],
        ['cd lib/link && ls', false],
      ],
    );
  });
});
