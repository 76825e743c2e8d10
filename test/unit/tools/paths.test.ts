/**
 * Abuse attempts: every way out of the workspace we could think of, through
 * every tool that takes a path. Each must fail with a clear error and leave
 * the files outside untouched.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createApprovalPolicy } from '../../../src/core/tools/approval';
import { call, makeWorkspace, tool, type Workspace } from './helpers';

describe('workspace paths: escape attempts', () => {
  let ws: Workspace;
  let server: net.Server;
  let secret: string;

  before(async () => {
    ws = makeWorkspace();
    secret = path.join(ws.outside, 'secret.txt');
    ws.file('lib/app.ex', 'defmodule App do\nend\n');
    fs.symlinkSync(ws.outside, ws.path('link-out'));
    fs.symlinkSync(secret, ws.path('secret-link'));
    fs.symlinkSync(path.join(ws.outside, 'nothing-here'), ws.path('dangling'));
    fs.symlinkSync('../..', ws.path('lib/up'));
    fs.symlinkSync('loop2', ws.path('loop1'));
    fs.symlinkSync('loop1', ws.path('loop2'));
    fs.symlinkSync('/dev/null', ws.path('devnull'));
    fs.symlinkSync('/proc/self/environ', ws.path('proc-env'));
    fs.linkSync(secret, ws.path('hard'));
    execFileSync('mkfifo', [ws.path('pipe')]);
    fs.closeSync(fs.openSync(ws.path('huge.log'), 'w'));
    fs.truncateSync(ws.path('huge.log'), 100 * 1024 * 1024);
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(ws.path('sock'), resolve));
  });
  after(() => {
    server.close();
    ws.cleanup();
  });

  // One answer for every outside path, plain or through a link, existing or not.
  const outsideMsg = (given: string) => new RegExp(`^${escape(given)} is outside the workspace \\(${escape(ws.root)}\\)\\. Tools only touch files inside the workspace folders, and do not follow links out of them\\.$`);
  const viaLink = outsideMsg;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  const attempts: Array<[string, string, () => Record<string, unknown>, () => RegExp]> = [
    ['Read', '/etc/passwd', () => ({ file_path: '/etc/passwd' }), () => outsideMsg('/etc/passwd')],
    ['Read', 'ws/../outside', () => ({ file_path: `${ws.root}/../outside/secret.txt` }), () => outsideMsg(`${ws.root}/../outside/secret.txt`)],
    ['Read', 'ws/lib/../../outside', () => ({ file_path: `${ws.root}/lib/../../outside/secret.txt` }), () => outsideMsg(`${ws.root}/lib/../../outside/secret.txt`)],
    ['Read', 'ws/./lib/../..', () => ({ file_path: `${ws.root}/./lib/../../outside/secret.txt` }), () => outsideMsg(`${ws.root}/./lib/../../outside/secret.txt`)],
    ['Read', 'symlinked folder', () => ({ file_path: ws.path('link-out/secret.txt') }), () => viaLink(ws.path('link-out/secret.txt'))],
    ['Read', 'symlinked file', () => ({ file_path: ws.path('secret-link') }), () => viaLink(ws.path('secret-link'))],
    ['Read', 'relative ../.. link', () => ({ file_path: ws.path('lib/up/outside/secret.txt') }), () => viaLink(ws.path('lib/up/outside/secret.txt'))],
    ['Read', 'dangling link out', () => ({ file_path: ws.path('dangling') }), () => outsideMsg(ws.path('dangling'))],
    ['Read', 'link loop', () => ({ file_path: ws.path('loop1') }), () => /too many levels of symbolic links/],
    ['Read', 'link to /dev/null', () => ({ file_path: ws.path('devnull') }), () => viaLink(ws.path('devnull'))],
    ['Read', 'link to /proc/self/environ', () => ({ file_path: ws.path('proc-env') }), () => viaLink(ws.path('proc-env'))],
    ['Read', 'FIFO (must not hang)', () => ({ file_path: ws.path('pipe') }), () => /pipe is a FIFO \(named pipe\); Read only reads regular files\.$/],
    ['Read', 'socket', () => ({ file_path: ws.path('sock') }), () => /sock is a socket; Read only reads regular files\.$/],
    ['Read', '100 MB file', () => ({ file_path: ws.path('huge.log'), offset: 1, limit: 5 }), () => /huge\.log is 104857600 bytes, too large to read\. Use Grep/],
    ['Read', 'relative path', () => ({ file_path: '../outside/secret.txt' }), () => /^file_path must be an absolute path, got "\.\.\/outside\/secret\.txt"\./],
    ['Read', 'home tilde', () => ({ file_path: '~/.bashrc' }), () => /^file_path must be an absolute path, got "~\/\.bashrc"\.$/],
    ['Read', 'NUL byte', () => ({ file_path: `${ws.root}/lib/app.ex\0/etc/passwd` }), () => /^file_path contains a NUL character\.$/],
    ['Read', 'case-changed root', () => ({ file_path: ws.path('lib/app.ex').toUpperCase() }), () => (process.platform === 'linux' ? /is outside the workspace/ : /./)],
    ['Write', 'outside folder', () => ({ file_path: path.join(ws.outside, 'new.txt'), content: 'x' }), () => outsideMsg(path.join(ws.outside, 'new.txt'))],
    ['Write', 'new file through a symlinked folder', () => ({ file_path: ws.path('link-out/new.txt'), content: 'x' }), () => viaLink(ws.path('link-out/new.txt'))],
    ['Write', 'through a symlinked file', () => ({ file_path: ws.path('secret-link'), content: 'pwned' }), () => viaLink(ws.path('secret-link'))],
    ['Write', 'through a dangling link out', () => ({ file_path: ws.path('dangling'), content: 'pwned' }), () => outsideMsg(ws.path('dangling'))],
    ['Write', 'hard link to an outside file', () => ({ file_path: ws.path('hard'), content: 'pwned' }), () => /hard has 2 hard links: its other names may be outside the workspace, so tools do not read, search or change it\.$/],
    ['Write', 'FIFO', () => ({ file_path: ws.path('pipe'), content: 'x' }), () => /pipe is a FIFO \(named pipe\); tools only write regular files\.$/],
    ['Write', 'below a file', () => ({ file_path: ws.path('lib/app.ex/x.ex'), content: 'x' }), () => /a part of this path is a file, not a directory\.$|is a file, not a directory\.$/],
    ['Write', 'a directory', () => ({ file_path: ws.path('lib'), content: 'x' }), () => /lib is a directory; give the path of a file\.$/],
    ['Edit', 'link to /dev/null', () => ({ file_path: ws.path('devnull'), old_string: '', new_string: 'x' }), () => viaLink(ws.path('devnull'))],
    ['MultiEdit', 'ws/../outside', () => ({ file_path: `${ws.root}/../outside/secret.txt`, edits: [{ old_string: 'TOP', new_string: 'x' }] }), () => /is outside the workspace/],
    ['NotebookEdit', 'outside notebook', () => ({ notebook_path: path.join(ws.outside, 'n.ipynb'), new_source: 'x' }), () => /is outside the workspace/],
    ['Glob', 'path /etc', () => ({ pattern: '*', path: '/etc' }), () => outsideMsg('/etc')],
    ['Glob', 'absolute pattern outside', () => ({ pattern: '/etc/*' }), () => /The pattern \/etc\/\* is outside .*; give a pattern relative to path\.$/],
    ['Grep', 'symlinked folder as path', () => ({ pattern: 'SECRET', path: ws.path('link-out') }), () => viaLink(ws.path('link-out'))],
    ['Grep', 'path /', () => ({ pattern: 'root', path: '/' }), () => outsideMsg('/')],
    ['LS', 'root of the file system', () => ({ path: '/' }), () => outsideMsg('/')],
    ['LS', 'symlinked folder', () => ({ path: ws.path('link-out/') }), () => viaLink(ws.path('link-out/'))],
  ];

  for (const [name, what, input, expected] of attempts) {
    it(`${name}: ${what}`, async () => {
      const r = await call(name, input(), ws.ctx);
      assert.equal(r.ok, false, `expected an error, got: ${r.text}`);
      assert.match(r.text, expected());
    });
  }

  it('a character device inside the workspace is refused (when this machine lets us mknod)', async function () {
    try {
      execFileSync('mknod', [ws.path('null-dev'), 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    assert.deepEqual(await call('Read', { file_path: ws.path('null-dev') }, ws.ctx), { ok: false, text: `${ws.path('null-dev')} is a character device; Read only reads regular files.` });
  });

  it('searches do not follow links out of the workspace, and nothing outside changed', async () => {
    // Hard links have their own test (hardening/outsideAnswers.test.ts): take it away here.
    fs.unlinkSync(ws.path('hard'));
    for (const ripgrepPath of [ws.ctx.services.ripgrepPath, undefined]) {
      const ctx = { ...ws.ctx, services: { ...ws.ctx.services, ripgrepPath } };
      assert.deepEqual(
        [await call('Grep', { pattern: 'TOP SECRET' }, ctx), (await call('Glob', { pattern: '**/secret*' }, ctx)).text],
        [{ ok: true, text: `No files found for "TOP SECRET" in ${ws.root}.` }, `No files found matching **/secret* in ${ws.root}.`],
      );
    }
    assert.deepEqual(fs.readdirSync(ws.outside), ['secret.txt']);
    assert.equal(fs.readFileSync(secret, 'utf8'), 'TOP SECRET\n');
  });

  it('links that stay inside the workspace work, on their real file', async () => {
    fs.symlinkSync('lib/app.ex', ws.path('alias.ex'));
    const r = await call('Read', { file_path: ws.path('alias.ex') }, ws.ctx);
    assert.deepEqual(r, { ok: true, text: '1\tdefmodule App do\n2\tend' });
    assert.equal((await call('Edit', { file_path: ws.path('lib/app.ex'), old_string: 'App', new_string: 'App2' }, ws.ctx)).ok, true);
  });

  it('protected files need a confirmation that says so, however they are named', async () => {
    fs.mkdirSync(ws.path('.vscode'));
    fs.writeFileSync(ws.path('.vscode/settings.json'), '{}');
    fs.symlinkSync('.vscode/settings.json', ws.path('innocent.json'));
    const policy = createApprovalPolicy({ workspaceFolders: [ws.root], tools: { Write: 'allow', Edit: 'allow' }, permissionMode: 'bypassPermissions', allowBypass: true });
    const cases = ['.vscode/settings.json', '.VSCode/Settings.json', '.vscode/tasks.json', 'innocent.json', 'team.code-workspace', '.git/hooks/pre-commit', '.git/config', '.claude/settings.local.json', '.mcp.json', 'sub/.vscode/launch.json'];
    const out: Array<[string, string, boolean | undefined]> = [];
    for (const rel of cases) {
      const input = { file_path: ws.path(rel), content: '{"elixirAgent.approvals.tools": {"Bash": "allow"}}' };
      const d = await policy.decide(tool('Write'), input);
      const request = rel === 'innocent.json' ? await tool('Write').describe!(input, ws.ctx) : undefined;
      out.push([rel, d.decision, d.askEveryTime]);
      if (request) assert.match(request.warning ?? '', /^Protected file: \.vscode\/settings\.json is in \.vscode\/, which holds VS Code workspace settings \(including this agent's approval settings\)/);
    }
    assert.deepEqual(out, cases.map((rel) => [rel, 'ask', true]));
    assert.deepEqual(await policy.decide(tool('Write'), { file_path: ws.path('lib/ok.ex'), content: '' }), { decision: 'allow', reason: 'Write is allowed by the setting elixirAgent.approvals.tools.' });
  });
});
