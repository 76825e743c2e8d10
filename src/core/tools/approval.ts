/**
 * The approval policy: decides before each tool call whether it runs, asks
 * the user on the tool card, or is refused. Inputs: the permission rules of
 * Claude Code's settings files (settings/decide.ts), per-tool settings
 * (elixirAgent.approvals.tools), the Bash allow-list
 * (elixirAgent.approvals.bashAllow), the agent's `permissionMode`, workspace
 * trust, and the protected files (paths.ts). Order, first match wins:
 *   0. a deny rule of a settings file                    → deny (nothing overrides it)
 *   1. a per-tool "deny" setting                         → deny
 *   2. Restricted Mode and the tool is not read-only     → deny
 *   3. permissionMode plan and the tool edits or runs    → deny
 *   4. the tool writes a protected file                  → ask, every time (never skipped)
 *   4a. an ask rule of a settings file (or a deny rule
 *      that cannot be checked against the call)         → ask
 *   5. a per-tool "allow"/"ask" setting                  → that (Bash "ask" still honours the allow-list)
 *   5a. an allow rule of the user's settings file, or of
 *      the repository's when trusted                     → allow (a repository's Bash rule
 *                                                          never reaches outside the workspace)
 *   6. acceptEdits (and bypassPermissions) for edit tools → allow
 *   7. the agent file's scoped `tools` entries
 *      (`Bash(git *)`, `Edit(lib/**)`) match the call      → allow
 *   8. Bash: every part of the command allow-listed      → allow
 *   9. defaults: read-only tools allow, the rest ask
 * The agent file's scoped `disallowedTools` entries (`Bash(rm *)`) deny
 * matching calls right after step 1. Then dontAsk turns every remaining
 * "ask" into "deny".
 */
import { evaluateRules, type RuleSet } from '../permissions';
import { decideBySettings, type SettingsRules } from '../settings/decide';
import { matchBashAllowList, outsideReason } from './bashAllow';
import { TOOL_NAMES } from './names';
import { protectedWriteReason, resolveInWorkspace } from './paths';
import type { ApprovalPolicy, PolicyDecision, Tool } from './types';

export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'dontAsk', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

export interface ApprovalPolicyOptions {
  /** elixirAgent.approvals.tools: tool name (or `mcp__server__*`, `mcp__server`) → ask | allow | deny. */
  tools?: Record<string, unknown>;
  /** elixirAgent.approvals.bashAllow. */
  bashAllow?: readonly string[];
  /** The agent's permissionMode, as written in its file. */
  permissionMode?: string;
  /** Workspace trust; false = Restricted Mode. Default true. */
  trusted?: boolean;
  workspaceFolders: readonly string[];
  cwd?: string;
  /** Extra absolute paths that always need an explicit confirmation. */
  protectedPaths?: readonly string[];
  /**
   * The active agent file's own rules (agentPermissionRules): `allow` from
   * its scoped `tools` entries, `deny` from its scoped `disallowedTools`.
   */
  agentRules?: RuleSet;
  /** The home folder, for `~/` in path rules. */
  homeDir?: string;
  /**
   * Honour `permissionMode: bypassPermissions` (run everything without
   * asking). Off by default: an agent file that came with a repository must
   * not switch approvals off by itself; without this it acts as acceptEdits.
   */
  allowBypass?: boolean;
  /** The permission rules of Claude Code's settings files, with the file each came from. */
  settingsRules?: SettingsRules;
  /** Let the allow rules of the repository's settings files (project and local) count: a trusted workspace, or the CLI's --trust-project-settings. Default false. */
  trustRepositoryAllowRules?: boolean;
}

export type Decision = {
  decision: PolicyDecision;
  reason?: string;
  askEveryTime?: boolean;
  /** Which settings rule decided, for the card: "allowed by `Bash(mix test:*)` in .claude/settings.json". */
  decidedBy?: string;
};

export interface ToolApprovalPolicy extends ApprovalPolicy {
  readonly mode: PermissionMode;
  decide(tool: Tool, input: unknown): Promise<Decision>;
}

const VALID = new Set<PolicyDecision>(['ask', 'allow', 'deny']);

export function normalizePermissionMode(mode: string | undefined): PermissionMode {
  return (PERMISSION_MODES as readonly string[]).includes(mode ?? '') ? (mode as PermissionMode) : 'default';
}

/** The per-tool setting for a name: exact, then `mcp__server__*`, then `mcp__server`, then `*`. */
export function toolSetting(settings: Record<string, unknown> | undefined, name: string): PolicyDecision | undefined {
  if (!settings) return undefined;
  const keys = [name];
  const server = /^(mcp__[^_]+(?:_[^_]+)*?)__/.exec(name)?.[1];
  if (server) keys.push(`${server}__*`, server);
  keys.push('*');
  for (const k of keys) {
    const v = settings[k];
    if (typeof v === 'string' && VALID.has(v as PolicyDecision)) return v as PolicyDecision;
  }
  return undefined;
}

function targetPath(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const o = input as Record<string, unknown>;
  const p = o.file_path ?? o.notebook_path;
  return typeof p === 'string' ? p : undefined;
}

