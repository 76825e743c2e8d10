/**
 * FileAccess in the editor: reads see an open document's unsaved text;
 * writes go through a WorkspaceEdit (so they land in open buffers and the
 * editor's undo reverts them) and are saved afterwards.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { NodeFileAccess } from '../../core/tools/nodeFiles';
import { ToolError, type FileAccess } from '../../core/tools/types';

const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32';
const key = (p: string) => (caseInsensitive ? p.toLowerCase() : p);

export class EditorFileAccess implements FileAccess {
  private readonly disk = new NodeFileAccess();

  /** The open text document for a path, if any. */
  document(absPath: string): vscode.TextDocument | undefined {
    const k = key(absPath);
    return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && !d.isClosed && key(d.uri.fsPath) === k);
  }

  private bufferVersion(d: vscode.TextDocument): string {
    return `buffer:${d.uri.toString()}:${d.version}`;
  }

  async readText(absPath: string): Promise<{ text: string; version: string }> {
    const d = this.document(absPath);
    if (d?.isDirty) return { text: d.getText(), version: this.bufferVersion(d) };
    return this.disk.readText(absPath);
  }

  async version(absPath: string): Promise<string | undefined> {
    const d = this.document(absPath);
    if (d?.isDirty) return this.bufferVersion(d);
    return this.disk.version(absPath);
  }

  async writeText(absPath: string, text: string): Promise<void> {
    const uri = vscode.Uri.file(absPath);
    if (!fs.existsSync(absPath) && !this.document(absPath)) {
      const create = new vscode.WorkspaceEdit();
      create.createFile(uri, { overwrite: false, contents: Buffer.from(text, 'utf8') });
      if (!(await vscode.workspace.applyEdit(create))) throw new ToolError(`The editor could not create ${absPath}.`);
      return;
    }
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
      if (!(await vscode.workspace.applyEdit(edit))) throw new ToolError(`The editor refused the change to ${absPath} (is the file read-only?). Nothing was changed.`);
    }
    if (doc.isDirty && !(await doc.save())) {
      throw new ToolError(`The change to ${absPath} is in the open editor, but saving it failed (the file may have changed on disk). Ask the user to save or compare it.`);
    }
  }
}
