/**
 * Suite `elixir-fresh` (workspace: a fresh copy of test/fixtures/plain_mix,
 * never compiled, no language server; Write allowed in its workspace settings). The
 * user asks to fix the compiler warnings: the scripted model's first
 * getDiagnostics compiles the project and gets the warning (the card shows the
 * compile), a second one with nothing changed does not compile again, an
 * Elixir file the model writes comes back with its diagnostics from an
 * incremental compile, and a missing `end` shows mix's HINT in the Problems
 * panel as related information.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ElixirService } from '../../../../src/vscode/elixir';
import type { Runtime } from '../../../../src/vscode/runtime';
import { turn } from '../../../support/scriptedModelServer';
import { chatWith, elixirService, runtime } from '../helpers';
import { firstFolder } from '../../workspace';

const UNUSED = 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)';
const HINT = 'it looks like the "do" on line 2 does not have a matching "end"';

describe('getDiagnostics on a never-compiled mix project (plain_mix, fresh copy)', function () {
  this.timeout(300_000);
  let rt: Runtime;
  let elixir: ElixirService;
  let root: string;
  const file = (rel: string) => vscode.Uri.file(path.join(root, rel));
  const mixDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mix');
  let runs = 0;

  before(async () => {
    rt = await runtime();
    elixir = await elixirService(rt);
    root = firstFolder().uri.fsPath;
    assert.strictEqual(path.basename(root), 'plain_mix');
    assert.strictEqual(fs.existsSync(path.join(root, '_build')), false, 'the copy was never compiled');
    await elixir.languageServer.ready();
    assert.deepStrictEqual(elixir.languageServer.current().clients, [], 'no language server publishes');
    elixir.mix.onDidFinish((s) => (s.cancelled ? undefined : runs++));
    // The approval policy is machine-overridable: the copy's workspace settings allow the model's writes.
    await vscode.workspace.getConfiguration('elixirAgent').update('approvals.tools', { Write: 'allow' }, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('elixirAgent').update('approvals.tools', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it("the model's first getDiagnostics compiles and gets the warning; the card shows the compile", async () => {
    const { result, cards } = await chatWith(rt, [turn.toolUse('mcp__ide__getDiagnostics', {}, { id: 'toolu_first' }), turn.text('One warning.')], 'Fix the compiler warnings');
    const first = result('toolu_first');
    assert.strictEqual(first.isError, false, first.text);
    const files = JSON.parse(first.text.split('\n')[0]!) as Array<{ uri: string; diagnostics: Array<{ message: string; severity: string }> }>;
    assert.deepStrictEqual(
      files.map((f) => [f.uri, f.diagnostics.map((d) => [d.severity, d.message])]),
      [[file('lib/plain_mix/counter.ex').toString(), [['Warning', UNUSED]]]],
    );
    assert.match(first.text, /mix compiled the project before answering: the first compile of this project/);
    assert.ok(cards.some((c) => c.status === 'running' && c.summary === 'first compile of plain_mix (dependencies included): it can take minutes'), JSON.stringify(cards.map((c) => [c.status, c.summary])));
    assert.ok(cards.some((c) => c.status === 'running' && /Compiling \d+ files \(\.ex\)/.test(c.output ?? '')), "mix's live output reached the card");
    assert.match(cards.at(-1)?.summary ?? '', /^1 problem · compiled in [\d.]+ s$/);
    assert.deepStrictEqual([fs.existsSync(path.join(root, '_build/elixir_agent')), fs.existsSync(path.join(root, '_build/dev'))], [true, false]);
    assert.strictEqual(runs, 1);
  });

  it('nothing changed: the next getDiagnostics answers from that compile; a file changed on disk makes it compile again', async () => {
    const { result } = await chatWith(rt, [turn.toolUse('mcp__ide__getDiagnostics', {}, { id: 'toolu_again' }), turn.text('Same.')], 'Again?');
    assert.match(result('toolu_again').text, /variable \\"unused\\" is unused/);
    assert.strictEqual(runs, 1);

    // A file changed on disk behind the editor's back (a terminal, git): the next call compiles again.
    fs.writeFileSync(path.join(root, 'lib/plain_mix/from_terminal.ex'), 'defmodule PlainMix.FromTerminal do\n  def f(x) do\n    stale = 1\n    x\n  end\nend\n');
    const after = await chatWith(rt, [turn.toolUse('mcp__ide__getDiagnostics', {}, { id: 'toolu_disk' }), turn.text('New one.')], 'And now?');
    assert.match(after.result('toolu_disk').text, /variable \\"stale\\" is unused/);
    assert.strictEqual(runs, 2);
  });

  it('an Elixir file the model writes comes back with its diagnostics from an incremental compile', async () => {
    const target = path.join(root, 'lib/plain_mix/greeter_agent.ex');
    const { result } = await chatWith(
      rt,
      [turn.toolUse('Write', { file_path: target, content: 'defmodule PlainMix.GreeterAgent do\n  def greet, do: missing_greeting()\nend\n' }, { id: 'toolu_write' }), turn.text('Written.')],
      'Add a greeter',
    );
    const written = result('toolu_write');
    assert.strictEqual(written.isError, false, written.text);
    assert.match(
      written.text,
      /Diagnostics for lib\/plain_mix\/greeter_agent\.ex after this change:\nProblems now reported in greeter_agent\.ex \(compiled with mix\):\n- Error at line 2:\d+ \[mix\]: undefined function missing_greeting\/0/,
    );
    assert.deepStrictEqual(mixDiagnostics(vscode.Uri.file(target)).map((d) => [vscode.DiagnosticSeverity[d.severity], d.range.start.line, d.code]), [['Error', 1, 'CompileError']]);
  });

  it('a missing `end`: the Problems panel shows the HINT as related information on the line it names', async () => {
    const target = path.join(root, 'lib/plain_mix/greeter_agent.ex');
    const { result } = await chatWith(
      rt,
      [
        turn.toolUse('Read', { file_path: target }, { id: 'toolu_read' }),
        turn.toolUse('Write', { file_path: target, content: 'defmodule PlainMix.GreeterAgent do\n  def greet do\n    :hello\n\n  def bye do\n    :bye\n  end\nend\n' }, { id: 'toolu_write' }),
        turn.text('Oops.'),
      ],
      'Rewrite the greeter',
    );
    assert.match(result('toolu_write').text, /- Error at line 9:1 \[mix\]: missing terminator: end \(for "do" starting at line 1\)\n\n {2}HINT: it looks like the "do" on line 2/);
    const [error] = mixDiagnostics(vscode.Uri.file(target));
    assert.ok(error, 'the error is in the Problems panel');
    assert.match(error.message, new RegExp(`HINT: ${HINT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepStrictEqual(
      error.relatedInformation?.map((r) => [r.location.uri.toString(), r.location.range.start.line, r.message]),
      [[vscode.Uri.file(target).toString(), 1, HINT]],
    );
  });
});
