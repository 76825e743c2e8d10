/**
 * NotebookEdit: replace, insert or delete a cell of a Jupyter notebook. In the
 * editor it goes through the notebook API (services.notebooks: undoable, seen
 * by an open notebook); headless it edits the .ipynb JSON through ctx.files.
 * The read-before-write rule applies as for Edit.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { defineTool } from './define';
import { approvalFor, commitWrite, describeWrite, loadForWrite, unifiedDiff } from './editing';
import { TOOL_NAMES } from './names';
import { resolveInWorkspace } from './paths';
import { editNotebookJson, type CellEdit } from './notebookFormat';
import { ToolError } from './types';

export const notebookEditTool = defineTool({
  name: TOOL_NAMES.notebookEdit,
  kind: 'edit',
  readOnly: false,
  description: [
    'Edits one cell of a Jupyter notebook (.ipynb file). notebook_path must be an absolute path; Read the notebook first to see its cells and their ids.',
    'edit_mode "replace" (default) replaces the source of the cell cell_id (and its type when cell_type is given; code outputs are cleared); "insert" adds a new cell after cell_id, or at the top when cell_id is omitted, and needs cell_type; "delete" removes cell_id.',
    'Cells without an id can be named by position as "cell-N" (0-based).',
  ].join('\n'),
  input: z
    .strictObject({
      notebook_path: z.string().describe('The absolute path to the Jupyter notebook file to edit (must be absolute, not relative)'),
      cell_id: z
        .string()
        .optional()
        .describe('The ID of the cell to edit. When inserting a new cell, the new cell will be inserted after the cell with this ID, or at the beginning if not specified.'),
      new_source: z.string().describe('The new source for the cell'),
      cell_type: z
        .enum(['code', 'markdown'])
        .optional()
        .describe('The type of the cell (code or markdown). If not specified, it defaults to the current cell type. If using edit_mode=insert, this is required.'),
      edit_mode: z.enum(['replace', 'insert', 'delete']).default('replace').describe('The type of edit to make (replace, insert, delete). Defaults to replace.'),
    })
    .transform((i) => ({
      notebook_path: i.notebook_path,
      edit: { cellId: i.cell_id || undefined, newSource: i.new_source, cellType: i.cell_type, editMode: i.edit_mode } satisfies CellEdit,
    })),
  describe(input, ctx) {
    const verb = input.edit.editMode === 'insert' ? 'Insert a cell in' : input.edit.editMode === 'delete' ? 'Delete a cell from' : 'Edit a cell of';
    return describeWrite(ctx, input.notebook_path, 'notebook_path', verb, (target) => {
      const { text } = editNotebookJson(target.oldText, input.edit, target.shown);
      return { ...approvalFor(ctx, verb, target, text), title: `${verb} ${target.shown}` };
    });
  },
  async run(input, ctx) {
    // The path first: an outside path gets the one outside answer, whatever its name.
    resolveInWorkspace(input.notebook_path, ctx.workspaceFolders, { param: 'notebook_path', cwd: ctx.cwd });
    if (path.extname(input.notebook_path).toLowerCase() !== '.ipynb') throw new ToolError(`${input.notebook_path} is not a Jupyter notebook (.ipynb). Use Edit for other files.`);
    const target = await loadForWrite(ctx, input.notebook_path, 'notebook_path');
    if (!target.exists) throw new ToolError(`Notebook does not exist: ${input.notebook_path}.`);
    // Validates the edit (cell ids, cell_type) and gives the diff, whichever way it is applied.
    const { text, message } = editNotebookJson(target.oldText, input.edit, target.shown);
    const notebooks = ctx.services.notebooks;
    let editorMessage: string | undefined;
    if (notebooks) {
      try {
        editorMessage = await notebooks.editCell(target.p, input.edit);
      } catch (err) {
        if (!(err instanceof Error && err.name === 'NotebookUnavailableError')) throw err;
      }
    }
    if (editorMessage !== undefined) {
      const version = await ctx.files.version(target.p);
      if (version !== undefined) ctx.reads.markRead(target.p.path, version);
      return { content: [{ type: 'text', text: editorMessage || message }], display: { path: target.p.path, summary: editorMessage || message, diff: unifiedDiff(target.shown, target.oldText, text) } };
    }
    return commitWrite(ctx, target, text, message);
  },
});
