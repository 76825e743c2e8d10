/**
 * Reads Claude Code's settings files (user, project, local) into one set of
 * permission rules, each with its file and line, and a list of problems at
 * file:line:column. Pure apart from the `readFile` it is given. Never throws:
 * a file that is not JSON, a rule that does not parse, a value of the wrong
 * type each become a problem, and everything else in the files still applies.
 *
 * Safety on bad input: a file with a syntax error keeps its deny and ask
 * rules (they only restrict) but loses its allow rules and defaultMode until
 * it is fixed; a project or local file cannot set `bypassPermissions`.
 * Claude Code reads strict JSON, so comments and trailing commas are
 * accepted here but reported as warnings (Claude Code would reject the file).
 */
import * as path from 'node:path';
import { type Node, type ParseError, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import { parseRule } from '../permissions';
import type { LoadedSettings, SettingsFile, SettingsPermissions, SettingsProblem, SourcedRule } from './types';

export interface LoadSettingsOptions {
  /** The project (first workspace folder, or the CLI's directory). */
  projectRoot: string;
  homeDir: string;
  /** Claude Code's configuration folder (`$CLAUDE_CONFIG_DIR`); default `~/.claude`; null: no user file (reproducible CI runs). */
  userDir?: string | null;
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile: (file: string) => Promise<string | undefined>;
}

const MODES = ['default', 'acceptEdits', 'plan', 'dontAsk', 'bypassPermissions'] as const;
type Mode = (typeof MODES)[number];
const RULE_LISTS = ['allow', 'ask', 'deny'] as const;
const PERMISSION_KEYS = new Set<string>([...RULE_LISTS, 'defaultMode', 'additionalDirectories', 'disableBypassPermissionsMode']);

/** The three files, highest scope first. */
export function settingsFiles(projectRoot: string, homeDir: string, userDir: string = path.join(homeDir, '.claude')): SettingsFile[] {
  const userFile = path.join(userDir, 'settings.json');
  return [
    { scope: 'local', path: path.join(projectRoot, '.claude', 'settings.local.json'), label: '.claude/settings.local.json' },
    { scope: 'project', path: path.join(projectRoot, '.claude', 'settings.json'), label: '.claude/settings.json' },
    { scope: 'user', path: userFile, label: path.resolve(userDir) === path.join(path.resolve(homeDir), '.claude') ? '~/.claude/settings.json' : userFile },
  ];
}

/** 1-based line and column of an offset. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** A trailing comma shows up as "property name expected" or "value expected" right before `}` or `]`: the comma's offset, if so. */
function trailingComma(text: string, e: ParseError): number | undefined {
  if (!['PropertyNameExpected', 'ValueExpected'].includes(printParseErrorCode(e.error))) return undefined;
  const before = text.slice(0, e.offset).replace(/(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/, '');
  return before.endsWith(',') && /^[}\]]/.test(text.slice(e.offset)) ? before.length - 1 : undefined;
}

interface FileResult {
  allow: SourcedRule[];
  ask: SourcedRule[];
  deny: SourcedRule[];
  defaultMode?: Mode;
  additionalDirectories: string[];
  problems: SettingsProblem[];
}

