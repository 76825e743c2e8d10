/**
 * The rule "Always allow" on a tool card saves to .claude/settings.local.json,
 * as Claude Code's "don't ask again" does: narrow enough to mean what the user
 * just saw, and checked to match the call it came from.
 *
 *   Bash `mix test test/x_test.exs`   → Bash(mix test:*)   (command and subcommand)
 *   Bash `ls -la`                     → Bash(ls:*)
 *   Edit/Write/MultiEdit lib/a.ex     → Edit(./lib/a.ex)   (that file; inside the project only)
 *   WebFetch, mcp__tidewave__get_logs → the tool's name
 *
 * None for what should be asked every time: a compound or unparsable
 * command, one that runs other commands (`sh -c`, `xargs`) or has an option
 * that writes files or runs programs, a file outside the project, or the
 * Task tool.
 */
import * as path from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parseTree, type ParseError } from 'jsonc-parser';
import { matchRule, parseCommand, parseRule, type MatchContext } from '../permissions';
import { riskyOptionReason, runnerReason, withoutSafeEnv } from '../permissions/shell';

const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
const NEVER = new Set(['Task', 'Agent']);
/** A subcommand word: `test`, `ecto.migrate`, `phx.gen.live`, `run-script`; not an option, a path or a value. */
const SUBCOMMAND = /^[a-z][a-z0-9_.:-]*$/;

function bashRule(command: string): string | undefined {
  const parsed = parseCommand(command);
  if (!parsed.ok || parsed.commands.length !== 1) return undefined;
  const [first] = parsed.commands;
  if (!first || runnerReason(first) || riskyOptionReason(first)) return undefined;
  const words = withoutSafeEnv(first);
  const name = words[0];
  if (!name || name.includes('/') || /[*()]/.test(name)) return undefined;
  const sub = words[1];
  const prefix = sub !== undefined && SUBCOMMAND.test(sub) ? `${name} ${sub}` : name;
  return `Bash(${prefix}:*)`;
}

function editRule(input: unknown, projectRoot: string | undefined): string | undefined {
  if (!projectRoot || typeof input !== 'object' || input === null) return undefined;
  const file = (input as { file_path?: unknown; notebook_path?: unknown }).file_path ?? (input as { notebook_path?: unknown }).notebook_path;
  if (typeof file !== 'string' || !path.isAbsolute(file)) return undefined;
  const rel = path.relative(projectRoot, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || /[*?[\]()]/.test(rel)) return undefined;
  return `Edit(./${rel.split(path.sep).join('/')})`;
}

/** The rule to save for "Always allow" on this call, or undefined when it should not be offered. */
export function alwaysAllowRule(tool: string, input: unknown, ctx: Partial<MatchContext>): string | undefined {
  if (NEVER.has(tool)) return undefined;
  let text: string | undefined;
  if (tool === 'Bash') {
    const command = typeof input === 'object' && input !== null ? (input as { command?: unknown }).command : undefined;
    text = typeof command === 'string' ? bashRule(command) : undefined;
  } else if (EDIT_TOOLS.has(tool)) text = editRule(input, ctx.projectRoot);
  else text = tool; // parseRule below refuses what is not a tool name
  if (!text || !ctx.projectRoot) return undefined;
  // Only a rule that covers the very call it came from.
  const parsed = parseRule(text);
  if (!('rule' in parsed)) return undefined;
  return matchRule(parsed.rule, { tool, input }, { projectRoot: ctx.projectRoot, homeDir: ctx.homeDir }) === 'yes' ? text : undefined;
}

/**
 * The settings file's new text with `rule` added to permissions.allow,
 * keeping its formatting and everything else in it. Throws, changing
 * nothing, when the file is not a JSON object (it would lose what is there).
 */
export function withAllowRule(text: string | undefined, rule: string): string {
  const source = text === undefined || text.trim() === '' ? '{}\n' : text;
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { allowTrailingComma: true });
  if (errors.length || root?.type !== 'object') throw new Error('it is not a valid JSON object: fix it first, nothing was changed');
  const allow = findNodeAtLocation(root, ['permissions', 'allow']);
  if (allow && allow.type !== 'array') throw new Error('its permissions.allow is not a list: fix it first, nothing was changed');
  if (allow?.children?.some((c) => c.value === rule)) return source;
  const at = allow?.children?.length ?? 0;
  const edits = modify(source, ['permissions', 'allow', at], rule, { isArrayInsertion: true, formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  return applyEdits(source, edits);
}
