/**
 * Who approves tool calls in `elixir-agent run`, where nobody can be asked:
 * read-only tools run, others only when --allow-tools names them, and tools
 * that run the repository's code only with --trust-project-code too.
 */
import { EXECUTE_CODE } from '../core/ide';
import { matchesMcpPattern } from '../core/mcp';
import type { ApprovalPolicy } from '../core/tools/types';

/** Tools that run the repository's code whatever their input (mix run compiles the project and starts it). */
const PROJECT_CODE_TOOLS = new Set([EXECUTE_CODE]);

/** Why compiling is off in a headless run without --trust-project-code, and how to allow it. */
export const UNTRUSTED_CODE_REASON =
  "compiling runs the repository's code (mix.exs and macros run at compile time), and this headless run was not allowed to: " +
  'the user can pass --trust-project-code to elixir-agent run to allow it.';

/**
 * Headless approvals: read-only tools run; others only when --allow-tools names them; nobody can be asked.
 * Tools that run the project's code also need --trust-project-code.
 */
export function headlessPolicy(base: ApprovalPolicy, allow: readonly string[], options: { trustProjectCode?: boolean } = {}): ApprovalPolicy {
  const allowed = (name: string) => allow.some((a) => a === name || (a.startsWith('mcp__') && matchesMcpPattern(a, name)));
  return {
    async decide(tool, input) {
      const d = await base.decide(tool, input);
      if (d.decision === 'deny') return d;
      if (PROJECT_CODE_TOOLS.has(tool.name) && !options.trustProjectCode) {
        return { decision: 'deny', reason: `${tool.name} runs the repository's code, which this headless run was not allowed to do (the user can pass --trust-project-code, and --allow-tools ${tool.name})` };
      }
      if (d.decision === 'allow' && tool.readOnly) return d;
      if (!allowed(tool.name)) {
        return { decision: 'deny', reason: `${tool.name} is not allowed in this headless run (elixir-agent run allows read-only tools; the user can pass --allow-tools ${tool.name})` };
      }
      if (d.askEveryTime) return { decision: 'deny', reason: `${d.reason ?? 'this call'} needs an explicit confirmation, which a headless run cannot give` };
      return { decision: 'allow' };
    },
  };
}
