/**
 * Palette and editor actions: Fix problems in this file, Explain selection,
 * Ask about selection, Write ExUnit tests, Review this file, and the
 * "Ask Elixir Agent to fix" code action on diagnostics. Each gathers the
 * editor's facts, writes the first message with the pure builders of
 * src/core/elixir/prompts.ts and puts it in the chat input (the chat service),
 * where the user sees and may edit it before sending. Each command returns
 * the message it prefilled (undefined when it had nothing to do).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  askAboutSelectionMessage,
  explainSelectionMessage,
  fixDiagnosticMessage,
  fixProblemsMessage,
  reviewFileMessage,
  writeTestsMessage,
  type EditorFacts,
  type PromptDiagnostic,
  type PromptSeverity,
} from '../../core/elixir/prompts';
import { COMMANDS } from '../ids';
import type { ChatService } from '../chat';
import type { FeatureContext } from '../context';
import type { ElixirService } from './index';
import { firstLine } from '../../shared/text';

const SEVERITY: Record<vscode.DiagnosticSeverity, PromptSeverity> = {
  [vscode.DiagnosticSeverity.Error]: 'Error',
  [vscode.DiagnosticSeverity.Warning]: 'Warning',
  [vscode.DiagnosticSeverity.Information]: 'Information',
  [vscode.DiagnosticSeverity.Hint]: 'Hint',
};

export const ELIXIR_SELECTOR: vscode.DocumentSelector = ['elixir', 'eex', 'html-eex', 'phoenix-heex', 'heex', 'surface'].map((language) => ({ language }));

export function promptDiagnostic(d: vscode.Diagnostic): PromptDiagnostic {
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return {
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    severity: SEVERITY[d.severity] ?? 'Information',
    message: d.message,
    source: d.source,
    code: code === undefined || code === '' ? undefined : String(code),
  };
}

/** The path the model should see: relative in a single-folder workspace, absolute otherwise. */
export function displayPath(uri: vscode.Uri): string {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (uri.scheme !== 'file') return uri.toString();
  if (folder && folders.length === 1) return path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
  return uri.fsPath;
}

export function editorFacts(doc: vscode.TextDocument, selection?: vscode.Selection): EditorFacts {
  const facts: EditorFacts = {
    path: displayPath(doc.uri),
    languageId: doc.languageId,
    text: doc.getText(),
    diagnostics: vscode.languages.getDiagnostics(doc.uri).map(promptDiagnostic),
  };
  if (selection && !selection.isEmpty) {
    // A selection ending at column 0 of a line does not include that line.
    const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
    const range = new vscode.Range(selection.start.line, 0, endLine, doc.lineAt(endLine).text.length);
    facts.selection = { startLine: selection.start.line + 1, endLine: endLine + 1, text: doc.getText(range) };
  }
  return facts;
}

export interface ActionsDeps {
  chat: Pick<ChatService, 'prefill'>;
  elixir: Pick<ElixirService, 'projectOf'>;
  runMixCompile: () => Promise<unknown>;
}

