/**
 * NotebookEdit through VS Code's notebook API: the edit is undoable and an
 * open notebook editor shows it at once. VS Code's ipynb serializer keeps a
 * cell's nbformat id in `metadata.id`. Only for a notebook the editor already
 * has open: any other is edited as JSON through the race-free walk
 * (NotebookUnavailableError makes the tool do that), so VS Code never loads or
 * saves by path a file the user has not opened. For an open one, the path is
 * checked like an open text document before VS Code saves it (files.ts).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { statChecked } from '../../core/tools/nodeFiles';
import { findCell, NotebookUnavailableError, type CellEdit } from '../../core/tools/notebookFormat';
import type { ResolvedPath } from '../../core/tools/paths';
import type { NotebookAccess } from '../../core/tools/types';
import { assertSameFile } from './files';

const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32';
const key = (p: string) => (caseInsensitive ? p.toLowerCase() : p);

function cellId(cell: vscode.NotebookCell): string | undefined {
  const id = (cell.metadata as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

function codeLanguage(nb: vscode.NotebookDocument): string {
  const code = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code);
  if (code) return code.document.languageId;
  const meta = nb.metadata as { metadata?: { language_info?: { name?: string } } } | undefined;
  return meta?.metadata?.language_info?.name ?? 'python';
}

export class EditorNotebookAccess implements NotebookAccess {
  async editCell(file: ResolvedPath, edit: CellEdit): Promise<string> {
    const absPath = file.path;
    const keys = new Set([key(file.path), key(file.real)]);
    const nb = vscode.workspace.notebookDocuments.find((d) => d.uri.scheme === 'file' && !d.isClosed && keys.has(key(d.uri.fsPath)));
    if (!nb) throw new NotebookUnavailableError(`${absPath} is not open in the editor`);
    const uri = nb.uri;
    const before = statChecked(file);
    const shown = path.basename(absPath);
    const cells = nb.getCells();
    const ids = cells.map((c) => ({ id: cellId(c) }));
    const dataFor = (type: 'code' | 'markdown', source: string, metadata: Record<string, unknown>) => {
      const data =
        type === 'code'
          ? new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, codeLanguage(nb))
          : new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, source, 'markdown');
      data.metadata = metadata;
      return data;
    };
    let change: vscode.NotebookEdit;
    let message: string;
    const usesIds = ids.some((c) => c.id !== undefined) || cells.length === 0;
    if (edit.editMode === 'insert') {
      const at = edit.cellId === undefined ? 0 : findCell(ids, edit.cellId, shown) + 1;
      const id = randomBytes(4).toString('hex');
      change = vscode.NotebookEdit.insertCells(at, [dataFor(edit.cellType ?? 'code', edit.newSource, usesIds ? { id } : {})]);
      message = `Inserted a ${edit.cellType ?? 'code'} cell ${usesIds ? `"${id}" ` : ''}at position ${at}${edit.cellId === undefined ? ' (the top)' : ` after cell "${edit.cellId}"`} in ${shown}.`;
    } else {
      const at = findCell(ids, edit.cellId ?? '', shown);
      const range = new vscode.NotebookRange(at, at + 1);
      if (edit.editMode === 'delete') {
        change = vscode.NotebookEdit.deleteCells(range);
        message = `Deleted cell "${edit.cellId}" from ${shown}.`;
      } else {
        const old = cells[at]!; // findCell returns an index of a cell, or throws
        const type = edit.cellType ?? (old.kind === vscode.NotebookCellKind.Code ? 'code' : 'markdown');
        const metadata = { ...(old.metadata ?? {}) } as Record<string, unknown>;
        if (type === 'code') metadata.execution_count = null;
        else delete metadata.execution_count;
        change = vscode.NotebookEdit.replaceCells(range, [dataFor(type, edit.newSource, metadata)]);
        message = `Replaced the source of cell "${edit.cellId}" in ${shown}${type === 'code' ? ' (its old outputs were cleared)' : ''}.`;
      }
    }
    const we = new vscode.WorkspaceEdit();
    we.set(uri, [change]);
    if (!(await vscode.workspace.applyEdit(we))) throw new Error(`The editor refused the notebook edit of ${absPath}.`);
    if (nb.isDirty) {
      assertSameFile(file, before);
      if (!(await nb.save())) throw new Error(`The notebook edit is in the open editor, but saving ${absPath} failed.`);
    }
    return message;
  }
}
