/**
 * Suite `elixir-restricted` (workspace: test/fixtures/plain_mix in Restricted
 * Mode): detection still works (it only reads files), but nothing that runs
 * the project's code does: no mix compile, no language server, no executeCode.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../../src/vscode/ids';
import { chatWith, elixirService, runtime, text, toolContext, until } from '../helpers';
import { turn } from '../../../support/scriptedModelServer';

describe('Elixir in Restricted Mode (plain_mix)', function () {
  this.timeout(60_000);

  it('detects the project but runs neither mix nor a language server', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the suite must run in Restricted Mode');
    const elixir = await elixirService(await runtime());
    assert.strictEqual(elixir.summary(), 'Mix app plain_mix');

    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.runMixCompile), undefined);
    await assert.rejects(elixir.mix.run(), /only runs in a trusted workspace/);
    assert.deepStrictEqual(
      vscode.languages.getDiagnostics().filter(([, list]) => list.some((d) => d.source === 'mix')),
      [],
    );

    // Even an existing, configured server is not started.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-restricted-'));
    const wrapper = path.join(dir, 'expert');
    fs.writeFileSync(wrapper, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const config = vscode.workspace.getConfiguration('elixirAgent');
    try {
      await config.update('languageServer.path', wrapper, vscode.ConfigurationTarget.Global);
      await until(() => /not trusted/.test(elixir.languageServer.current().reason ?? ''), [elixir.languageServer.onDidChange], 'the language server decision');
      await elixir.languageServer.ready();
      assert.deepStrictEqual(elixir.languageServer.current(), { reason: 'the workspace is not trusted (Restricted Mode)', clients: [] });
    } finally {
      await config.update('languageServer.path', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('getDiagnostics says in words that the project was not compiled, and why; never an empty list', async () => {
    const elixir = await elixirService(await runtime());
    const tool = elixir.tools().find((t) => t.name === 'mcp__ide__getDiagnostics');
    assert.ok(tool, 'getDiagnostics is offered in Restricted Mode (it only reads)');
    const direct = await tool.invoke({}, toolContext(elixir));
    const words =
      "The project was not compiled: this workspace is in Restricted Mode (not trusted), and compiling runs the project's code (mix.exs and macros run at compile time). " +
      'The user can trust the workspace (Manage Workspace Trust) to let mix compile it.\nSo there are no compiler diagnostics. This does NOT mean the code has no problems.';
    assert.deepStrictEqual([direct.isError, text(direct)], [undefined, words]);

    const { results } = await chatWith(await runtime(), [turn.toolUse('mcp__ide__getDiagnostics', {}, { id: 'toolu_restricted' }), turn.text('Not compiled.')], 'Fix the compiler warnings');
    assert.deepStrictEqual(results.toolu_restricted, { text: words, isError: false });
    assert.deepStrictEqual(vscode.languages.getDiagnostics().filter(([, list]) => list.some((d) => d.source === 'mix')), [], 'mix did not run');
  });
});
