/**
 * Suite `elixir-umbrella` (workspace: test/fixtures/umbrella_app): an umbrella
 * with Phoenix, LiveView, Ecto and Credo in its apps, read without running Elixir.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { elixirService, runtime } from '../helpers';
import { firstFolder } from '../../workspace';

describe('mix project detection in an umbrella', () => {
  before(() => {
    // Never write into another fixture: these tests belong to the umbrella_app workspace only.
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.strictEqual(path.basename(root), 'umbrella_app', 'the suite must open test/fixtures/umbrella_app');
  });

  it('reads the umbrella and its apps, and attributes app files to it', async () => {
    const root = firstFolder().uri.fsPath;
    const elixir = await elixirService(await runtime());
    assert.deepStrictEqual(
      elixir.projects().map((p) => ({ root: p.root, kind: p.kind, apps: p.apps.map((a) => a.name), phoenix: p.features.phoenix, tv: p.toolVersions.elixir })),
      [{ root, kind: 'umbrella', apps: ['shop', 'shop_web', 'worker'], phoenix: { version: '1.7.14' }, tv: '1.17.3-otp-27' }],
    );
    assert.strictEqual(elixir.summary(), 'Phoenix 1.7 · Ecto · LiveView · umbrella (3 apps)');
    assert.strictEqual(elixir.projectOf(vscode.Uri.file(path.join(root, 'apps/shop_web/lib/shop_web/endpoint.ex')))?.root, root);
  });

  it('follows edits to mix.exs: a new app appears without a reload', async () => {
    const elixir = await elixirService(await runtime());
    const root = firstFolder().uri.fsPath;
    const appDir = vscode.Uri.file(path.join(root, 'apps/zz_scratch_app'));
    const changed = new Promise<void>((resolve) => {
      const sub = elixir.onDidChange((projects) => {
        if (projects[0]?.apps.some((a) => a.name === 'zz_scratch_app')) {
          sub.dispose();
          resolve();
        }
      });
    });
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(vscode.Uri.joinPath(appDir, 'mix.exs'), {
      contents: Buffer.from('defmodule ZzScratchApp.MixProject do\n  use Mix.Project\n  def project, do: [app: :zz_scratch_app, version: "0.1.0", deps: []]\nend\n'),
    });
    try {
      assert.ok(await vscode.workspace.applyEdit(edit));
      await changed;
      assert.strictEqual(elixir.summary(), 'Phoenix 1.7 · Ecto · LiveView · umbrella (4 apps)');
    } finally {
      fs.rmSync(appDir.fsPath, { recursive: true, force: true });
    }
  });
});
