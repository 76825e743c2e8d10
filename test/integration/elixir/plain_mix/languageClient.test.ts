/**
 * Suite `elixir`: the language client against a small real LSP server over
 * stdio (test/support/fakeLanguageServer.ts, reached through an executable
 * wrapper named `expert`, as elixirAgent.languageServer.path). Its
 * diagnostics reach the Problems panel, getDiagnostics and the model.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ElixirService } from '../../../../src/vscode/elixir';
import { COMMANDS } from '../../../../src/vscode/ids';
import type { Runtime } from '../../../../src/vscode/runtime';
import { elixirService, getDiagnostics, modelSeesDiagnostics, runtime, until } from '../helpers';
import { firstFolder } from '../../workspace';

const FAKE = {
  message: 'IO.inspect left in code: remove the debugging call before committing.',
  severity: 'Warning',
  range: { start: { line: 5, character: 4 }, end: { line: 5, character: 14 } },
  source: 'fake-lsp',
  code: 'debug-call',
};

describe('language client (fake LSP server over stdio)', function () {
  this.timeout(90_000);
  let rt: Runtime;
  let elixir: ElixirService;
  let root: string;
  let debugFile: vscode.Uri;
  let dir: string;
  let wrapper: string;
  let logFile: string;
  const config = () => vscode.workspace.getConfiguration('elixirAgent');
  const log = (): Array<{ pid: number; event: string; args?: string[]; rootUri?: string }> =>
    fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const status = () => elixir.languageServer.current();
  const fakeDiagnostics = () => vscode.languages.getDiagnostics(debugFile).filter((d) => d.source === 'fake-lsp');

  before(async () => {
    rt = await runtime();
    elixir = await elixirService(rt);
    root = firstFolder().uri.fsPath;
    debugFile = vscode.Uri.file(path.join(root, 'lib/plain_mix/debug.ex'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-fake-lsp-'));
    logFile = path.join(dir, 'events.jsonl');
    wrapper = path.join(dir, 'expert');
    const server = path.resolve(__dirname, '../../../support/fakeLanguageServer.js');
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\nexport ELECTRON_RUN_AS_NODE=1\nexport FAKE_LSP_LOG='${logFile}'\nexec '${process.execPath}' '${server}' "$@"\n`,
      { mode: 0o755 },
    );
    // Nothing on PATH and nothing configured: no server runs yet.
    await elixir.languageServer.ready();
    assert.deepStrictEqual(status().clients, []);
  });

  after(async () => {
    await config().update('languageServer.path', undefined, vscode.ConfigurationTarget.Global);
    await elixir.languageServer.ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts the configured server for the project and its diagnostics reach getDiagnostics and the model', async () => {
    await config().update('languageServer.path', wrapper, vscode.ConfigurationTarget.Global);
    await until(() => status().clients.some((c) => c.state === 'running'), [elixir.languageServer.onDidChange], 'the language server to run');
    assert.deepStrictEqual(status(), { reason: undefined, clients: [{ root, server: 'Expert', command: wrapper, state: 'running' }] });
    const [init] = log();
    assert.deepStrictEqual([init?.event, init?.args, init?.rootUri], ['initialize', ['--stdio'], vscode.Uri.file(root).toString()]);

    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(debugFile));
    await until(() => fakeDiagnostics().length > 0, [vscode.languages.onDidChangeDiagnostics], 'the server to publish diagnostics');
    assert.deepStrictEqual(
      fakeDiagnostics().map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.code, d.message]),
      [[5, 4, 14, 'debug-call', FAKE.message]],
    );

    const all = await getDiagnostics(elixir);
    assert.deepStrictEqual(all.find((f) => f.uri === debugFile.toString())?.diagnostics, [FAKE]);
    const toolResult = await modelSeesDiagnostics(rt, debugFile);
    assert.deepStrictEqual(JSON.parse(toolResult.split('\n')[0]!), [{ uri: debugFile.toString(), diagnostics: [FAKE] }]);
  });

  it('restarts on command, with a new server process', async () => {
    const before = log().filter((e) => e.event === 'initialize');
    const running = before.at(-1);
    assert.ok(running, 'a server was started');
    const result = (await vscode.commands.executeCommand(COMMANDS.restartLanguageServer)) as ReturnType<typeof status>;
    assert.deepStrictEqual(result.clients.map((c) => [c.server, c.state]), [['Expert', 'running']]);
    const inits = log().filter((e) => e.event === 'initialize');
    assert.strictEqual(inits.length, before.length + 1);
    assert.notStrictEqual(inits.at(-1)!.pid, running.pid);
    assert.ok(log().some((e) => e.event === 'shutdown'), 'the old server was shut down');
  });

  it('says clearly when the configured binary is missing, and runs nothing', async () => {
    const missing = path.join(dir, 'no-such-dir', 'expert');
    await config().update('languageServer.path', missing, vscode.ConfigurationTarget.Global);
    await until(() => status().clients.length === 0 && !!status().reason, [elixir.languageServer.onDidChange], 'the server to stop');
    await elixir.languageServer.ready();
    assert.deepStrictEqual(status(), { reason: `the configured language server ${missing} does not exist or is not executable`, clients: [] });
  });
});
