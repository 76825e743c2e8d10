/** The editor side of the ide channel: openFile, and the editor's diagnostics. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorResult, textResult, type DiagnosticsProvider, type FileDiagnostics, type Tool } from '../../core/tools/types';

const SEVERITY: Record<vscode.DiagnosticSeverity, FileDiagnostics['diagnostics'][number]['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'Error',
  [vscode.DiagnosticSeverity.Warning]: 'Warning',
  [vscode.DiagnosticSeverity.Information]: 'Information',
  [vscode.DiagnosticSeverity.Hint]: 'Hint',
};

function toFile(uri: vscode.Uri, list: readonly vscode.Diagnostic[]): FileDiagnostics {
  return {
    uri: uri.toString(),
    diagnostics: list.map((d) => {
      const out: FileDiagnostics['diagnostics'][number] = {
        message: d.message,
        severity: SEVERITY[d.severity],
        range: { start: { line: d.range.start.line, character: d.range.start.character }, end: { line: d.range.end.line, character: d.range.end.character } },
      };
      if (d.source) out.source = d.source;
      const code = typeof d.code === 'object' ? d.code.value : d.code;
      if (code !== undefined) out.code = String(code);
      return out;
    }),
  };
}

/** Every diagnostic the editor knows (all sources), in Claude Code's shape. */
export function editorDiagnostics(): DiagnosticsProvider {
  return {
    get(uri?: string): Promise<FileDiagnostics[]> {
      if (uri) {
        const target = vscode.Uri.parse(uri);
        return Promise.resolve([toFile(target, vscode.languages.getDiagnostics(target))].filter((f) => f.diagnostics.length > 0));
      }
      return Promise.resolve(vscode.languages.getDiagnostics().filter(([, list]) => list.length > 0).map(([u, list]) => toFile(u, list)));
    },
  };
}

interface OpenFileInput {
  filePath: string;
  preview?: boolean;
  startText?: string;
  endText?: string;
  selectToEndOfLine?: boolean;
  makeFrontmost?: boolean;
}

/** openFile as Claude Code's extension offers it: open, optionally select from startText to endText. */
export function openFileTool(folders: () => string[]): Tool {
  const tool: Tool<OpenFileInput> = {
    name: 'openFile',
    description: 'Open a file in the editor and optionally select a range of text',
    inputSchema: {
      type: 'object',
      required: ['filePath'],
      properties: {
        filePath: { type: 'string', description: 'Path to the file to open' },
        preview: { type: 'boolean', description: 'Whether to open the file in preview mode', default: false },
        startText: { type: 'string', description: 'Text pattern to find the start of the selection' },
        endText: { type: 'string', description: 'Text pattern to find the end of the selection' },
        selectToEndOfLine: { type: 'boolean', description: 'Extend the selection to the end of the line', default: false },
        makeFrontmost: { type: 'boolean', description: 'Make the file the active editor tab', default: true },
      },
    },
    kind: 'read',
    readOnly: true,
    async invoke(input) {
      if (typeof input?.filePath !== 'string' || !input.filePath.trim()) return errorResult('filePath must be a non-empty string');
      const root = folders()[0] ?? process.cwd();
      const abs = path.isAbsolute(input.filePath) ? input.filePath : path.join(root, input.filePath);
      let doc: vscode.TextDocument;
      try {
        doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
      } catch (err) {
        return errorResult(`Could not open ${abs}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const frontmost = input.makeFrontmost !== false;
      const editor = await vscode.window.showTextDocument(doc, { preview: input.preview === true, preserveFocus: !frontmost });
      if (input.startText) {
        const text = doc.getText();
        const start = text.indexOf(input.startText);
        if (start < 0) return errorResult(`Opened ${abs}, but the text "${input.startText}" was not found in it`);
        let end = start + input.startText.length;
        if (input.endText) {
          const at = text.indexOf(input.endText, end);
          if (at >= 0) end = at + input.endText.length;
        }
        let endPos = doc.positionAt(end);
        if (input.selectToEndOfLine) endPos = doc.lineAt(endPos.line).range.end;
        editor.selection = new vscode.Selection(doc.positionAt(start), endPos);
        editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
      if (frontmost) return textResult(`Opened file: ${abs}`);
      return textResult(JSON.stringify({ success: true, filePath: abs, languageId: doc.languageId, lineCount: doc.lineCount }));
    },
  };
  return tool as unknown as Tool;
}
