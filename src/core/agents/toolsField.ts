/**
 * The `tools` and `disallowedTools` fields of an agent file: a comma-separated
 * string (`Read, Grep, Bash(git *)`; commas and spaces inside a rule's
 * parentheses belong to the rule) or a YAML list, and the warnings about
 * their entries, each at the entry itself: names run together without
 * commas, a name given twice, malformed rules, and names that are neither
 * Claude Code tools nor MCP tools.
 */
import { toolEntryProblem } from './claudeTools';
import type { AddProblem } from './frontMatter';

/** A value as it reads in a message. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return `a date (${v.toISOString().slice(0, 10)})`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

/** Splits at commas outside parentheses. */
function splitEntries(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The entries of a `tools`-style value, or why it cannot be one. */
export function toolList(value: unknown): { list?: string[]; error?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') return { list: splitEntries(value) };
  if (Array.isArray(value)) {
    const bad = value.find((v) => typeof v !== 'string');
    if (bad !== undefined) return { error: `every entry must be a tool name (a string); found ${describeValue(bad)}` };
    return { list: (value as string[]).map((s) => s.trim()).filter((s) => s.length > 0) };
  }
  return { error: `expected a comma-separated string or a list of tool names, found ${describeValue(value)}` };
}

/** Where an entry is written: the `nth` occurrence of its text in the field's lines (else the key's line). */
function locator(lines: string[], keyLine: number, closeLine: number): (entry: string, nth: number) => { line: number; column: number } {
  let end = keyLine + 1;
  while (end < closeLine && /^([ \t]|-|\r?$)/.test(lines[end]!)) end++;
  const field = lines.slice(keyLine, end);
  return (entry, nth) => {
    let seen = 0;
    for (const [k, text] of field.entries()) {
      const from = k === 0 ? text.indexOf(':') + 1 : 0;
      let at = text.indexOf(entry, from);
      while (at >= 0) {
        if (seen++ === nth) return { line: keyLine + k, column: at };
        at = text.indexOf(entry, at + entry.length);
      }
    }
    return { line: keyLine, column: 0 };
  };
}

/** Warnings about the entries of `key`. */
export function checkToolEntries(
  key: 'tools' | 'disallowedTools',
  list: string[],
  written: { asText: boolean; lines: string[]; keyLine: number; closeLine: number },
  add: AddProblem,
): void {
  const locate = locator(written.lines, written.keyLine, written.closeLine);
  const count = new Map<string, number>();
  for (const entry of list) {
    const nth = count.get(entry) ?? 0;
    count.set(entry, nth + 1);
    const at = locate(entry, nth);
    if (nth === 1) {
      add(at.line, 'warning', 'duplicate-tool', `\`${key}\` names ${entry} twice`, at.column, at.column + entry.length);
      continue;
    }
    if (nth > 1) continue;
    // Spaces outside a rule's parentheses: names not separated by commas ("Read Grep Glob").
    if (written.asText && !entry.includes('(') && /\s/.test(entry)) {
      add(at.line, 'warning', 'tools-separator', `\`${key}\`: "${entry}" contains spaces; separate tool names with commas`, at.column, at.column + entry.length);
      continue;
    }
    const problem = toolEntryProblem(entry);
    if (problem) add(at.line, 'warning', 'unknown-tool', `\`${key}\`: ${problem}`, at.column, at.column + entry.length);
  }
}