function readOne(file: SettingsFile, text: string, opts: LoadSettingsOptions): FileResult {
  const out: FileResult = { allow: [], ask: [], deny: [], additionalDirectories: [], problems: [] };
  const problem = (offset: number, severity: SettingsProblem['severity'], message: string): void => {
    out.problems.push({ file: file.path, ...position(text, offset), severity, message });
  };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  let broken = false;
  const commas = new Set<number>();
  for (const e of errors) {
    const comma = trailingComma(text, e);
    if (printParseErrorCode(e.error) === 'InvalidCommentToken') problem(e.offset, 'warning', 'Claude Code reads this file as strict JSON and rejects comments: remove them');
    else if (comma !== undefined) {
      if (!commas.has(comma)) problem(comma, 'warning', 'a trailing comma: Claude Code reads this file as strict JSON and rejects it');
      commas.add(comma);
    } else {
      broken = true;
      problem(e.offset, 'error', `not valid JSON (${printParseErrorCode(e.error)}): its deny and ask rules still apply, its allow rules and defaultMode do not until it is fixed`);
    }
  }
  if (!root) {
    if (text.trim() !== '' && !broken) problem(0, 'error', 'not valid JSON: the file has no value');
    return out;
  }
  if (root.type !== 'object') {
    problem(root.offset, 'error', `the settings must be a JSON object, not ${root.type === 'array' ? 'an array' : `a ${root.type}`}`);
    return out;
  }
  const permissions = findNodeAtLocation(root, ['permissions']);
  if (!permissions) return out;
  if (permissions.type !== 'object') {
    problem(permissions.offset, 'error', '"permissions" must be an object with "allow", "ask" and "deny" lists');
    return out;
  }
  for (const prop of permissions.children ?? []) {
    const key = prop.children?.[0];
    if (key && typeof key.value === 'string' && !PERMISSION_KEYS.has(key.value)) {
      problem(key.offset, 'warning', `unknown permissions key "${key.value}" (known: ${[...PERMISSION_KEYS].join(', ')}): it is ignored`);
    }
  }
  for (const list of RULE_LISTS) {
    const node = findNodeAtLocation(permissions, [list]);
    if (!node) continue;
    if (list === 'allow' && broken) continue;
    for (const item of stringItems(node, `permissions.${list}`, problem)) {
      const parsed = parseRule(item.value);
      if ('error' in parsed) problem(item.offset, 'error', `${parsed.error}: this ${list} rule is ignored`);
      else out[list].push({ rule: parsed.rule, file, line: position(text, item.offset).line });
    }
  }
  const mode = findNodeAtLocation(permissions, ['defaultMode']);
  if (mode && !broken) {
    const value: unknown = getNodeValue(mode);
    if (typeof value !== 'string' || !(MODES as readonly string[]).includes(value)) {
      problem(mode.offset, 'error', `"defaultMode" must be one of ${MODES.join(', ')}: it is ignored`);
    } else if (value === 'bypassPermissions' && file.scope !== 'user') {
      problem(mode.offset, 'warning', `a repository's settings cannot turn approvals off: "bypassPermissions" is taken only from ~/.claude/settings.json; it is ignored here`);
    } else out.defaultMode = value as Mode;
  }
  const dirs = findNodeAtLocation(permissions, ['additionalDirectories']);
  if (dirs) {
    for (const item of stringItems(dirs, 'permissions.additionalDirectories', problem)) {
      const v = item.value.trim();
      if (v === '') problem(item.offset, 'error', 'an empty directory: it is ignored');
      else out.additionalDirectories.push(v === '~' || v.startsWith('~/') ? path.join(opts.homeDir, v.slice(1)) : path.resolve(opts.projectRoot, v));
    }
  }
  return out;
}

/** The strings of an array node; anything else is a problem. */
function stringItems(node: Node, where: string, problem: (offset: number, severity: 'error', message: string) => void): Array<{ value: string; offset: number }> {
  if (node.type !== 'array') {
    problem(node.offset, 'error', `"${where}" must be a list of strings: it is ignored`);
    return [];
  }
  const items: Array<{ value: string; offset: number }> = [];
  for (const child of node.children ?? []) {
    if (child.type === 'string' && typeof child.value === 'string') items.push({ value: child.value, offset: child.offset });
    else problem(child.offset, 'error', `an entry of "${where}" is not a string: it is ignored`);
  }
  return items;
}

/** Loads the three files; missing ones are skipped. */
export async function loadSettings(opts: LoadSettingsOptions): Promise<LoadedSettings> {
  const files: SettingsFile[] = [];
  const permissions: SettingsPermissions = { allow: [], ask: [], deny: [], additionalDirectories: [] };
  const problems: SettingsProblem[] = [];
  const scopes = settingsFiles(opts.projectRoot, opts.homeDir, opts.userDir ?? undefined).filter((f) => f.scope !== 'user' || opts.userDir !== null);
  const texts = await Promise.all(scopes.map(async (f) => [f, await opts.readFile(f.path).catch(() => undefined)] as const));
  for (const [file, text] of texts) {
    if (text === undefined) continue;
    files.push(file);
    const r = readOne(file, text, opts);
    permissions.allow.push(...r.allow);
    permissions.ask.push(...r.ask);
    permissions.deny.push(...r.deny);
    if (r.defaultMode && !permissions.defaultMode) permissions.defaultMode = { mode: r.defaultMode, file };
    for (const d of r.additionalDirectories) {
      if (!permissions.additionalDirectories.some((x) => x.path === d)) permissions.additionalDirectories.push({ path: d, file });
    }
    problems.push(...r.problems.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { files, permissions, problems };
}

