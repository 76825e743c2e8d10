/**
 * First messages for the editor actions (Fix problems in this file, Explain
 * selection, Ask about selection, Write ExUnit tests, Review this file, Ask
 * Elixir Agent to fix). Pure: the editor gathers the facts, these functions
 * write the text the user sees (and may edit) in the chat input.
 */

export type PromptSeverity = 'Error' | 'Warning' | 'Information' | 'Hint';

export interface PromptDiagnostic {
  /** 1-based line and column. */
  line: number;
  column: number;
  severity: PromptSeverity;
  message: string;
  source?: string;
  code?: string;
}

export interface EditorFacts {
  /** As the model should see it: workspace-relative when inside the workspace. */
  path: string;
  /** VS Code language id: elixir, eex, html-eex, phoenix-heex, ... */
  languageId: string;
  /** The whole document (for module names and the lines around a problem). */
  text: string;
  /** 1-based, inclusive. Absent or empty: no selection. */
  selection?: { startLine: number; endLine: number; text: string };
  /** The file's diagnostics, from every source. */
  diagnostics: PromptDiagnostic[];
  /** 1-based line of the cursor (picks the module for "Write tests" without a selection). */
  cursorLine?: number;
}

const MAX_LISTED = 50;
const MAX_CODE_CHARS = 20_000;

const FENCE_LANG: Record<string, string> = {
  elixir: 'elixir',
  eex: 'eex',
  'html-eex': 'eex',
  'phoenix-heex': 'heex',
  heex: 'heex',
  surface: 'heex',
};

export function fenceLanguage(languageId: string): string {
  return FENCE_LANG[languageId] ?? (/^[\w+-]+$/.test(languageId) ? languageId : '');
}

