/**
 * The Bash allow-list matcher (elixirAgent.approvals.bashAllow). A command
 * runs without asking only if a real shell parser splits it into simple
 * commands (permissions/shell.ts) and EVERY one of them matches an
 * allow-list entry (a prefix of whole words). Commands that run other
 * commands (eval, exec, sh -c, xargs, env, sudo ...), options that write
 * files or run programs, and environment prefixes other than a few harmless
 * ones always ask, as does anything the parser shows could do more than the
 * words say. An allow-listed command whose arguments reach outside the
 * workspace (`ls ~/.ssh`, `git diff --no-index /etc/shadow`, a symlink out,
 * `..`) asks too (bashPaths.ts); `cd` moves where later parts' relative
 * paths start.
 */
import { isAssignment, parseCommand, riskyOptionReason, runnerReason, withoutSafeEnv } from '../permissions/shell';
import { outsideArgument, physicalPath, type PathScope } from './bashPaths';

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

/** Does `command` consist only of allow-listed simple commands that stay inside the workspace? */
export function matchBashAllowList(command: string, allowList: readonly string[], scope: PathScope): AllowMatch {
  const parsed = parseCommand(command);
  if (!parsed.ok) return { allowed: false, reason: `It contains ${parsed.reason}, which is never auto-approved.`, commands: [] };
  const { commands } = parsed;
  const entries = allowList.map(entryWords).filter((e) => e.length > 0);
  let cwd = scope.cwd;
  for (const words of commands) {
    const stripped = withoutSafeEnv(words);
    const candidates = [words, stripped];
    const name = stripped[0] ?? words[0];
    const runner = runnerReason(words);
    if (runner) return { allowed: false, reason: runner, commands };
    if (isAssignment(stripped[0]) && !entries.some((e) => matchesEntry(words, e))) {
      return { allowed: false, reason: `The environment prefix \`${stripped[0]}\` is not auto-approved.`, commands };
    }
    const risky = riskyOptionReason(words);
    if (risky) return { allowed: false, reason: risky, commands };
    if (!entries.some((e) => candidates.some((c) => matchesEntry(c, e)))) {
      return { allowed: false, reason: `\`${words.join(' ')}\` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).`, commands };
    }
    const outside = outsideArgument(words, { ...scope, cwd });
    if (outside) return { allowed: false, reason: `\`${outside.word}\` reaches outside the workspace (${outside.why}), so \`${words.join(' ')}\` needs approval.`, commands };
    // An allow-listed `cd` moves the rest of the chain (its target was just checked to be inside).
    const target = stripped[1];
    if ((name === 'cd' || name === 'pushd') && target !== undefined) cwd = physicalPath(target, cwd);
    else if (name === 'cd' || name === 'pushd') return { allowed: false, reason: `\`${words.join(' ')}\` goes to the home folder, outside the workspace, so it needs approval.`, commands };
  }
  return { allowed: true, commands };
}

/**
 * Why a command that some rule allows still needs approval because an argument reaches
 * outside the workspace (the same check the allow-list makes), or undefined when it stays inside.
 */
export function outsideReason(command: string, scope: PathScope): string | undefined {
  const parsed = parseCommand(command);
  if (!parsed.ok) return `It contains ${parsed.reason}, which is never auto-approved.`;
  let cwd = scope.cwd;
  for (const words of parsed.commands) {
    const stripped = withoutSafeEnv(words);
    const name = stripped[0] ?? words[0];
    const outside = outsideArgument(words, { ...scope, cwd });
    if (outside) return `\`${outside.word}\` reaches outside the workspace (${outside.why}), so \`${words.join(' ')}\` needs approval.`;
    const target = stripped[1];
    if ((name === 'cd' || name === 'pushd') && target !== undefined) cwd = physicalPath(target, cwd);
    else if (name === 'cd' || name === 'pushd') return `\`${words.join(' ')}\` goes to the home folder, outside the workspace, so it needs approval.`;
  }
  return undefined;
}
