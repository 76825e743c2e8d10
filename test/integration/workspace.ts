/** The workspace the test instance of VS Code opened (scripts/run-integration.mjs opens each suite's). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The first workspace folder; fails the test when none is open. */
export function firstFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder;
}
