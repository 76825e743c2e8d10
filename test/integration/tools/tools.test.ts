/**
 * Suite `tools` (workspace: test/fixtures/tools_ws). The builtin tools in the
 * real editor: edits land in open, unsaved buffers and the editor's undo
 * reverts them; denied approvals come back to the model as is_error results;
 * notebooks go through the notebook API; Bash can mirror to a terminal;
 * files not open in the editor are written through the race-free walk, so a
 * folder swapped for a link out in a loop never redirects a write.
 * Tests write only under scratch/ (gitignored) and remove it afterwards.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newToolCallRecord, runToolCalls, type Approver, type PendingCall } from '../../../src/core/chat/toolCalls';
import type { ToolResult } from '../../../src/core/tools/types';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../../src/vscode/ids';
import type { ToolsService } from '../../../src/vscode/tools';
import { prepareSwapper, startSwapper } from '../../support/swapper';
import { firstFolder } from '../workspace';

const text = (r: ToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

/** Resolves when `check` holds, re-checked on each document change (no sleeps). */
function whenDocument(doc: vscode.TextDocument, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && check()) {
        sub.dispose();
        resolve();
      }
    });
  });
}

describe('tools in the editor (tools_ws)', function () {
  this.timeout(60_000);
  let tools: ToolsService;
  let root: string;
  let scratch: string;

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext, 'extension found');
    await ext.activate();
    const rt = await ext.exports.runtime();
    assert.ok(rt.services.tools, 'rt.services.tools is registered');
    tools = rt.services.tools;
    root = firstFolder().uri.fsPath;
    scratch = path.join(root, 'scratch');
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const tool = (name: string) => tools.builtinTools().find((t) => t.name === name)!;

  it('offers every builtin tool in a trusted workspace, with the editor services', () => {
    assert.deepStrictEqual(
      { trusted: vscode.workspace.isTrusted, names: tools.builtinTools().map((t) => t.name), cwd: tools.environment().cwd, ripgrep: typeof tools.environment().services.ripgrepPath },
      { trusted: true, names: ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash', 'TaskOutput', 'TaskStop', 'NotebookEdit'], cwd: root, ripgrep: 'string' },
    );
  });

  it('an Edit lands in the open dirty buffer, is saved, and the editor undo reverts it', async () => {
    const file = path.join(scratch, 'greeter.ex');
    fs.writeFileSync(file, 'defmodule Greeter do\n  def hello, do: "hello"\nend\n');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(3, 0), '# an unsaved note\n'));
    const dirtyText = doc.getText();
    assert.strictEqual(doc.isDirty, true);

    const reads = tools.newReadTracker();
    const ctx = tools.context({ signal: new AbortController().signal, reads });
    const read = await tool('Read').invoke({ file_path: file }, ctx);
    assert.strictEqual(text(read), '1\tdefmodule Greeter do\n2\t  def hello, do: "hello"\n3\tend\n4\t# an unsaved note');

    const edit = await tool('Edit').invoke({ file_path: file, old_string: 'do: "hello"', new_string: 'do: "hi"' }, ctx);
    assert.strictEqual(edit.isError, undefined, text(edit));
    const edited = dirtyText.replace('"hello"', '"hi"');
    assert.deepStrictEqual(
      { buffer: doc.getText(), dirty: doc.isDirty, disk: fs.readFileSync(file, 'utf8'), diff: edit.display?.diff },
      {
        buffer: edited,
        dirty: false,
        disk: edited,
        diff: '--- scratch/greeter.ex\n+++ scratch/greeter.ex\n@@ -1,4 +1,4 @@\n defmodule Greeter do\n-  def hello, do: "hello"\n+  def hello, do: "hi"\n end\n # an unsaved note\n',
      },
    );

    await vscode.window.showTextDocument(doc);
    const undone = whenDocument(doc, () => doc.getText() === dirtyText);
    await vscode.commands.executeCommand('undo');
    await undone;
    assert.strictEqual(doc.getText(), dirtyText);

    // The buffer changed after the agent's last look: a further edit is refused, nothing lost.
    const refused = await tool('Edit').invoke({ file_path: file, old_string: 'note', new_string: 'NOTE' }, ctx);
    assert.deepStrictEqual({ isError: refused.isError, text: text(refused), buffer: doc.getText() }, {
      isError: true,
      text: `${file} has been modified since it was last read (by the user, a formatter or another tool). Read it again before writing to it, so the change is not lost.`,
      buffer: dirtyText,
    });
  });

  it('Write creates a new file through the editor', async () => {
    const file = path.join(scratch, 'new', 'thing.ex');
    const ctx = tools.context({ signal: new AbortController().signal, reads: tools.newReadTracker() });
    const r = await tool('Write').invoke({ file_path: file, content: 'defmodule Thing do\nend\n' }, ctx);
    assert.deepStrictEqual({ error: r.isError, disk: fs.readFileSync(file, 'utf8') }, { error: undefined, disk: 'defmodule Thing do\nend\n' });
  });

  it('a denied approval returns an is_error result to the model, and nothing runs', async () => {
    const file = path.join(root, 'lib', 'greeter.ex');
    const before = fs.readFileSync(file, 'utf8');
    const reads = tools.newReadTracker();
    await tool('Read').invoke({ file_path: file }, tools.context({ signal: new AbortController().signal, reads }));
    const asked: string[] = [];
    const deny: Approver = async (prompt) => {
      asked.push(`${prompt.request.title} | ${prompt.request.command ?? prompt.request.diff?.split('\n')[0]}`);
      return { decision: 'deny', reason: 'not now' };
    };
    const run = async (calls: PendingCall[], permissionMode?: string) => {
      const views = new Map(calls.map((c) => [c.id, newToolCallRecord(c, [root])]));
      return runToolCalls(calls, views, {
        tools: new Map(tools.builtinTools().map((t) => [t.name, t])),
        policy: tools.policy({ permissionMode }),
        approve: deny,
        context: (signal, onOutput) => tools.context({ signal, reads, onOutput }),
        allowedForConversation: new Set(),
        maxResultChars: 50_000,
        workspaceFolders: [root],
        update: () => undefined,
      }, new AbortController().signal);
    };
    const marker = path.join(scratch, 'ran.txt');
    const byUser = await run([
      { id: 'e1', name: 'Edit', input: { file_path: file, old_string: 'Hello', new_string: 'Bye' } },
      { id: 'b1', name: 'Bash', input: { command: `touch ${marker}` } },
    ]);
    const byPolicy = await run([{ id: 'e2', name: 'Edit', input: { file_path: file, old_string: 'Hello', new_string: 'Bye' } }], 'plan');
    assert.deepStrictEqual(byUser, [
      { type: 'tool_result', tool_use_id: 'e1', is_error: true, content: 'The user denied this tool call: not now' },
      { type: 'tool_result', tool_use_id: 'b1', is_error: true, content: 'The user denied this tool call: not now' },
    ]);
    assert.deepStrictEqual({ ...byPolicy[0], content: undefined }, { type: 'tool_result', tool_use_id: 'e2', is_error: true, content: undefined });
    assert.match(String(byPolicy[0]!.content), /^Denied by the approval policy: The agent is in plan mode \(permissionMode: plan\): it may read and propose changes, but not change files\.+ Do not retry/);
    assert.deepStrictEqual(asked, ['Edit lib/greeter.ex | --- lib/greeter.ex', `Run \`touch ${marker}\` | touch ${marker}`]);
    assert.deepStrictEqual({ file: fs.readFileSync(file, 'utf8'), ran: fs.existsSync(marker) }, { file: before, ran: false });
  });

  it('NotebookEdit goes through the notebook API', async () => {
    const file = path.join(scratch, 'demo.ipynb');
    const nb = { cells: [{ id: 'c1', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['1 + 1'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 };
    fs.writeFileSync(file, JSON.stringify(nb, null, 1));
    // Opened first: a JSON write on disk would reach this document only later, through the file watcher.
    const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
    const ctx = tools.context({ signal: new AbortController().signal, reads: tools.newReadTracker() });
    await tool('Read').invoke({ file_path: file }, ctx);
    const r = await tool('NotebookEdit').invoke({ notebook_path: file, cell_id: 'c1', new_source: '2 + 2' }, ctx);
    assert.strictEqual(r.isError, undefined, text(r));
    const editor = doc.getCells().map((c) => c.document.getText());
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof nb;
    assert.deepStrictEqual(
      { editor, dirty: doc.isDirty, disk: onDisk.cells.map((c) => [c.id, c.source.join('')]) },
      { editor: ['2 + 2'], dirty: false, disk: [['c1', '2 + 2']] },
    );
  });

  it('writes to files not open in the editor take the race-free walk: none escapes while a folder and a link out swap in a loop', async function () {
    this.timeout(300_000);
    const attempts = Number(process.env.ELIXIR_AGENT_RACE_ATTEMPTS) || 300;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-race-'));
    const outside = path.join(fs.realpathSync(work), 'outside');
    fs.mkdirSync(outside);
    const prepared = prepareSwapper(work);
    if ('skip' in prepared) this.skip();
    const race = path.join(scratch, 'race');
    fs.mkdirSync(race);
    fs.writeFileSync(path.join(race, 'edit.ex'), 'inside\n');
    fs.writeFileSync(path.join(outside, 'edit.ex'), 'OUTSIDE\n');
    fs.symlinkSync(outside, path.join(scratch, 'swap'));
    const ctx = tools.context({ signal: new AbortController().signal, reads: tools.newReadTracker() });
    let refused = 0;
    let escapedReads = 0;
    const swapper = await startSwapper(prepared, race, path.join(scratch, 'swap'));
    try {
      for (let i = 0; i < attempts; i++) {
        const w = await tool('Write').invoke({ file_path: path.join(race, `new_${i}.ex`), content: `new ${i}\n` }, ctx);
        const r = await tool('Read').invoke({ file_path: path.join(race, 'edit.ex') }, ctx);
        if (text(r).includes('OUTSIDE')) escapedReads++;
        const e = await tool('Edit').invoke({ file_path: path.join(race, 'edit.ex'), old_string: text(r).replace(/^\d+\t/gm, '') || 'inside', new_string: `edited ${i}` }, ctx);
        refused += Number(Boolean(w.isError)) + Number(Boolean(e.isError));
      }
    } finally {
      await swapper.stop();
    }
    const after = Object.fromEntries(fs.readdirSync(outside).map((n) => [n, fs.readFileSync(path.join(outside, n), 'utf8')]));
    fs.rmSync(work, { recursive: true, force: true });
    assert.deepStrictEqual(
      { outside: after, escapedReads, openedInEditor: vscode.workspace.textDocuments.filter((d) => d.uri.fsPath.startsWith(race)).map((d) => d.uri.fsPath) },
      { outside: { 'edit.ex': 'OUTSIDE\n' }, escapedReads: 0, openedInEditor: [] },
    );
    assert.ok(refused > 0, 'the swap never won a race');
  });

  it('Bash mirrors the command to a visible terminal when elixirAgent.bash.useTerminal is on', async () => {
    const config = vscode.workspace.getConfiguration('elixirAgent');
    await config.update('bash.useTerminal', true, vscode.ConfigurationTarget.Global);
    try {
      const opened = new Promise<vscode.Terminal>((resolve) => {
        const sub = vscode.window.onDidOpenTerminal((t) => {
          if (t.name === 'Elixir Agent: Bash') {
            sub.dispose();
            resolve(t);
          }
        });
      });
      const ctx = tools.context({ signal: new AbortController().signal, reads: tools.newReadTracker() });
      const r = await tool('Bash').invoke({ command: 'echo mirrored && exit 4' }, ctx);
      assert.deepStrictEqual({ text: text(r), exitCode: r.display?.exitCode, terminal: (await opened).name }, { text: 'mirrored\n\nExit code: 4', exitCode: 4, terminal: 'Elixir Agent: Bash' });
    } finally {
      await config.update('bash.useTerminal', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
