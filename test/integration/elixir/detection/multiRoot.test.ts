/**
 * Suite `elixir-multi-root` (workspace: test/fixtures/multi_root/multi_root.code-workspace):
 * an Elixir folder (service: Tidewave, Credo, mise.toml) beside a non-Elixir one (website).
 */
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { elixirService, runtime } from '../helpers';

describe('mix project detection in a multi-root workspace', () => {
  it('finds the Elixir folder, ignores the other, and describes it', async () => {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    assert.deepStrictEqual(folders.map((f) => path.basename(f)), ['service', 'website'], 'the suite must open multi_root.code-workspace');
    const elixir = await elixirService(await runtime());
    assert.deepStrictEqual(
      elixir.projects().map((p) => ({ root: p.root, folder: p.folder, kind: p.kind, app: p.app, features: p.features, tv: p.toolVersions })),
      [
        {
          root: folders[0],
          folder: folders[0],
          kind: 'app',
          app: 'service',
          features: { tidewave: { version: '0.5.1' }, credo: { version: '1.7.8' } },
          tv: { elixir: '1.18.4-otp-27', erlang: '27.3', source: 'mise.toml' },
        },
      ],
    );
    assert.strictEqual(elixir.summary(), 'Mix app service · Tidewave');
    assert.strictEqual(elixir.projectOf(vscode.Uri.file(path.join(folders[1]!, 'index.html'))), undefined);
    assert.match(elixir.promptSection() ?? '', /Tidewave runs inside the app in dev/);
  });
});
