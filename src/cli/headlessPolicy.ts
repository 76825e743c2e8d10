/**
 * Who approves tool calls in `elixir-agent run`, where nobody can be asked.
 * The base policy (core/tools/approval.ts) has already applied the settings
 * files' rules, the agent's and the permission mode; on top of it:
 *   - --disallow-tools rules deny matching calls (and calls they cannot be
 *     checked against: there is nobody to ask);
 *   - tools that run the repository's code need --trust-project-code;
 *   - read-only tools, and calls a settings rule allowed, run;
 *   - --permission-mode acceptEdits runs edits, bypassPermissions everything;
 *   - anything else runs only when an --allow-tools rule matches it
 *     (`Edit`, `Bash(mix test:*)`, `mcp__tidewave`), and the model is told so.
 * What would ask (a settings `ask` rule, a protected file) is refused.
 */
import { EXECUTE_CODE } from '../core/ide';
import { evaluateRules, type MatchContext, type PermissionRule } from '../core/permissions';
import type { PermissionMode } from '../core/tools/approval';
import type { ApprovalPolicy } from '../core/tools/types';

/** Tools that run the repository's code whatever their input (mix run compiles the project and starts it). */
const PROJECT_CODE_TOOLS = new Set([EXECUTE_CODE]);

/** Why compiling is off in a headless run without --trust-project-code, and how to allow it. */
export const UNTRUSTED_CODE_REASON =
  "compiling runs the repository's code (mix.exs and macros run at compile time), and this headless run was not allowed to: " +
  'the user can pass --trust-project-code to elixir-agent run to allow it.';

export interface HeadlessRules {
  /** --allow-tools */
  allow: readonly PermissionRule[];
  /** --disallow-tools */
  deny: readonly PermissionRule[];
}

export interface HeadlessOptions {
  trustProjectCode?: boolean;
  /** --permission-mode, as the user gave it. */
  permissionMode?: PermissionMode;
  /** For path rules (`Edit(lib/**)`): the project and the home folder. */
  match: MatchContext;
}

export function headlessPolicy(base: ApprovalPolicy, rules: HeadlessRules, options: HeadlessOptions): ApprovalPolicy {
  return {
    async decide(tool, input) {
      const call = { tool: tool.name, input };
      const refused = rules.deny.length ? evaluateRules({ deny: rules.deny }, call, options.match) : undefined;
      if (refused) {
        return refused.uncertain
          ? { decision: 'deny', reason: `--disallow-tools ${refused.rule.text} may apply (${refused.uncertain}), and nobody can be asked in a headless run` }
          : { decision: 'deny', reason: `--disallow-tools ${refused.rule.text} refuses it`, decidedBy: `denied by --disallow-tools ${refused.rule.text}` };
      }
      const d = await base.decide(tool, input);
      if (d.decision === 'deny') return d;
      if (PROJECT_CODE_TOOLS.has(tool.name) && !options.trustProjectCode) {
        return { decision: 'deny', reason: `${tool.name} runs the repository's code, which this headless run was not allowed to do (the user can pass --trust-project-code, and --allow-tools ${tool.name})` };
      }
      if (d.decision === 'ask' && (d.decidedBy || d.askEveryTime)) {
        const why = (d.reason ?? 'this call needs an explicit confirmation').replace(/\.$/, '');
        return { decision: 'deny', reason: `${why}, and nobody can be asked in a headless run`, decidedBy: d.decidedBy };
      }
      if (d.decision === 'allow' && (tool.readOnly || d.decidedBy)) return d;
      if (options.permissionMode === 'bypassPermissions' || (options.permissionMode === 'acceptEdits' && tool.kind === 'edit')) {
        return { decision: 'allow', reason: `--permission-mode ${options.permissionMode}` };
      }
      const allowed = rules.allow.length ? evaluateRules({ allow: rules.allow }, call, options.match) : undefined;
      if (allowed?.decision === 'allow') return { decision: 'allow', reason: `--allow-tools ${allowed.rule.text}`, decidedBy: `allowed by --allow-tools ${allowed.rule.text}` };
      return { decision: 'deny', reason: `${tool.name} is not allowed in this headless run (elixir-agent run allows read-only tools; the user can pass --allow-tools ${suggestedRule(tool.name, input)})` };
    },
  };
}

/** The rule to suggest: for Bash, the command's first two words as a prefix rule. */
function suggestedRule(toolName: string, input: unknown): string {
  const command = (input as { command?: unknown } | null)?.command;
  if (toolName !== 'Bash' || typeof command !== 'string') return toolName;
  const words = command.trim().split(/\s+/).slice(0, 2).filter((w) => /^[\w./-]+$/.test(w));
  return words.length ? `"Bash(${words.join(' ')}:*)"` : toolName;
}
