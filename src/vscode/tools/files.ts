/**
 * FileAccess in the editor: reads see an open document's unsaved text;
 * changes to a file open in the editor go through a WorkspaceEdit (so they
 * land in its buffer and the editor's undo reverts them) and are saved.
 *
 * The path race (safeFs.ts): VS Code opens and saves files by path, following
 * links, so a folder swapped for a link out between our check and its save
 * could redirect the write. Therefore:
 * - A file NOT open in the editor is read and written only through the safe
 *   walk (NodeFileAccess): race-free on Linux. VS Code's file watcher then
 *   shows the change. The editor is never asked to open a file the user has
 *   not opened, so it never loads one by a path that could be swapped.
 * - A file open in the editor: before the WorkspaceEdit and again just before
 *   VS Code saves, the safe walk checks that the path still leads, with no
 *   link, to the same file (device and inode); afterwards the file at that
 *   path must hold the saved text. What remains is the instant of VS Code's
 *   own save (its by-path write), which we cannot hold; a redirect there is
 *   reported, not prevented. Dirty buffers are returned only while their path
 *   checks out the same way (the text is what VS Code loaded for that path).
 */
import * as vscode from 'vscode';
import { NodeFileAccess, statChecked, type PathInfo } from '../../core/tools/nodeFiles';
import type { ResolvedPath } from '../../core/tools/paths';
import { ToolError, type FileAccess } from '../../core/tools/types';

const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32';
const key = (p: string) => (caseInsensitive ? p.toLowerCase() : p);

/** Throws unless the path still leads (through the safe walk, no link) to the file seen before. */
export function assertSameFile(file: ResolvedPath, before: PathInfo): void {
  const now = statChecked(file);
  const same = before.stat && now.stat ? now.stat.dev === before.stat.dev && now.stat.ino === before.stat.ino : now.kind === before.kind;
  if (!same || (now.kind !== 'file' && now.kind !== 'missing')) {
    throw new ToolError(`${file.path} was replaced on disk while the change was being made (a folder or link on the way may have been swapped), so it was not saved. Nothing was written; the change is in the open editor.`);
  }
}

export class EditorFileAccess implements FileAccess {
  private readonly disk = new NodeFileAccess();

  /** The open text document for a path, if any. */
  document(file: ResolvedPath): vscode.TextDocument | undefined {
    const keys = new Set([key(file.path), key(file.real)]);
    return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && !d.isClosed && keys.has(key(d.uri.fsPath)));
  }

  private bufferVersion(d: vscode.TextDocument): string {
    return `buffer:${d.uri.toString()}:${d.version}`;
  }

  private dirty(file: ResolvedPath): vscode.TextDocument | undefined {
    const d = this.document(file);
    if (!d?.isDirty) return undefined;
    statChecked(file); // the path must still lead inside, without a link (throws otherwise)
    return d;
  }

  async readText(file: ResolvedPath): Promise<{ text: string; version: string }> {
    const d = this.dirty(file);
    if (d) return { text: d.getText(), version: this.bufferVersion(d) };
    return this.disk.readText(file);
  }

  async version(file: ResolvedPath): Promise<string | undefined> {
    const d = this.dirty(file);
    if (d) return this.bufferVersion(d);
    return this.disk.version(file);
  }

  async writeText(file: ResolvedPath, text: string): Promise<void> {
    const open = this.document(file);
    if (!open) {
      await this.disk.writeText(file, text);
      return;
    }
    const before = statChecked(file);
    if (before.kind !== 'file' && before.kind !== 'missing') throw new ToolError(`${file.path} is not a regular file; it was not written.`);
    const uri = open.uri;
    const doc = await vscode.workspace.openTextDocument(uri);
    const old = doc.getText();
    if (old !== text) {
      // Replace only the changed region: the cursor, folds and undo stay sensible.
      let start = 0;
      const max = Math.min(old.length, text.length);
      while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
      let endOld = old.length;
      let endNew = text.length;
      while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)) {
        endOld--;
        endNew--;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(start), doc.positionAt(endOld)), text.slice(start, endNew));
      if (!(await vscode.workspace.applyEdit(edit))) throw new ToolError(`The editor refused the change to ${file.path} (is the file read-only?). Nothing was changed.`);
    }
    if (!doc.isDirty) return;
    assertSameFile(file, before);
    if (!(await doc.save())) {
      throw new ToolError(`The change to ${file.path} is in the open editor, but saving it failed (the file may have changed on disk). Ask the user to save or compare it.`);
    }
    if (doc.encoding === 'utf8' && (await this.disk.readText(file)).text !== doc.getText()) {
      throw new ToolError(`VS Code saved ${file.path}, but the file at that path does not hold the saved text: a folder or link on the way may have been swapped while it saved. Check the file.`);
    }
  }
}