export function createApprovalPolicy(options: ApprovalPolicyOptions): ToolApprovalPolicy {
  const mode = normalizePermissionMode(options.permissionMode);
  const trusted = options.trusted ?? true;
  const bypass = mode === 'bypassPermissions' && options.allowBypass === true;
  const editsAccepted = mode === 'acceptEdits' || mode === 'bypassPermissions';
  const projectRoot = options.workspaceFolders[0] ?? options.cwd ?? process.cwd();
  const ruleContext = { projectRoot, ruleBase: projectRoot, homeDir: options.homeDir };

  const pathScope = () => ({ workspaceFolders: options.workspaceFolders, cwd: options.cwd ?? options.workspaceFolders[0] ?? process.cwd() });

  const decideRaw = (tool: Tool, input: unknown): Decision => {
    const bySettings = options.settingsRules
      ? decideBySettings(options.settingsRules, { tool: tool.name, input }, ruleContext, { trustRepositoryAllowRules: options.trustRepositoryAllowRules === true })
      : undefined;
    if (bySettings?.decision === 'deny') return { decision: 'deny', reason: `${bySettings.source} denies this call`, decidedBy: bySettings.decidedBy };
    const setting = toolSetting(options.tools, tool.name);
    if (setting === 'deny') return { decision: 'deny', reason: `${tool.name} is denied by the setting elixirAgent.approvals.tools.` };
    const agentDeny = options.agentRules?.deny?.length ? evaluateRules({ deny: options.agentRules.deny }, { tool: tool.name, input }, ruleContext) : undefined;
    if (agentDeny?.decision === 'deny') return { decision: 'deny', reason: `The agent's disallowedTools entry ${agentDeny.rule.text} forbids this call.` };
    if (!trusted && !tool.readOnly) {
      return { decision: 'deny', reason: `The workspace is in Restricted Mode (not trusted), so the agent can only read files. Trust the workspace to let it use ${tool.name}.` };
    }
    const changes = tool.kind === 'edit' || tool.kind === 'execute';
    if (mode === 'plan' && !tool.readOnly && changes) {
      return { decision: 'deny', reason: `The agent is in plan mode (permissionMode: plan): it may read and propose changes, but not ${tool.kind === 'edit' ? 'change files' : 'run commands'}.` };
    }
    if (tool.kind === 'edit') {
      const file = targetPath(input);
      if (file) {
        try {
          const why = protectedWriteReason(resolveInWorkspace(file, options.workspaceFolders, { cwd: options.cwd }), options.protectedPaths);
          if (why) return { decision: 'ask', reason: `Protected file: ${why}`, askEveryTime: true };
        } catch {
          // The tool will report the bad path itself.
        }
      }
    }
    if (bySettings?.decision === 'ask') {
      const reason = bySettings.uncertain ? `A deny rule may apply: ${bySettings.uncertain} (${bySettings.source}).` : `${bySettings.source} asks for this call.`;
      return { decision: 'ask', reason, decidedBy: bySettings.decidedBy };
    }
    if (setting === 'allow') return { decision: 'allow', reason: `${tool.name} is allowed by the setting elixirAgent.approvals.tools.` };
    if (bySettings?.decision === 'allow') {
      const command = (input as { command?: unknown } | null)?.command;
      const outside = bySettings.file.scope !== 'user' && tool.name === TOOL_NAMES.bash && typeof command === 'string' ? outsideReason(command, pathScope()) : undefined;
      if (outside) return { decision: 'ask', reason: outside };
      return { decision: 'allow', reason: `${bySettings.source} allows it.`, decidedBy: bySettings.decidedBy };
    }
    if (bypass && setting === undefined) return { decision: 'allow', reason: 'permissionMode: bypassPermissions' };
    if (setting === undefined && editsAccepted && tool.kind === 'edit') {
      return { decision: 'allow', reason: mode === 'acceptEdits' ? 'permissionMode: acceptEdits' : 'permissionMode: bypassPermissions (edits only; commands still ask)' };
    }
    if (agentDeny) return { decision: 'ask', reason: `The agent's disallowedTools entry ${agentDeny.rule.text} may apply to this call, which cannot be checked against it.` };
    if (setting === undefined && options.agentRules?.allow?.length) {
      const byAgent = evaluateRules({ allow: options.agentRules.allow }, { tool: tool.name, input }, ruleContext);
      if (byAgent) {
        // An agent file is the repository's: its rules never let a command reach outside the workspace unasked.
        const command = (input as { command?: unknown } | null)?.command;
        const outside = tool.name === TOOL_NAMES.bash && typeof command === 'string' ? outsideReason(command, pathScope()) : undefined;
        if (outside) return { decision: 'ask', reason: outside };
        return { decision: 'allow', reason: `Allowed by the agent's tools entry ${byAgent.rule.text}.` };
      }
    }
    if (tool.name === TOOL_NAMES.bash) {
      const command = (input as { command?: unknown } | null)?.command;
      if (typeof command !== 'string') return { decision: 'ask' };
      const match = matchBashAllowList(command, options.bashAllow ?? [], pathScope());
      return match.allowed ? { decision: 'allow', reason: 'Every part of the command is in the Bash allow-list.' } : { decision: 'ask', reason: match.reason };
    }
    if (setting === 'ask') return { decision: 'ask' };
    return tool.readOnly ? { decision: 'allow' } : { decision: 'ask' };
  };

  return {
    mode,
    async decide(tool, input) {
      const d = decideRaw(tool, input);
      if (d.decision === 'ask' && mode === 'dontAsk') {
        return { decision: 'deny', reason: `permissionMode dontAsk: ${tool.name} needs approval, which this agent does not ask for.${d.reason ? ` (${d.reason})` : ''} Allow it in elixirAgent.approvals.tools to run it.` };
      }
      return d;
    },
  };
}
