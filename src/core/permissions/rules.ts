/**
 * Claude Code's permission rules, `Tool` or `Tool(specifier)`, parsed into
 * kinds and matched against tool calls. Pure: no file system, no settings.
 *
 *   Bash, Bash(*)            every call of the tool          kind 'tool'
 *   Bash(git *)              `*` matches any characters, spaces included;
 *                            a trailing ` *` also matches nothing (`git`)
 *   Bash(mix test:*)         legacy prefix form: `mix test`, `mix test x`,
 *                            not `mix testing`                kind 'bash'
 *   Bash(make lint)          exactly that command
 *   Read(./.env), Edit(lib/**), Edit(//tmp/x), Read(~/.ssh/**)  kind 'path'
 *   mcp__server, mcp__server__*, mcp__server__tool              kind 'mcp'
 *   Task(reviewer), Agent(reviewer)                             kind 'agent'
 *   WebFetch(domain:x) and other specifiers                     kind 'specifier'
 *
 * Bash specifiers match the parsed command (permissions/shell.ts), never the
 * raw text: every simple command of `git status && rm -rf /` must match for
 * an allow, so `Bash(git *)` does not allow it. Matching answers yes, no or
 * unknown (a command the parser cannot reduce to words, a specifier this
 * module does not understand): `evaluateRules` never allows on unknown and
 * asks where a deny might apply. Order as Claude Code: deny, then ask, then
 * allow; the first matching rule decides.
 */
import * as path from 'node:path';
import { normalizeMcpName } from '../mcp/naming';
import { matchPathPattern, type PathContext } from './pathPattern';
import { isAssignment, parseCommand, riskyOptionReason, runnerReason, withoutSafeEnv } from './shell';

interface RuleBase {
  /** The rule as written, trimmed. */
  text: string;
  /** The tool it is about: `Bash`, `Edit`, `mcp__server` (a whole server), `mcp__server__tool`, ... */
  tool: string;
}
export interface ToolRule extends RuleBase {
  kind: 'tool';
}
export interface BashRule extends RuleBase {
  kind: 'bash';
  /** exact: the whole command; prefix: `x:*` (whole words); glob: `*` anywhere. */
  form: 'exact' | 'prefix' | 'glob';
  /** The specifier without the legacy `:*`, whitespace normalized. */
  pattern: string;
}
export interface PathRule extends RuleBase {
  kind: 'path';
  pattern: string;
}
export interface McpRule extends RuleBase {
  kind: 'mcp';
  server: string;
  /** Undefined: every tool of the server. */
  mcpTool?: string;
}
export interface AgentRule extends RuleBase {
  kind: 'agent';
  agent: string;
}
export interface SpecifierRule extends RuleBase {
  kind: 'specifier';
  specifier: string;
}
export type PermissionRule = ToolRule | BashRule | PathRule | McpRule | AgentRule | SpecifierRule;
export type RuleKind = PermissionRule['kind'];

export interface ToolCall {
  /** The model-facing tool name. */
  tool: string;
  input: unknown;
}

export type MatchContext = PathContext;
export type Match = 'yes' | 'no' | 'unknown';

export interface RuleSet {
  allow?: readonly PermissionRule[];
  ask?: readonly PermissionRule[];
  deny?: readonly PermissionRule[];
}

export interface RuleDecision {
  decision: 'allow' | 'ask' | 'deny';
  rule: PermissionRule;
  /** Set when the decision is "ask" because a deny rule might apply (the call could not be matched). */
  uncertain?: string;
}

