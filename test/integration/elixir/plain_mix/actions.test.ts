/**
 * Suite `elixir`: the editor actions put a clear first message in the chat
 * input (services.chat.prefill), and diagnostics offer "Ask Elixir Agent to fix".
 */
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostMessage } from '../../../../src/shared/protocol';
import type { ElixirService } from '../../../../src/vscode/elixir';
import { COMMANDS } from '../../../../src/vscode/ids';
import type { Runtime } from '../../../../src/vscode/runtime';
import { elixirService, runtime } from '../helpers';
import { firstFolder } from '../../workspace';

const UNUSED = 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)';

describe('editor actions (plain_mix)', function () {
  this.timeout(90_000);
  let rt: Runtime;
  let elixir: ElixirService;
  let counter: vscode.Uri;
  let editor: vscode.TextEditor;
  const prefilled: string[] = [];
  let sub: vscode.Disposable | undefined;

  before(async () => {
    rt = await runtime();
    elixir = await elixirService(rt);
    const root = firstFolder().uri.fsPath;
    counter = vscode.Uri.file(path.join(root, 'lib/plain_mix/counter.ex'));
    assert.ok(rt.services.chat, 'services.chat is registered');
    sub = rt.services.chat.backend.onMessage((m: HostMessage) => {
      if (m.type === 'prefill') prefilled.push(m.text);
    });
    await elixir.mix.run();
    editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(counter));
  });

  after(async () => {
    sub?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Fix problems in this file: the file, its diagnostics with their code, put in the chat input', async () => {
    const expected = [
      'Fix the problem reported in `lib/plain_mix/counter.ex`:',
      '',
      `1. Warning at line 5, column 5 (mix): ${UNUSED}`,
      '   Code: `unused = :this_variable_is_never_used`',
      '',
      'Fix the causes rather than silencing them, keep the changes minimal, and check the file again with mcp__ide__getDiagnostics (or `mix compile`) when done.',
    ].join('\n');
    const text = await vscode.commands.executeCommand(COMMANDS.fixProblems);
    assert.strictEqual(text, expected);
    assert.strictEqual(prefilled[prefilled.length - 1], expected, 'the same text reached the chat input, unsent');
  });

  it('Explain selection: the selected lines, numbered, in an elixir block', async () => {
    editor.selection = new vscode.Selection(3, 0, 10, 0);
    const text = String(await vscode.commands.executeCommand(COMMANDS.explainSelection));
    assert.match(text, /^Explain this code from `lib\/plain_mix\/counter\.ex` \(lines 4-10\):\n\n```elixir\n  def count_words\(sentence\) do\n[\s\S]*\n  end\n```\n/);
    assert.strictEqual(prefilled[prefilled.length - 1], text);
  });

  it('offers "Ask Elixir Agent to fix" on the diagnostic, which writes about that one problem', async () => {
    const diagnostic = vscode.languages.getDiagnostics(counter).find((d) => d.source === 'mix');
    assert.ok(diagnostic, 'mix reported the warning');
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', counter, diagnostic.range)) as vscode.CodeAction[];
    const ours = actions.filter((a) => a.command?.command === COMMANDS.fixDiagnostic);
    assert.deepStrictEqual(
      ours.map((a) => [a.title, a.kind?.value]),
      [['Ask Elixir Agent to fix', 'quickfix']],
    );
    const command = ours[0]!.command!;
    const text = String(await vscode.commands.executeCommand(command.command, ...(command.arguments ?? [])));
    assert.match(text, new RegExp(`^Fix this problem in \`lib/plain_mix/counter\\.ex\`:\\n\\nWarning at line 5, column 5 \\(mix\\): ${UNUSED.replace(/[()]/g, '\\$&')}\\n\\nThe code around it \\(lines 2-8\\):`));
  });
});
