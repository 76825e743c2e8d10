import * as assert from 'node:assert/strict';
import { call, makeWorkspace, type Workspace } from './helpers';

const NB = {
  cells: [
    { id: 'md1', cell_type: 'markdown', metadata: {}, source: ['# Demo'] },
    { id: 'code1', cell_type: 'code', metadata: {}, execution_count: 1, source: ['x = 1\n', 'x + 1'], outputs: [{ output_type: 'execute_result', data: { 'text/plain': ['2'] } }] },
  ],
  metadata: { kernelspec: { name: 'elixir', language: 'elixir' } },
  nbformat: 4,
  nbformat_minor: 5,
};

describe('NotebookEdit (headless JSON)', () => {
  let ws: Workspace;
  let nb: string;
  beforeEach(async () => {
    ws = makeWorkspace();
    nb = ws.file('notebooks/demo.ipynb', `${JSON.stringify(NB, null, 1)}\n`);
    await call('Read', { file_path: nb }, ws.ctx);
  });
  afterEach(() => ws.cleanup());

  const cells = () => (JSON.parse(ws.read('notebooks/demo.ipynb')) as typeof NB).cells;

  it('replaces a cell source (clearing stale outputs), keeping the file format', async () => {
    assert.deepEqual(await call('NotebookEdit', { notebook_path: nb, cell_id: 'code1', new_source: 'x = 2\nx * 2' }, ws.ctx), {
      ok: true,
      text: 'Replaced the source of cell "code1" in notebooks/demo.ipynb (its old outputs were cleared).',
    });
    assert.deepEqual(cells()[1], { id: 'code1', cell_type: 'code', metadata: {}, execution_count: null, source: ['x = 2\n', 'x * 2'], outputs: [] });
    assert.match(ws.read('notebooks/demo.ipynb'), /^\{\n "cells": \[\n/);
    assert.ok(ws.read('notebooks/demo.ipynb').endsWith('}\n'));
  });

  it('inserts after a cell or at the top, converts types, and deletes', async () => {
    await call('NotebookEdit', { notebook_path: nb, cell_id: 'md1', new_source: 'IO.puts(:hi)', cell_type: 'code', edit_mode: 'insert' }, ws.ctx);
    await call('NotebookEdit', { notebook_path: nb, new_source: '## Top', cell_type: 'markdown', edit_mode: 'insert' }, ws.ctx);
    await call('NotebookEdit', { notebook_path: nb, cell_id: 'code1', new_source: 'now *markdown*', cell_type: 'markdown' }, ws.ctx);
    await call('NotebookEdit', { notebook_path: nb, cell_id: 'md1', new_source: '', edit_mode: 'delete' }, ws.ctx);
    const out = cells();
    assert.deepEqual(
      out.map((c) => ({ type: c.cell_type, source: c.source.join(''), hasId: /^[0-9a-f]{8}$|^code1$/.test(c.id), outputs: 'outputs' in c })),
      [
        { type: 'markdown', source: '## Top', hasId: true, outputs: false },
        { type: 'code', source: 'IO.puts(:hi)', hasId: true, outputs: true },
        { type: 'markdown', source: 'now *markdown*', hasId: true, outputs: false },
      ],
    );
  });

  it('explains bad cell ids, missing cell_type on insert, non-notebooks and unread notebooks', async () => {
    const other = ws.file('notebooks/other.ipynb', JSON.stringify({ cells: [], nbformat: 4, nbformat_minor: 4 }));
    assert.deepEqual(
      await Promise.all([
        call('NotebookEdit', { notebook_path: nb, cell_id: 'nope', new_source: 'x' }, ws.ctx),
        call('NotebookEdit', { notebook_path: nb, new_source: 'x', edit_mode: 'insert' }, ws.ctx),
        call('NotebookEdit', { notebook_path: ws.file('lib/a.ex', 'x'), cell_id: 'c', new_source: 'x' }, ws.ctx),
        call('NotebookEdit', { notebook_path: other, cell_id: 'cell-0', new_source: 'x' }, ws.ctx),
        call('NotebookEdit', { notebook_path: nb, cell_id: 'cell-1', new_source: 'y', edit_mode: 'bogus' }, ws.ctx),
      ]),
      [
        { ok: false, text: 'Cell "nope" was not found in notebooks/demo.ipynb. Cell ids: md1, code1. Read the notebook to see them.' },
        { ok: false, text: 'cell_type (code or markdown) is required when edit_mode is insert.' },
        { ok: false, text: `${ws.path('lib/a.ex')} is not a Jupyter notebook (.ipynb). Use Edit for other files.` },
        { ok: false, text: `File has not been read yet: ${other}. Read it first before writing to it.` },
        { ok: false, text: 'Parameter edit_mode must be one of replace, insert, delete; got "bogus".' },
      ],
    );
    // Position ids work for notebooks without ids.
    assert.equal((await call('NotebookEdit', { notebook_path: nb, cell_id: 'cell-1', new_source: 'y' }, ws.ctx)).ok, true);
    assert.deepEqual(cells()[1]?.source, ['y']);
  });

  it('uses the editor notebook API when the host provides one', async () => {
    const calls: unknown[] = [];
    ws.ctx.services.notebooks = { editCell: async (file, edit) => (calls.push([file.path, edit]), 'Edited through the editor.') };
    assert.deepEqual(await call('NotebookEdit', { notebook_path: nb, cell_id: 'md1', new_source: '# New' }, ws.ctx), { ok: true, text: 'Edited through the editor.' });
    assert.deepEqual(calls, [[nb, { cellId: 'md1', newSource: '# New', cellType: undefined, editMode: 'replace' }]]);
    assert.deepEqual(cells(), NB.cells);
  });
});
