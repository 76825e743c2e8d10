/**
 * The chat's UI-local actions, answered by the view without the backend:
 * open a file an answer names (inside the workspace only; the lookup is
 * the pure src/core/chat/openFilePath.ts), insert code at the cursor,
 * copy, and the commands the webview's buttons run.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { insideWorkspace, lookUpOpenFile } from '../../core/chat/openFilePath';
import type { WebviewMessage } from '../../shared/protocol';
import { COMMANDS, EXTENSION_ID } from '../ids';
import { fileFolderPaths } from '../folders';

type Command = Extract<WebviewMessage, { type: 'command' }>['command'];


export class ViewActions implements vscode.Disposable {
  private lastEditor?: vscode.TextEditor;
  private readonly subscription: vscode.Disposable;

  /** `openPanel`: the chat in an editor tab (the webview's "open in editor" button). */
  constructor(private readonly openPanel: () => void) {
    this.lastEditor = vscode.window.activeTextEditor;
    this.subscription = vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e) this.lastEditor = e;
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage('$(check) Copied', 2000);
  }

  async runCommand(command: Command): Promise<void> {
    switch (command) {
      case 'setApiKey':
        await vscode.commands.executeCommand(COMMANDS.setApiKey);
        return;
      case 'createAgent':
        await vscode.commands.executeCommand(COMMANDS.createAgent);
        return;
      case 'openAgentFile':
        await vscode.commands.executeCommand(COMMANDS.openAgentFile);
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${EXTENSION_ID}`);
        return;
      case 'manageTrust':
        await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      case 'openInEditor':
        this.openPanel();
        return;
    }
  }

  /** Opens a file the answer names, only when it lies inside a workspace folder. */
  async openFile(requested: string, line: number | undefined, beside: boolean): Promise<void> {
    const lookup = await lookUpOpenFile(requested, fileFolderPaths());
    let target = lookup.target;
    if (!target && lookup.search) {
      const found = await vscode.workspace.findFiles(lookup.search.include, lookup.search.exclude, 10);
      const inside = await insideWorkspace(found.map((u) => u.fsPath), lookup.realFolders);
      if (inside.length === 1) target = inside[0];
      else if (inside.length > 1) {
        const pick = await vscode.window.showQuickPick(
          inside.map((p) => ({ label: vscode.workspace.asRelativePath(p), path: p })),
          { placeHolder: `Several files match ${requested}` },
        );
        if (!pick) return;
        target = pick.path;
      }
    }
    if (!target) {
      void vscode.window.showWarningMessage(`Elixir Agent: ${requested} is not a file in this workspace.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
    const at = line ? Math.min(Math.max(0, line - 1), Math.max(0, doc.lineCount - 1)) : undefined;
    const selection = at !== undefined ? new vscode.Range(at, 0, at, 0) : undefined;
    const editor = await vscode.window.showTextDocument(doc, { selection, preview: true, viewColumn: beside ? vscode.ViewColumn.Beside : undefined });
    if (selection) editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Replaces each selection of the active (or last active) editor with the code. */
  async insertAtCursor(code: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? (this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : undefined);
    if (!editor) {
      void vscode.window.showWarningMessage('Elixir Agent: open a file and place the cursor where the code should go.');
      return;
    }
    const ok = await editor.edit((b) => {
      for (const sel of editor.selections) b.replace(sel, code);
    });
    if (!ok) {
      void vscode.window.showWarningMessage(`Elixir Agent: could not insert into ${path.basename(editor.document.fileName)} (read-only?).`);
      return;
    }
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }
}
