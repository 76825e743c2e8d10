import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { call, makeWorkspace, run, tool, type Workspace } from './helpers';

const SRC = 'defmodule App do\n  def a, do: 1\n  def b, do: 1\n  def c, do: 2\nend\n';

describe('Write, Edit, MultiEdit', () => {
  let ws: Workspace;
  let file: string;
  beforeEach(() => {
    ws = makeWorkspace();
    file = ws.file('lib/app.ex', SRC);
  });
  afterEach(() => ws.cleanup());

  const read = () => call('Read', { file_path: file }, ws.ctx);

  it('refuses to change an existing file that was not read, and one changed since it was read', async () => {
    const notRead = `File has not been read yet: ${file}. Read it first before writing to it.`;
    assert.deepEqual(
      await Promise.all([
        call('Edit', { file_path: file, old_string: 'def c', new_string: 'def d' }, ws.ctx),
        call('Write', { file_path: file, content: 'x' }, ws.ctx),
        call('MultiEdit', { file_path: file, edits: [{ old_string: 'def c', new_string: 'def d' }] }, ws.ctx),
      ]),
      [
        { ok: false, text: notRead },
        { ok: false, text: notRead },
        { ok: false, text: notRead },
      ],
    );
    await read();
    fs.writeFileSync(file, `${SRC}# the user typed this\n`);
    assert.deepEqual(await call('Edit', { file_path: file, old_string: 'def c', new_string: 'def d' }, ws.ctx), {
      ok: false,
      text: `${file} has been modified since it was last read (by the user, a formatter or another tool). Read it again before writing to it, so the change is not lost.`,
    });
    assert.equal(ws.read('lib/app.ex'), `${SRC}# the user typed this\n`);
  });

  it('edits exactly one occurrence, returns the diff and a numbered snippet, and allows a follow-up edit', async () => {
    await read();
    const r = await run('Edit', { file_path: file, old_string: 'def c, do: 2', new_string: 'def c, do: 3' }, ws.ctx);
    assert.equal(r.isError, undefined);
    assert.equal(ws.read('lib/app.ex'), SRC.replace('do: 2', 'do: 3'));
    assert.deepEqual(r.display, {
      path: file,
      summary: 'Edited lib/app.ex',
      diff: '--- lib/app.ex\n+++ lib/app.ex\n@@ -1,5 +1,5 @@\n defmodule App do\n   def a, do: 1\n   def b, do: 1\n-  def c, do: 2\n+  def c, do: 3\n end\n',
    });
    assert.match((r.content[0] as { text: string }).text, /\n4\t {2}def c, do: 3\n5\tend/);
    // The tool's own write counts as read: no re-read needed for the next edit.
    assert.equal((await call('Edit', { file_path: file, old_string: 'def a', new_string: 'def a0' }, ws.ctx)).ok, true);
  });

  it('explains ambiguous, missing, identical and whitespace-only mismatches, and changes nothing', async () => {
    await read();
    assert.deepEqual(
      await Promise.all([
        call('Edit', { file_path: file, old_string: 'do: 1', new_string: 'do: 9' }, ws.ctx),
        call('Edit', { file_path: file, old_string: 'def zzz', new_string: 'def y' }, ws.ctx),
        call('Edit', { file_path: file, old_string: 'def a', new_string: 'def a' }, ws.ctx),
        call('Edit', { file_path: file, old_string: 'def b, do: 1\n   def c', new_string: 'x' }, ws.ctx),
      ]),
      [
        {
          ok: false,
          text: 'old_string occurs 2 times in lib/app.ex (lines 2, 3); it must occur exactly once. Add surrounding lines to make it unique, or set replace_all to true to change every occurrence.',
        },
        { ok: false, text: 'old_string was not found in lib/app.ex. Read the file again and copy the text exactly (without the line-number prefix).' },
        { ok: false, text: 'old_string and new_string are identical; there is nothing to change.' },
        {
          ok: false,
          text: 'old_string was not found in lib/app.ex. A match that differs only in whitespace or indentation starts at line 3; copy the text exactly as Read shows it (without the line-number prefix).',
        },
      ],
    );
    assert.equal(ws.read('lib/app.ex'), SRC);
    assert.equal((await call('Edit', { file_path: file, old_string: 'do: 1', new_string: 'do: 9', replace_all: true }, ws.ctx)).ok, true);
    assert.equal(ws.read('lib/app.ex'), SRC.replace(/do: 1/g, 'do: 9'));
  });

  it('matches LF old_string against a CRLF file and keeps CRLF', async () => {
    const crlf = ws.file('lib/win.ex', 'a\r\nb\r\nc\r\n');
    await call('Read', { file_path: crlf }, ws.ctx);
    assert.equal((await call('Edit', { file_path: crlf, old_string: 'a\nb', new_string: 'a\nB\nb' }, ws.ctx)).ok, true);
    assert.equal(ws.read('lib/win.ex'), 'a\r\nB\r\nb\r\nc\r\n');
  });

  it('MultiEdit applies edits in order and atomically', async () => {
    await read();
    const failed = await call('MultiEdit', { file_path: file, edits: [{ old_string: 'def a', new_string: 'def x' }, { old_string: 'def a', new_string: 'def y' }] }, ws.ctx);
    assert.deepEqual(failed, {
      ok: false,
      text: 'Edit 2 of 2 failed, so none of the edits were applied: old_string was not found in lib/app.ex. Read the file again and copy the text exactly (without the line-number prefix). (Edits apply in order, each to the result of the previous ones.)',
    });
    assert.equal(ws.read('lib/app.ex'), SRC);
    const ok = await call('MultiEdit', { file_path: file, edits: [{ old_string: 'def a', new_string: 'def x' }, { old_string: 'def x, do: 1', new_string: 'def x, do: 0' }, { old_string: 'do: ', new_string: 'do:  ', replace_all: true }] }, ws.ctx);
    assert.equal(ok.ok, true);
    assert.equal(ws.read('lib/app.ex'), 'defmodule App do\n  def x, do:  0\n  def b, do:  1\n  def c, do:  2\nend\n');
    assert.deepEqual(await call('MultiEdit', { file_path: file, edits: [] }, ws.ctx), { ok: false, text: 'Parameter edits must be a non-empty array of {old_string, new_string, replace_all?} objects.' });
  });

  it('creates new files (Write, Edit with empty old_string, MultiEdit) with parent folders and diffs from /dev/null', async () => {
    const w = await run('Write', { file_path: ws.path('lib/new/thing.ex'), content: 'defmodule Thing do\nend\n' }, ws.ctx);
    assert.deepEqual({ text: (w.content[0] as { text: string }).text, diff: w.display?.diff }, {
      text: `Created ${ws.path('lib/new/thing.ex')} (2 lines).`,
      diff: '--- /dev/null\n+++ lib/new/thing.ex\n@@ -0,0 +1,2 @@\n+defmodule Thing do\n+end\n',
    });
    assert.equal((await call('Edit', { file_path: ws.path('lib/e.ex'), old_string: '', new_string: 'e' }, ws.ctx)).ok, true);
    assert.equal((await call('MultiEdit', { file_path: ws.path('lib/m.ex'), edits: [{ old_string: '', new_string: 'm1' }, { old_string: 'm1', new_string: 'm2' }] }, ws.ctx)).ok, true);
    assert.deepEqual([ws.read('lib/e.ex'), ws.read('lib/m.ex')], ['e', 'm2']);
    assert.deepEqual(await call('Edit', { file_path: ws.path('lib/none.ex'), old_string: 'x', new_string: 'y' }, ws.ctx), {
      ok: false,
      text: `File does not exist: ${ws.path('lib/none.ex')}. To create it, use Write, or Edit with an empty old_string.`,
    });
    // Overwriting after a read works and keeps the file's permission bits.
    fs.chmodSync(file, 0o750);
    await read();
    assert.equal((await call('Write', { file_path: file, content: 'new\n' }, ws.ctx)).ok, true);
    assert.deepEqual([ws.read('lib/app.ex'), fs.statSync(file).mode & 0o777], ['new\n', 0o750]);
  });

  it('describe() shows the exact diff before anything is written', async () => {
    await read();
    const request = await tool('Edit').describe!({ file_path: file, old_string: 'def c, do: 2', new_string: 'def c, do: 3' }, ws.ctx);
    assert.deepEqual(request, {
      title: 'Edit lib/app.ex',
      diff: '--- lib/app.ex\n+++ lib/app.ex\n@@ -1,5 +1,5 @@\n defmodule App do\n   def a, do: 1\n   def b, do: 1\n-  def c, do: 2\n+  def c, do: 3\n end\n',
    });
    assert.equal(ws.read('lib/app.ex'), SRC);
    const doomed = await tool('Edit').describe!({ file_path: file, old_string: 'nope', new_string: 'x' }, ws.ctx);
    assert.deepEqual(doomed, { title: 'Edit lib/app.ex', warning: 'This call will fail: old_string was not found in lib/app.ex. Read the file again and copy the text exactly (without the line-number prefix).' });
  });

  it('appends the diagnostics the host reports after an edit', async () => {
    ws.ctx.services.diagnosticsAfterEdit = async (p) => (p === file ? 'lib/app.ex:4:3: error: undefined function c/0' : undefined);
    await read();
    const r = await call('Edit', { file_path: file, old_string: 'def c, do: 2', new_string: 'def c, do: c()' }, ws.ctx);
    assert.match(r.text, /\n\nDiagnostics for lib\/app\.ex after this change:\nlib\/app\.ex:4:3: error: undefined function c\/0$/);
  });
});
