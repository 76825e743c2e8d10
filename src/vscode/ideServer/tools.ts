/** The editor side of the ide channel: openFile (the diagnostics are the Elixir feature's, src/vscode/elixir/diagnostics.ts). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import { defineTool } from '../../core/tools/define';
import { errorResult, textResult, type Tool } from '../../core/tools/types';

/** openFile as Claude Code's extension offers it: open, optionally select from startText to endText. */
export function openFileTool(folders: () => string[]): Tool {
  return defineTool({
    name: 'openFile',
    description: 'Open a file in the editor and optionally select a range of text',
    input: z.object({
      filePath: z
        .string()
        .refine((p) => p.trim() !== '', 'must be a non-empty string')
        .describe('Path to the file to open'),
      preview: z.boolean().default(false).describe('Whether to open the file in preview mode'),
      startText: z.string().optional().describe('Text pattern to find the start of the selection'),
      endText: z.string().optional().describe('Text pattern to find the end of the selection'),
      selectToEndOfLine: z.boolean().default(false).describe('Extend the selection to the end of the line'),
      makeFrontmost: z.boolean().default(true).describe('Make the file the active editor tab'),
    }),
    kind: 'read',
    readOnly: true,
    async run(input) {
      const root = folders()[0] ?? process.cwd();
      const abs = path.isAbsolute(input.filePath) ? input.filePath : path.join(root, input.filePath);
      let doc: vscode.TextDocument;
      try {
        doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
      } catch (err) {
        return errorResult(`Could not open ${abs}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const frontmost = input.makeFrontmost;
      const editor = await vscode.window.showTextDocument(doc, { preview: input.preview, preserveFocus: !frontmost });
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
  });
}
