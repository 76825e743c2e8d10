/**
 * `@` mentions in the chat input: files of the workspace, the current
 * selection, the current file's problems. Suggestions for a query, and the
 * context text each mention adds to the user's message.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MentionItem } from '../../shared/protocol';
import { fileFolderPaths } from '../folders';
import { diagnosticLine } from '../tools/diagnostics';

const MAX_FILE_CHARS = 60_000;
const EXCLUDE = '{**/node_modules/**,**/_build/**,**/deps/**,**/.git/**,**/.elixir_ls/**,**/dist/**}';

/** Suggestions for what was typed after `@`. */
export async function mentionSuggestions(query: string): Promise<MentionItem[]> {
  const items: MentionItem[] = [];
  const q = query.trim().toLowerCase();
  const editor = vscode.window.activeTextEditor;
  if (editor && !editor.selection.isEmpty && 'selection'.startsWith(q)) {
    const s = editor.selection;
    items.push({ kind: 'selection', label: 'selection', detail: `${vscode.workspace.asRelativePath(editor.document.uri)}:${s.start.line + 1}-${s.end.line + 1}`, value: 'selection' });
  }
  if (editor && vscode.languages.getDiagnostics(editor.document.uri).length && 'problems'.startsWith(q)) {
    items.push({ kind: 'problems', label: 'problems', detail: `${vscode.languages.getDiagnostics(editor.document.uri).length} in ${path.basename(editor.document.uri.fsPath)}`, value: 'problems' });
  }
  const safe = q.replace(/[{}[\]*?!\\]/g, '');
  const uris = await vscode.workspace.findFiles(safe ? `**/*${safe}*` : '**/*', EXCLUDE, 200);
  const files = uris
    .map((u) => vscode.workspace.asRelativePath(u, false))
    .sort((a, b) => score(a, safe) - score(b, safe) || a.length - b.length || a.localeCompare(b))
    .slice(0, 20);
  for (const rel of files) items.push({ kind: 'file', label: path.basename(rel), detail: rel, value: rel });
  return items;
}

/** Lower is better: a match in the file name beats one in the folder. */
function score(rel: string, q: string): number {
  const base = path.basename(rel).toLowerCase();
  if (!q) return 0;
  if (base.startsWith(q)) return 0;
  if (base.includes(q)) return 1;
  return 2;
}

/** The context a mention adds to the message (sent to the model, not shown as the user's text). */
export async function resolveMention(m: MentionItem): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (m.kind === 'selection') {
    if (!editor || editor.selection.isEmpty) return undefined;
    const rel = vscode.workspace.asRelativePath(editor.document.uri);
    const s = editor.selection;
    return `<selection file="${rel}" lines="${s.start.line + 1}-${s.end.line + 1}" language="${editor.document.languageId}">\n${editor.document.getText(s)}\n</selection>`;
  }
  if (m.kind === 'problems') {
    if (!editor) return undefined;
    const diags = vscode.languages.getDiagnostics(editor.document.uri);
    if (!diags.length) return undefined;
    const rel = vscode.workspace.asRelativePath(editor.document.uri);
    const lines = diags.map((d) => diagnosticLine(rel, d));
    return `<problems file="${rel}">\n${lines.join('\n')}\n</problems>`;
  }
  // A file: only inside a workspace folder.
  for (const folder of fileFolderPaths()) {
    const abs = path.resolve(folder, m.value);
    const rel = path.relative(folder, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
      const text = doc.getText();
      const body = text.length > MAX_FILE_CHARS ? `${text.slice(0, MAX_FILE_CHARS)}\n[... cut: the file has ${text.length} characters; use Read for the rest ...]` : text;
      return `<file path="${abs}">\n${body}\n</file>`;
    } catch {
      continue;
    }
  }
  return undefined;
}
