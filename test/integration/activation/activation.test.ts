/**
 * Suite `activation` (workspace: test/fixtures/sample_app, a Phoenix-style mix project).
 * The extension activates by itself, registers what its manifest promises and
 * brings the elixir language even with no other Elixir extension installed.
 */
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { COMMANDS, EXTENSION_ID } from '../../../src/vscode/ids';
import { waitFor } from './wait';

interface Manifest {
  contributes: { commands: Array<{ command: string; title: string; category?: string }> };
}

describe('activation in a mix project (sample_app)', () => {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  const folder = () => vscode.workspace.workspaceFolders?.[0];

  before(() => {
    assert.ok(ext, `${EXTENSION_ID} is not loaded as a development extension`);
    assert.strictEqual(folder() && path.basename(folder()!.uri.fsPath), 'sample_app', 'the suite must open test/fixtures/sample_app');
  });

  it('activates by itself (workspaceContains:**/mix.exs) and returns its API', async function () {
    // Nothing in this suite calls ext.activate(): the workspace alone must do it, after VS Code's
    // workspace search, which on a loaded 2-core machine took over 20 s once.
    this.timeout(150_000);
    await waitFor(() => ext!.isActive, 'the extension to activate', 120_000);
    const api = ext!.exports;
    assert.strictEqual(typeof api.runtime, 'function');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs = ${api.activationMs}`);
  });

  it('registers every command its manifest contributes, each with the Elixir Agent category', async () => {
    const manifest = ext!.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(
      { missing: contributed.filter((c) => !registered.has(c)), withoutCategory: manifest.contributes.commands.filter((c) => c.category !== 'Elixir Agent').map((c) => c.command) },
      { missing: [], withoutCategory: [] },
    );
    // The ids the code uses (src/vscode/ids.ts) are exactly the manifest's.
    assert.deepStrictEqual(Object.values(COMMANDS).sort(), contributed);
  });

  it('loads its runtime lazily and runs a command through it (Show Log)', async () => {
    await vscode.commands.executeCommand(COMMANDS.showLog);
    const rt = await ext!.exports.runtime();
    assert.strictEqual(typeof rt.runCommand, 'function');
    // The same runtime instance is returned every time.
    assert.strictEqual(await ext!.exports.runtime(), rt);
  });

  it('contributes the elixir language for .ex, .exs and mix.lock', async () => {
    const root = folder()!.uri;
    const files = ['mix.exs', 'mix.lock', 'lib/sample_app/accounts.ex', 'test/test_helper.exs'];
    const languages: Record<string, string> = {};
    for (const f of files) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, f));
      languages[f] = doc.languageId;
    }
    assert.deepStrictEqual(languages, Object.fromEntries(files.map((f) => [f, 'elixir'])));
  });
});