/** Tools whose specifier is a path, and the calls each covers (Claude Code: Read rules cover the tools that read, Edit rules those that edit). */
const PATH_TOOLS: { readonly Read: readonly string[]; readonly Edit: readonly string[]; readonly [tool: string]: readonly string[] } = {
  Read: ['Read', 'Glob', 'Grep', 'LS', 'NotebookRead'],
  Edit: ['Edit', 'Write', 'MultiEdit', 'NotebookEdit'],
  Write: ['Write'],
  MultiEdit: ['MultiEdit'],
  NotebookEdit: ['NotebookEdit'],
  Glob: ['Glob'],
  Grep: ['Grep'],
  LS: ['LS'],
};
const AGENT_TOOLS = new Set(['Task', 'Agent']);
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Parses one rule. Never throws. */
export function parseRule(raw: string): { rule: PermissionRule } | { error: string } {
  const text = raw.trim();
  if (text === '') return { error: 'an empty rule' };
  const open = text.indexOf('(');
  if (open < 0) {
    if (text.includes(')')) return { error: `"${text}" has a ")" without "("` };
    const mcp = /^mcp__(\S+?)(?:__(\S+))?$/.exec(text);
    if (mcp) {
      const tool = mcp[2];
      return { rule: { kind: 'mcp', text, tool: text, server: mcp[1]!, ...(tool && tool !== '*' ? { mcpTool: tool } : {}) } };
    }
    if (!TOOL_NAME.test(text)) return { error: `"${text}" is not a tool name` };
    return { rule: { kind: 'tool', text, tool: text } };
  }
  const tool = text.slice(0, open).trim();
  if (!text.endsWith(')')) return { error: `"${text}" is missing its closing ")"` };
  if (!TOOL_NAME.test(tool)) return { error: `"${text}" does not start with a tool name` };
  const specifier = text.slice(open + 1, -1).trim();
  if (specifier === '') return { error: `"${text}" has an empty specifier: write ${tool} alone for every call` };
  if (specifier === '*') return { rule: { kind: 'tool', text, tool } };
  if (tool === 'Bash') {
    const legacy = specifier.endsWith(':*');
    const pattern = (legacy ? specifier.slice(0, -2) : specifier).trim().replace(/\s+/g, ' ');
    if (pattern === '') return { rule: { kind: 'tool', text, tool } };
    return { rule: { kind: 'bash', text, tool, form: legacy ? 'prefix' : pattern.includes('*') ? 'glob' : 'exact', pattern } };
  }
  if (PATH_TOOLS[tool]) return { rule: { kind: 'path', text, tool, pattern: specifier } };
  if (AGENT_TOOLS.has(tool)) return { rule: { kind: 'agent', text, tool, agent: specifier } };
  return { rule: { kind: 'specifier', text, tool, specifier } };
}

/** Does the rule concern calls of this tool at all (whatever their input)? */
export function ruleCovers(rule: PermissionRule, toolName: string): boolean {
  switch (rule.kind) {
    case 'mcp': {
      const m = /^mcp__(.+?)__(.+)$/.exec(toolName);
      if (!m || m[1] !== normalizeMcpName(rule.server)) return false;
      return rule.mcpTool === undefined || normalizeMcpName(rule.mcpTool) === m[2];
    }
    case 'path':
      return (PATH_TOOLS[rule.tool] ?? [rule.tool]).includes(toolName);
    case 'tool':
      return (rule.tool === 'Read' || rule.tool === 'Edit' ? PATH_TOOLS[rule.tool] : [rule.tool]).includes(toolName);
    default:
      return rule.tool === toolName;
  }
}

