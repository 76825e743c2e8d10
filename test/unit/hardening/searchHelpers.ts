/** Helpers of the search hardening tests: a ripgrep that never finishes, process and condition checks. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * An `rg` that prints `line`, then writes its pid (so the pid file means the
 * line is in the pipe), then sleeps (exec: the pid stays the same).
 */
export function stalledRipgrep(dir: string, line: string): { rg: string; pidFile: string } {
  const rg = path.join(dir, 'rg');
  const pidFile = path.join(dir, 'rg.pid');
  fs.writeFileSync(rg, `#!/bin/sh\nprintf '%s\\n' '${line}'\necho $$ > '${pidFile}'\nexec sleep 1000\n`, { mode: 0o755 });
  return { rg, pidFile };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolve once `check` holds, looking again after each turn of timers (no fixed sleep). */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}
