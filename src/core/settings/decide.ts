/**
 * What the permission rules of the settings files say about one tool call,
 * and in words which rule of which file said it ("allowed by
 * `Bash(mix test:*)` in .claude/settings.json"). Claude Code's order: deny,
 * then ask, then allow; the first match decides. The approval policy
 * (tools/approval.ts) places these answers among its own steps.
 *
 * A repository's files (project and local scope) can restrict but not, by
 * themselves, permit: their allow rules count only when the user trusts the
 * workspace (the CLI: --trust-project-settings). The user's own file always counts.
 */
import { evaluateRules, ruleCovers, type MatchContext, type PermissionRule, type RuleDecision } from '../permissions';
import type { SettingsFile, SettingsPermissions, SourcedRule } from './types';

export interface SettingsVerdict {
  decision: 'allow' | 'ask' | 'deny';
  /** "`Read(./.env)` in .claude/settings.json" */
  source: string;
  /** For the card and the model: "denied by `Read(./.env)` in .claude/settings.json". */
  decidedBy: string;
  /** A deny rule that might apply but cannot be checked against this call (it then asks). */
  uncertain?: string;
  /** The rule's file, e.g. to say a project allow rule was not trusted. */
  file: SettingsFile;
}

export type SettingsRules = Pick<SettingsPermissions, 'allow' | 'ask' | 'deny'>;

export const EMPTY_SETTINGS_RULES: SettingsRules = { allow: [], ask: [], deny: [] };

const fromRepository = (r: SourcedRule) => r.file.scope !== 'user';

function verdict(d: RuleDecision, sources: Map<PermissionRule, SourcedRule>): SettingsVerdict | undefined {
  const sourced = sources.get(d.rule);
  if (!sourced) return undefined;
  const source = `\`${d.rule.text}\` in ${sourced.file.label}`;
  const verb = d.uncertain ? 'asks because of' : d.decision === 'deny' ? 'denied by' : d.decision === 'ask' ? 'asks because of' : 'allowed by';
  return { decision: d.decision, source, decidedBy: `${verb} ${source}`, uncertain: d.uncertain, file: sourced.file };
}

/**
 * The settings' answer for a call: deny and ask rules of every file, allow
 * rules of the user's file and, when trusted, of the repository's.
 * Undefined when no rule matches.
 */
export function decideBySettings(
  rules: SettingsRules,
  call: { tool: string; input: unknown },
  ctx: MatchContext,
  options: { trustRepositoryAllowRules: boolean },
): SettingsVerdict | undefined {
  const sources = new Map<PermissionRule, SourcedRule>();
  for (const r of [...rules.deny, ...rules.ask, ...rules.allow]) sources.set(r.rule, r);
  const allow = rules.allow.filter((r) => options.trustRepositoryAllowRules || !fromRepository(r));
  const d = evaluateRules({ deny: rules.deny.map((r) => r.rule), ask: rules.ask.map((r) => r.rule), allow: allow.map((r) => r.rule) }, call, ctx);
  return d ? verdict(d, sources) : undefined;
}

/** Tools a bare-name deny rule (`WebFetch`, `Bash`, `mcp__github`) takes away: the model is not offered them at all. */
export function hiddenBySettings(rules: SettingsRules, toolName: string): SourcedRule | undefined {
  return rules.deny.find((r) => (r.rule.kind === 'tool' || r.rule.kind === 'mcp') && ruleCovers(r.rule, toolName));
}

/**
 * For memory imports and other reads the model does not ask for: why a file
 * may not be read (a deny rule on Read, from any settings file), or undefined.
 */
export function readDeniedBy(rules: SettingsRules, ctx: MatchContext): (file: string) => string | undefined {
  return (file) => {
    const v = decideBySettings({ ...rules, allow: [], ask: [] }, { tool: 'Read', input: { file_path: file } }, ctx, { trustRepositoryAllowRules: false });
    return v?.decision === 'deny' ? v.decidedBy : undefined;
  };
}
