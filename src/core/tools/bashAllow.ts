/**
 * The Bash allow-list matcher (elixirAgent.approvals.bashAllow). A command
 * runs without asking only if a real shell parser splits it into simple
 * commands (permissions/shell.ts) and EVERY one of them matches an
 * allow-list entry (a prefix of whole words). Commands that run other
 * commands (eval, exec, sh -c, xargs, env, sudo ...), options that write
 * files or run programs, and environment prefixes other than a few harmless
 * ones always ask, as does anything the parser shows could do more than the
 * words say.
 */
import { isAssignment, parseCommand, riskyOptionReason, runnerReason, withoutSafeEnv } from '../permissions/shell';

export interface AllowMatch {
  allowed: boolean;
  /** Why not (for the approval card / the model), when not allowed. */
  reason?: string;
  /** The simple commands found, as words (for display and tests). */
  commands: string[][];
}

/** Allow-list entries as word lists; blank entries are ignored. */
function entryWords(entry: string): string[] {
  return entry.trim().split(/\s+/).filter(Boolean);
}

function matchesEntry(words: string[], entry: string[]): boolean {
  if (entry.length === 0 || entry.length > words.length) return false;
  return entry.every((w, i) => words[i] === w);
}

/** Does `command` consist only of allow-listed simple commands? */
export function matchBashAllowList(command: string, allowList: readonly string[]): AllowMatch {
  const parsed = parseCommand(command);
  if (!parsed.ok) return { allowed: false, reason: `It contains ${parsed.reason}, which is never auto-approved.`, commands: [] };
  const { commands } = parsed;
  const entries = allowList.map(entryWords).filter((e) => e.length > 0);
  for (const words of commands) {
    const candidates = [words, withoutSafeEnv(words)];
    const runner = runnerReason(words);
    if (runner) return { allowed: false, reason: runner, commands };
    if (isAssignment(candidates[1][0]) && !entries.some((e) => matchesEntry(words, e))) {
      return { allowed: false, reason: `The environment prefix \`${candidates[1][0]}\` is not auto-approved.`, commands };
    }
    const risky = riskyOptionReason(words);
    if (risky) return { allowed: false, reason: risky, commands };
    if (!entries.some((e) => candidates.some((c) => matchesEntry(c, e)))) {
      return { allowed: false, reason: `\`${words.join(' ')}\` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).`, commands };
    }
  }
  return { allowed: true, commands };
}
