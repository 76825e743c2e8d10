/**
 * Jupyter notebooks (.ipynb, nbformat 4) as JSON: rendering the cells for
 * Read, and the cell edit NotebookEdit applies when no editor notebook API is
 * available (headless). Cell ids are the nbformat 4.5 `id`, or `cell-N`
 * (0-based position) for notebooks without ids.
 */
import { randomBytes } from 'node:crypto';
import { ToolError } from './types';

export type CellType = 'code' | 'markdown';

/** Thrown by a NotebookAccess that cannot handle this notebook (no notebook support in the editor): NotebookEdit then edits the JSON. */
export class NotebookUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookUnavailableError';
  }
}
export type EditMode = 'replace' | 'insert' | 'delete';

export interface CellEdit {
  cellId?: string;
  newSource: string;
  cellType?: CellType;
  editMode: EditMode;
}

interface NbCell {
  id?: string;
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: Array<Record<string, unknown>>;
  execution_count?: number | null;
  [k: string]: unknown;
}

interface Notebook {
  cells: NbCell[];
  metadata?: { kernelspec?: { name?: string; language?: string }; language_info?: { name?: string } };
  nbformat?: number;
  nbformat_minor?: number;
  [k: string]: unknown;
}

const MAX_OUTPUT_CHARS = 2000;

function parse(text: string, shown: string): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    throw new ToolError(`${shown} is not valid notebook JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!nb || typeof nb !== 'object' || !Array.isArray((nb as Notebook).cells)) throw new ToolError(`${shown} is not a Jupyter notebook (no "cells" array).`);
  return nb as Notebook;
}

const joinSource = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join('') : (s ?? ''));

export function cellIdOf(cell: NbCell, index: number): string {
  return typeof cell.id === 'string' && cell.id ? cell.id : `cell-${index}`;
}

/** Index of the cell the model names: its id, or `cell-N`. */
export function findCell(cells: Array<{ id?: string }>, cellId: string, shown: string): number {
  const byId = cells.findIndex((c) => c.id === cellId);
  if (byId >= 0) return byId;
  const m = /^cell-(\d+)$/.exec(cellId);
  if (m && Number(m[1]) < cells.length) return Number(m[1]);
  const known = cells.slice(0, 10).map((c, i) => cellIdOf(c as NbCell, i));
  throw new ToolError(`Cell "${cellId}" was not found in ${shown}. Cell ids: ${known.join(', ')}${cells.length > 10 ? ', …' : ''}. Read the notebook to see them.`);
}

function outputText(o: Record<string, unknown>): string {
  const type = o.output_type;
  if (type === 'stream') return joinSource(o.text as string[]);
  if (type === 'error') return `${String(o.ename)}: ${String(o.evalue)}`;
  const data = (o.data ?? {}) as Record<string, unknown>;
  if (data['text/plain'] !== undefined) return joinSource(data['text/plain'] as string[]);
  const kinds = Object.keys(data);
  return kinds.length ? `[${kinds.join(', ')} output omitted]` : '';
}

/** The notebook's cells as text for the model. */
export function renderNotebook(text: string, shown: string): string {
  const nb = parse(text, shown);
  const language = nb.metadata?.language_info?.name ?? nb.metadata?.kernelspec?.language ?? 'unknown';
  const parts = [`Jupyter notebook ${shown}: ${nb.cells.length} cells, language ${language}. Use the cell ids below with NotebookEdit.`];
  nb.cells.forEach((cell, i) => {
    const id = cellIdOf(cell, i);
    const exec = cell.cell_type === 'code' && typeof cell.execution_count === 'number' ? ` execution_count="${cell.execution_count}"` : '';
    parts.push(`<cell id="${id}" cell_type="${cell.cell_type}"${exec}>\n${joinSource(cell.source)}\n</cell>`);
    const outs = (cell.outputs ?? []).map(outputText).filter(Boolean).join('\n');
    if (outs) {
      const cut = outs.length > MAX_OUTPUT_CHARS ? `${outs.slice(0, MAX_OUTPUT_CHARS)}… [output truncated]` : outs;
      parts.push(`<output cell_id="${id}">\n${cut}\n</output>`);
    }
  });
  return parts.join('\n');
}

/** nbformat keeps sources as lines that end with "\n" (but the last). */
export function sourceLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function newCell(type: CellType, source: string, withId: boolean): NbCell {
  const cell: NbCell = withId ? { id: randomBytes(4).toString('hex'), cell_type: type, metadata: {}, source: sourceLines(source) } : { cell_type: type, metadata: {}, source: sourceLines(source) };
  if (type === 'code') {
    cell.execution_count = null;
    cell.outputs = [];
  }
  return cell;
}

function setType(cell: NbCell, type: CellType): void {
  cell.cell_type = type;
  if (type === 'code') {
    cell.outputs = [];
    cell.execution_count = null;
  } else {
    delete cell.outputs;
    delete cell.execution_count;
  }
}

/** Apply one cell edit to notebook JSON text; keeps the file's indentation. */
export function editNotebookJson(text: string, edit: CellEdit, shown: string): { text: string; message: string } {
  const nb = parse(text, shown);
  const usesIds = (nb.nbformat ?? 4) > 4 || (nb.nbformat_minor ?? 0) >= 5 || nb.cells.some((c) => typeof c.id === 'string');
  let message: string;
  if (edit.editMode === 'insert') {
    if (!edit.cellType) throw new ToolError('cell_type (code or markdown) is required when edit_mode is insert.');
    const at = edit.cellId === undefined ? 0 : findCell(nb.cells, edit.cellId, shown) + 1;
    const cell = newCell(edit.cellType, edit.newSource, usesIds);
    nb.cells.splice(at, 0, cell);
    message = `Inserted a ${edit.cellType} cell ${usesIds ? `"${cell.id}" ` : ''}at position ${at}${edit.cellId === undefined ? ' (the top)' : ` after cell "${edit.cellId}"`} in ${shown}.`;
  } else {
    if (edit.cellId === undefined) throw new ToolError(`cell_id is required when edit_mode is ${edit.editMode}.`);
    const at = findCell(nb.cells, edit.cellId, shown);
    if (edit.editMode === 'delete') {
      nb.cells.splice(at, 1);
      message = `Deleted cell "${edit.cellId}" from ${shown}.`;
    } else {
      const cell = nb.cells[at]!; // findCell returned its index
      if (edit.cellType && edit.cellType !== cell.cell_type) setType(cell, edit.cellType);
      else if (cell.cell_type === 'code') {
        cell.outputs = [];
        cell.execution_count = null;
      }
      cell.source = sourceLines(edit.newSource);
      message = `Replaced the source of cell "${edit.cellId}" in ${shown}${cell.cell_type === 'code' ? ' (its old outputs were cleared)' : ''}.`;
    }
  }
  const indentMatch = /^\{\s*?\n([ \t]+)"/.exec(text);
  const indent = indentMatch ? indentMatch[1] : 1;
  const out = JSON.stringify(nb, null, indent) + (text.endsWith('\n') ? '\n' : '');
  return { text: out, message };
}
