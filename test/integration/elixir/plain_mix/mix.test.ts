/**
 * Suite `elixir` (workspace: test/fixtures/plain_mix, dependency-free, compiled
 * by the machine's Elixir). Detection, the mix compile source in the Problems
 * panel, compile on save with a superseded run cancelled and fixed problems
 * cleared, and the diagnostics reaching the scripted model through
 * mcp__ide__getDiagnostics. Writes only lib/plain_mix/scratch_agent_test.ex,
 * removed before and after.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ElixirService } from '../../../../src/vscode/elixir';
import type { MixRunSummary } from '../../../../src/vscode/elixir/mixSource';
import { COMMANDS } from '../../../../src/vscode/ids';
import type { Runtime } from '../../../../src/vscode/runtime';
import { elixirService, getDiagnostics, modelSeesDiagnostics, runtime } from '../helpers';
import { firstFolder } from '../../workspace';

const UNUSED = 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)';

describe('Elixir in a dependency-free mix project (plain_mix)', function () {
  this.timeout(120_000);
  let rt: Runtime;
  let elixir: ElixirService;
  let root: string;
  let counter: vscode.Uri;
  let scratch: vscode.Uri;

  const mixDiagnostics = (uri: vscode.Uri) =>
    vscode.languages
      .getDiagnostics(uri)
      .filter((d) => d.source === 'mix')
      .map((d) => [vscode.DiagnosticSeverity[d.severity], d.range.start.line, d.range.start.character, d.range.end.character, d.code, d.message]);

  /** The next finished, not cancelled, mix run. */
  const nextRun = (): Promise<MixRunSummary> =>
    new Promise((resolve) => {
      const sub = elixir.mix.onDidFinish((s) => {
        if (s.cancelled) return;
        sub.dispose();
        resolve(s);
      });
    });

  const removeScratch = async (): Promise<void> => {
    if (fs.existsSync(scratch.fsPath)) {
      const edit = new vscode.WorkspaceEdit();
      edit.deleteFile(scratch, { ignoreIfNotExists: true });
      await vscode.workspace.applyEdit(edit);
      fs.rmSync(scratch.fsPath, { force: true });
    }
  };

  before(async () => {
    rt = await runtime();
    elixir = await elixirService(rt);
    root = firstFolder().uri.fsPath;
    assert.strictEqual(path.basename(root), 'plain_mix', 'the suite must open test/fixtures/plain_mix');
    counter = vscode.Uri.file(path.join(root, 'lib/plain_mix/counter.ex'));
    scratch = vscode.Uri.file(path.join(root, 'lib/plain_mix/scratch_agent_test.ex'));
    await removeScratch();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('elixirAgent').update('mix.compileOnSave', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await removeScratch();
  });

  it('detects the project without running Elixir: summary for the chat header, section for the prompt', () => {
    assert.deepStrictEqual(
      { roots: elixir.projects().map((p) => [p.root, p.kind, p.app, p.elixirRequirement]), summary: elixir.summary() },
      { roots: [[root, 'app', 'plain_mix', '~> 1.14']], summary: 'Mix app plain_mix' },
    );
    assert.match(elixir.promptSection() ?? '', /a Mix project `plain_mix` at .*plain_mix; Elixir requirement `~> 1\.14`\./);
    assert.strictEqual(elixir.projectOf(counter)?.root, root);
  });

  it('runs mix compile on demand: its warning is in the Problems panel and in getDiagnostics', async () => {
    const summaries = (await vscode.commands.executeCommand(COMMANDS.runMixCompile)) as MixRunSummary[];
    assert.deepStrictEqual(summaries, [{ project: root, errors: 0, warnings: 1, other: 0, exitCode: 0, cancelled: false }]);
    assert.deepStrictEqual(mixDiagnostics(counter), [['Warning', 4, 4, 41, undefined, UNUSED]]);
    assert.deepStrictEqual(fs.readdirSync(path.join(root, '_build')).includes('elixir_agent'), true);

    const all = await getDiagnostics(elixir);
    const file = all.find((f) => f.uri === counter.toString());
    assert.deepStrictEqual(file?.diagnostics.filter((d) => d.source === 'mix'), [
      { message: UNUSED, severity: 'Warning', range: { start: { line: 4, character: 4 }, end: { line: 4, character: 41 } }, source: 'mix' },
    ]);
  });

  it('compiles on save, cancels a superseded run, and clears problems once fixed', async () => {
    await vscode.workspace.getConfiguration('elixirAgent').update('mix.compileOnSave', true, vscode.ConfigurationTarget.Global);
    const create = new vscode.WorkspaceEdit();
    create.createFile(scratch, { overwrite: true, contents: Buffer.from('defmodule PlainMix.Scratch do\n  def call, do: missing_fun()\nend\n') });
    assert.ok(await vscode.workspace.applyEdit(create));
    const doc = await vscode.workspace.openTextDocument(scratch);
    const editor = await vscode.window.showTextDocument(doc);

    const broken = nextRun();
    await editor.edit((b) => b.insert(new vscode.Position(3, 0), '\n'));
    assert.ok(await doc.save());
    assert.deepStrictEqual(await broken, { project: root, errors: 1, warnings: 1, other: 0, exitCode: 1, cancelled: false });
    assert.deepStrictEqual(
      mixDiagnostics(scratch).map((d) => d.slice(0, 5)),
      [['Error', 1, 2, 29, 'CompileError']],
    );
    assert.match(String(mixDiagnostics(scratch)[0]![5]), /^undefined function missing_fun\/0/);

    // Two runs back to back: the first is cancelled (its process tree killed), the second reports.
    const [first, second] = await Promise.all([elixir.mix.run(), elixir.mix.run()]);
    assert.deepStrictEqual([first[0]?.cancelled, second[0]?.cancelled, second[0]?.errors], [true, false, 1]);

    const fixed = nextRun();
    await editor.edit((b) => b.replace(new vscode.Range(1, 0, 1, doc.lineAt(1).text.length), '  def call, do: :ok'));
    assert.ok(await doc.save());
    assert.deepStrictEqual(await fixed, { project: root, errors: 0, warnings: 1, other: 0, exitCode: 0, cancelled: false });
    assert.deepStrictEqual(mixDiagnostics(scratch), [], 'the fixed error is gone from the Problems panel');
    assert.deepStrictEqual(mixDiagnostics(counter).length, 1, "the other file's warning stays");
  });

  it('the diagnostics reach the scripted model as a getDiagnostics tool result', async () => {
    await removeScratch();
    await elixir.mix.run();
    const toolResult = await modelSeesDiagnostics(rt, counter);
    assert.deepStrictEqual(JSON.parse(toolResult.split('\n')[0]!), [
      {
        uri: counter.toString(),
        diagnostics: [{ message: UNUSED, severity: 'Warning', range: { start: { line: 4, character: 4 }, end: { line: 4, character: 41 } }, source: 'mix' }],
      },
    ]);
  });
});
