/**
 * Claude Code's configuration folder: `$CLAUDE_CONFIG_DIR` when set (it
 * replaces `~/.claude` as a whole), else `~/.claude`. User agents live in its
 * `agents/`, the ide channel's lock files in its `ide/`.
 */
import * as os from 'node:os';
import * as path from 'node:path';

export function claudeConfigDir(env: NodeJS.ProcessEnv = process.env, homeDir: string = os.homedir()): string {
  const configured = env.CLAUDE_CONFIG_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(homeDir, '.claude');
}