export function registerActions(rt: FeatureContext, { chat, elixir, runMixCompile }: ActionsDeps): void {
  const prefill = async (text: string | undefined): Promise<string | undefined> => {
    if (text === undefined) return undefined;
    await chat.prefill(text);
    return text;
  };

  /** The editor to act on: the one of a Uri argument (editor title/context menus) or the active one. */
  const target = async (args: unknown[]): Promise<vscode.TextEditor | undefined> => {
    const uri = args[0] instanceof vscode.Uri ? args[0] : undefined;
    const active = vscode.window.activeTextEditor;
    if (!uri || active?.document.uri.toString() === uri.toString()) {
      if (!active) void vscode.window.showInformationMessage('Elixir Agent: open a file first.');
      return active;
    }
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  };

  rt.registerCommand(COMMANDS.fixProblems, async (...args: unknown[]) => {
    const editor = await target(args);
    if (!editor) return undefined;
    const facts = editorFacts(editor.document);
    const text = fixProblemsMessage(facts);
    if (text === undefined) {
      const canCompile = vscode.workspace.isTrusted && !!elixir.projectOf(editor.document.uri);
      const pick = await vscode.window.showInformationMessage(
        `Elixir Agent: no problems are reported for ${facts.path}.`,
        ...(canCompile ? ['Run mix compile'] : []),
      );
      if (pick) await runMixCompile();
      return undefined;
    }
    return prefill(text);
  });

  rt.registerCommand(COMMANDS.explainSelection, async (...args: unknown[]) => {
    const editor = await target(args);
    if (!editor) return undefined;
    const text = explainSelectionMessage(editorFacts(editor.document, editor.selection));
    if (text === undefined) void vscode.window.showInformationMessage('Elixir Agent: select the code to explain first.');
    return prefill(text);
  });

  rt.registerCommand(COMMANDS.askAboutSelection, async (...args: unknown[]) => {
    const editor = await target(args);
    if (!editor) return undefined;
    const facts = editorFacts(editor.document, editor.selection);
    if (!facts.selection?.text.trim()) {
      void vscode.window.showInformationMessage('Elixir Agent: select the code to ask about first.');
      return undefined;
    }
    const question = await vscode.window.showInputBox({
      title: 'Ask Elixir Agent about the selection',
      prompt: `${facts.path} (${facts.selection.startLine === facts.selection.endLine ? `line ${facts.selection.startLine}` : `lines ${facts.selection.startLine}-${facts.selection.endLine}`})`,
      placeHolder: 'e.g. Why is this a GenServer and not an Agent?',
      ignoreFocusOut: true,
    });
    if (question === undefined) return undefined;
    return prefill(askAboutSelectionMessage(facts, question));
  });

  rt.registerCommand(COMMANDS.writeTests, async (...args: unknown[]) => {
    const editor = await target(args);
    if (!editor) return undefined;
    const facts = editorFacts(editor.document, editor.selection);
    facts.cursorLine = editor.selection.active.line + 1;
    return prefill(writeTestsMessage(facts));
  });

  rt.registerCommand(COMMANDS.reviewFile, async (...args: unknown[]) => {
    const editor = await target(args);
    if (!editor) return undefined;
    return prefill(reviewFileMessage(editorFacts(editor.document)));
  });

  // Args from the code action: (uri string, diagnostic as plain data). From the palette or a keybinding: the problem at the cursor.
  rt.registerCommand(COMMANDS.fixDiagnostic, async (...args: unknown[]) => {
    let uri = toUri(args[0]);
    let diagnostic = toPromptDiagnostic(args[1]);
    if (!uri || !diagnostic) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return undefined;
      uri = editor.document.uri;
      const at = editor.selection.active;
      const here = vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.range.contains(at) || d.range.start.line === at.line)
        .sort((a, b) => a.severity - b.severity)[0];
      if (!here) {
        void vscode.window.showInformationMessage('Elixir Agent: no problem at the cursor.');
        return undefined;
      }
      diagnostic = promptDiagnostic(here);
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    return prefill(fixDiagnosticMessage(editorFacts(doc), diagnostic));
  });

  rt.track(
    vscode.languages.registerCodeActionsProvider(ELIXIR_SELECTOR, new FixWithAgentProvider(), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
  );
}

function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.parse(arg);
  return undefined;
}

/** A diagnostic from a command argument: a vscode.Diagnostic, or the plain data the code action passes. */
function toPromptDiagnostic(arg: unknown): PromptDiagnostic | undefined {
  if (arg instanceof vscode.Diagnostic) return promptDiagnostic(arg);
  const d = arg as Partial<PromptDiagnostic> | undefined;
  if (!d || typeof d.message !== 'string' || typeof d.line !== 'number' || typeof d.column !== 'number') return undefined;
  const severity: PromptSeverity = d.severity && ['Error', 'Warning', 'Information', 'Hint'].includes(d.severity) ? d.severity : 'Information';
  return { line: d.line, column: d.column, severity, message: d.message, source: typeof d.source === 'string' ? d.source : undefined, code: typeof d.code === 'string' ? d.code : undefined };
}

/** "Ask Elixir Agent to fix" on each diagnostic under the cursor. */
export class FixWithAgentProvider implements vscode.CodeActionProvider {
  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const diagnostics = context.diagnostics.slice(0, 5);
    return diagnostics.map((d) => {
      const short = firstLine(d.message);
      const title = diagnostics.length === 1 ? 'Ask Elixir Agent to fix' : `Ask Elixir Agent to fix: ${short.length > 60 ? `${short.slice(0, 57)}...` : short}`;
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      // Plain data, so the arguments survive any trip through the workbench.
      action.command = { command: COMMANDS.fixDiagnostic, title, arguments: [document.uri.toString(), promptDiagnostic(d)] };
      return action;
    });
  }
}
