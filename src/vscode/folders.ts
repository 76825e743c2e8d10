import * as vscode from 'vscode';

/** The workspace folders on disk (the file scheme), as paths: where tools, searches, agents and MCP servers work. */
export function fileFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}