const field = (input: unknown, ...names: string[]): string | undefined => {
  if (!input || typeof input !== 'object') return undefined;
  for (const n of names) {
    const v = (input as Record<string, unknown>)[n];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
};

function bashRegex(rule: BashRule): RegExp {
  const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  if (rule.form === 'exact') return new RegExp(`^${esc(rule.pattern)}$`);
  if (rule.form === 'prefix') return new RegExp(`^${esc(rule.pattern)}(?: .*)?$`, 's');
  // glob: `*` is any run of characters; a trailing ` *` may also be nothing.
  const trailing = rule.pattern.endsWith(' *');
  const body = (trailing ? rule.pattern.slice(0, -2) : rule.pattern).split('*').map(esc).join('.*');
  return new RegExp(`^${body}${trailing ? '(?: .*)?' : ''}$`, 's');
}

/** One simple command (its words) against a Bash rule; `strict` adds the allow-side refusals. */
function bashWordsMatch(rule: BashRule, words: string[], strict: boolean): boolean {
  const re = bashRegex(rule);
  const full = words.join(' ');
  const bare = withoutSafeEnv(words);
  const matched = re.test(full) || re.test(bare.join(' '));
  if (!matched || !strict) return matched;
  if (runnerReason(words) || riskyOptionReason(words)) return false;
  // An environment prefix that can run code (PATH=, GIT_SSH_COMMAND=) only when the rule spells it out.
  const first = bare[0];
  return first === undefined || !isAssignment(first) || rule.pattern.startsWith(`${first.split('=')[0]}=`);
}

/**
 * Does the rule match this call? `for` says which side asks: an allow needs
 * every part of a Bash command to match (and never covers commands that run
 * other commands or risky options), a deny or ask needs one part.
 */
export function matchRule(rule: PermissionRule, call: ToolCall, ctx: MatchContext, side: 'allow' | 'deny' = 'allow'): Match {
  if (!ruleCovers(rule, call.tool)) return 'no';
  switch (rule.kind) {
    case 'tool':
    case 'mcp':
      return 'yes';
    case 'bash': {
      const command = field(call.input, 'command');
      if (command === undefined) return 'unknown';
      const parsed = parseCommand(command);
      if (!parsed.ok) return 'unknown';
      const hits = parsed.commands.map((words) => bashWordsMatch(rule, words, side === 'allow'));
      return (side === 'allow' ? hits.every(Boolean) : hits.some(Boolean)) ? 'yes' : 'no';
    }
    case 'path': {
      const target = field(call.input, 'file_path', 'notebook_path', 'path');
      if (target === undefined) return call.tool === 'Grep' || call.tool === 'Glob' ? matchPath(rule, ctx.ruleBase ?? ctx.projectRoot, ctx) : 'unknown';
      return matchPath(rule, target, ctx);
    }
    case 'agent':
      return field(call.input, 'subagent_type') === rule.agent ? 'yes' : 'no';
    case 'specifier':
      return 'unknown';
  }
}

function matchPath(rule: PathRule, target: string, ctx: MatchContext): Match {
  return matchPathPattern(rule.pattern, path.resolve(ctx.ruleBase ?? ctx.projectRoot, target), ctx) ? 'yes' : 'no';
}

/** Deny, then ask, then allow: the first rule that matches decides; undefined when none does. */
export function evaluateRules(rules: RuleSet, call: ToolCall, ctx: MatchContext): RuleDecision | undefined {
  let doubt: RuleDecision | undefined;
  for (const rule of rules.deny ?? []) {
    const m = matchRule(rule, call, ctx, 'deny');
    if (m === 'yes') return { decision: 'deny', rule };
    if (m === 'unknown') doubt ??= { decision: 'ask', rule, uncertain: `it cannot be checked against ${rule.text}` };
  }
  if (doubt) return doubt;
  for (const rule of rules.ask ?? []) {
    if (matchRule(rule, call, ctx, 'deny') !== 'no') return { decision: 'ask', rule };
  }
  for (const rule of rules.allow ?? []) {
    if (matchRule(rule, call, ctx, 'allow') === 'yes') return { decision: 'allow', rule };
  }
  return undefined;
}

/** Parses a list of rules, keeping the valid ones and the errors apart. */
export function parseRules(texts: readonly string[]): { rules: PermissionRule[]; errors: Array<{ text: string; error: string }> } {
  const rules: PermissionRule[] = [];
  const errors: Array<{ text: string; error: string }> = [];
  for (const t of texts) {
    const r = parseRule(t);
    if ('rule' in r) rules.push(r.rule);
    else errors.push({ text: t, error: r.error });
  }
  return { rules, errors };
}