/** A fenced block that survives backticks inside the code. */
export function fenced(code: string, languageId: string): string {
  const body = code.length > MAX_CODE_CHARS ? `${code.slice(0, MAX_CODE_CHARS)}\n# ... (${code.length - MAX_CODE_CHARS} more characters not shown)` : code;
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${fenceLanguage(languageId)}\n${body.replace(/\s+$/, '')}\n${fence}`;
}

/** Inline code that survives backticks inside it. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function linesLabel(start: number, end: number): string {
  return start === end ? `line ${start}` : `lines ${start}-${end}`;
}

function severityRank(s: PromptSeverity): number {
  return ['Error', 'Warning', 'Information', 'Hint'].indexOf(s);
}

function sorted(list: PromptDiagnostic[]): PromptDiagnostic[] {
  return list.slice().sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.line - b.line || a.column - b.column);
}

function describeDiagnostic(d: PromptDiagnostic): string {
  const from = [d.source, d.code].filter(Boolean).join(' ');
  const message = d.message.trim().split('\n').join('\n   ');
  return `${d.severity} at line ${d.line}, column ${d.column}${from ? ` (${from})` : ''}: ${message}`;
}

function sourceLine(text: string, line: number): string | undefined {
  const l = text.split(/\r?\n/)[line - 1];
  return l === undefined ? undefined : l.trim();
}

/** A numbered list of diagnostics with the code of each line. */
export function diagnosticsList(facts: EditorFacts, list: PromptDiagnostic[] = facts.diagnostics): string {
  const items = sorted(list);
  const out = items.slice(0, MAX_LISTED).map((d, i) => {
    const code = sourceLine(facts.text, d.line);
    return `${i + 1}. ${describeDiagnostic(d)}${code ? `\n   Code: ${inlineCode(code)}` : ''}`;
  });
  if (items.length > MAX_LISTED) out.push(`... and ${items.length - MAX_LISTED} more (see mcp__ide__getDiagnostics).`);
  return out.join('\n');
}

function selectionBlock(facts: EditorFacts): string | undefined {
  const s = facts.selection;
  if (!s || !s.text.trim()) return undefined;
  return `${inlineCode(facts.path)} (${linesLabel(s.startLine, s.endLine)}):\n\n${fenced(s.text, facts.languageId)}`;
}

function inSelection(facts: EditorFacts): PromptDiagnostic[] {
  const s = facts.selection;
  if (!s) return [];
  return facts.diagnostics.filter((d) => d.line >= s.startLine && d.line <= s.endLine);
}

/** "Fix problems in this file". Undefined when the file has no problems. */
export function fixProblemsMessage(facts: EditorFacts): string | undefined {
  if (facts.diagnostics.length === 0) return undefined;
  const n = facts.diagnostics.length;
  return [
    `Fix the ${n === 1 ? 'problem' : `${n} problems`} reported in ${inlineCode(facts.path)}:`,
    '',
    diagnosticsList(facts),
    '',
    'Fix the causes rather than silencing them, keep the changes minimal, and check the file again with mcp__ide__getDiagnostics (or `mix compile`) when done.',
  ].join('\n');
}

/** "Explain selection". Undefined without a selection. */
export function explainSelectionMessage(facts: EditorFacts): string | undefined {
  const block = selectionBlock(facts);
  if (!block) return undefined;
  const problems = inSelection(facts);
  return [
    `Explain this code from ${block}`,
    '',
    'What does it do, how does it fit into its module and the rest of the app, and is there anything surprising or risky in it?',
    ...(problems.length ? ['', 'Problems reported in these lines:', diagnosticsList(facts, problems)] : []),
  ].join('\n');
}

/** "Ask about selection": the user's question, then the code. */
export function askAboutSelectionMessage(facts: EditorFacts, question: string): string | undefined {
  const block = selectionBlock(facts);
  if (!block) return undefined;
  const q = question.trim();
  return [q || 'About this code:', '', `The code, from ${block}`].join('\n');
}

/**
 * The module around a line (1-based): the innermost `defmodule` open there,
 * nested names joined (`defmodule B` inside `A` is `A.B`); without a line, or
 * outside every module, the last module opened before it (else the first).
 */
export function moduleAt(text: string, line?: number): string | undefined {
  const open: Array<{ indent: number; name: string }> = [];
  let lastOpened: string | undefined;
  let first: string | undefined;
  const lines = text.split(/\r?\n/);
  for (const l of line === undefined ? lines : lines.slice(0, Math.max(0, line))) {
    const indent = l.length - l.trimStart().length;
    const def = /^\s*defmodule\s+([A-Z][\w.]*)\s+do\b/.exec(l);
    if (def) {
      while (open.length && open.at(-1)!.indent >= indent) open.pop();
      const parent = open.at(-1);
      const name = parent ? `${parent.name}.${def[1]}` : def[1]!;
      open.push({ indent, name });
      lastOpened = name;
      first ??= name;
    } else if (/^\s*end\b/.test(l) && open.at(-1)?.indent === indent) {
      open.pop();
    }
  }
  const innermost = open.at(-1);
  if (innermost) return innermost.name;
  if (lastOpened) return lastOpened;
  const any = /^\s*defmodule\s+([A-Z][\w.]*)\s+do\b/m.exec(text);
  return any?.[1] ?? first;
}

/** Where ExUnit tests for a source file go: lib/a/b.ex -> test/a/b_test.exs (also inside umbrella apps). */
export function testPathFor(relPath: string): string | undefined {
  const p = relPath.replace(/\\/g, '/');
  if (/_test\.exs$/.test(p)) return undefined;
  const m = /^(|.*?\/)lib\/(.+)\.exs?$/.exec(p);
  return m ? `${m[1]}test/${m[2]}_test.exs` : undefined;
}

/** "Write ExUnit tests for this module". */
export function writeTestsMessage(facts: EditorFacts): string {
  const line = facts.selection?.startLine ?? facts.cursorLine;
  const mod = moduleAt(facts.text, line);
  const target = mod ? `${inlineCode(mod)} (${inlineCode(facts.path)})` : inlineCode(facts.path);
  const testPath = testPathFor(facts.path);
  const block = selectionBlock(facts);
  return [
    `Write ExUnit tests for ${target}.`,
    '',
    testPath
      ? `Put them in ${inlineCode(testPath)} (create it, or extend it if it exists) and run \`mix test ${testPath}\` until they pass.`
      : 'Put them in the matching file under test/ and run them with `mix test` until they pass.',
    "Cover the public functions' behaviour, edge cases and error paths; group related assertions and pattern-match whole results rather than one assertion per field; follow the project's existing test setup (test/test_helper.exs, test/support).",
    ...(block ? ['', `Focus on this part, from ${block}`] : []),
  ].join('\n');
}

/** "Review this file". */
export function reviewFileMessage(facts: EditorFacts): string {
  return [
    `Review ${inlineCode(facts.path)}.`,
    '',
    'Look for bugs, unhandled error cases, OTP/Phoenix/Ecto practice problems (supervision, N+1 queries, transactions), performance, naming and readability. List concrete findings with line numbers, most important first, each with a proposed fix. Do not edit the file until I agree.',
    ...(facts.diagnostics.length ? ['', 'Problems currently reported in the file:', diagnosticsList(facts)] : []),
  ].join('\n');
}

/** "Ask Elixir Agent to fix" on one diagnostic: the problem and the lines around it. */
export function fixDiagnosticMessage(facts: EditorFacts, d: PromptDiagnostic, context = 3): string {
  const lines = facts.text.split(/\r?\n/);
  const start = Math.max(1, d.line - context);
  const end = Math.min(lines.length, d.line + context);
  const snippet = lines.slice(start - 1, end).join('\n');
  return [
    `Fix this problem in ${inlineCode(facts.path)}:`,
    '',
    describeDiagnostic(d),
    ...(snippet.trim() ? ['', `The code around it (${linesLabel(start, end)}):`, '', fenced(snippet, facts.languageId)] : []),
    '',
    'Fix the cause with a minimal change, then check the file with mcp__ide__getDiagnostics.',
  ].join('\n');
}
