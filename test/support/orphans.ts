/**
 * Counting the processes a test started, however they left their parent: each
 * test puts a unique token in its commands' arguments (`sleep 1000.4821937`),
 * and these helpers find live processes whose command line holds it (Linux
 * /proc; zombies do not count).
 */
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';

/** A number no other test or process uses, to put in a `sleep` argument: `1000.<token>`. */
export function sleepToken(): string {
  return `1000.${randomInt(1_000_000, 9_999_999)}${randomInt(100, 999)}`;
}

/** Live processes whose command line contains `token`. */
export function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmd.includes(token)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat[stat.lastIndexOf(')') + 2] === 'Z') continue;
      found.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return found.filter((p) => p !== process.pid);
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling), at most `ms`; returns whether it did. */
export async function eventually(check: () => boolean, ms = 60_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await pause(100);
  }
}

/** Waits (generously) for the processes holding `token` to be gone; returns those still alive. */
export async function orphansAfter(token: string, ms = 60_000): Promise<number[]> {
  await eventually(() => processesWith(token).length === 0, ms);
  return processesWith(token);
}

/** Kills whatever holds `token` (test cleanup, so a failing test leaves nothing behind), respawning loops included: freeze, then kill, until none is left. */
export function killAll(token: string): void {
  const send = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // gone
    }
  };
  for (let round = 0; round < 20; round++) {
    const found = processesWith(token);
    if (found.length === 0) return;
    found.forEach((pid) => send(pid, 'SIGSTOP'));
    found.forEach((pid) => send(pid, 'SIGKILL'));
  }
}
