/**
 * Suite `no-elixir` (workspace: test/fixtures/no_elixir, no Elixir in it).
 * The extension stays inactive through startup and non-Elixir files, and
 * activates as soon as an Elixir document opens (onLanguage:elixir).
 */
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../../src/vscode/ids';
import { waitFor } from './wait';
import { firstFolder } from '../workspace';

describe('no activation in a folder without Elixir (no_elixir)', () => {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);

  before(() => {
    assert.ok(ext, `${EXTENSION_ID} is not loaded as a development extension`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.strictEqual(folder && path.basename(folder.uri.fsPath), 'no_elixir', 'the suite must open test/fixtures/no_elixir');
  });

  it('the folder really has no Elixir in it', async () => {
    const found = await vscode.workspace.findFiles('**/{*.ex,*.exs,mix.lock}');
    assert.deepStrictEqual(found.map((u) => u.fsPath), []);
  });

  it('stays inactive after startup and after opening non-Elixir files', async () => {
    // The test runner starts once the extension host has handled startup
    // activation (`*`, workspaceContains). Opening files fires their
    // onLanguage events; a command round trip to the workbench afterwards
    // lets any activation those requested arrive before we look.
    const folder = firstFolder().uri;
    for (const f of ['index.js', 'README.md', 'package.json']) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, f));
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    await vscode.commands.getCommands(true);
    assert.strictEqual(ext!.isActive, false, 'the extension activated in a folder without Elixir');
  });

  it('activates when an Elixir document opens (onLanguage:elixir)', async () => {
    assert.strictEqual(ext!.isActive, false);
    const doc = await vscode.workspace.openTextDocument({ language: 'elixir', content: 'defmodule Scratch do\n  def hello, do: :world\nend\n' });
    await vscode.window.showTextDocument(doc);
    await waitFor(() => ext!.isActive, 'activation on an Elixir document');
    assert.strictEqual(doc.languageId, 'elixir');
  });
});
