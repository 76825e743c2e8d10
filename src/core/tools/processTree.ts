/**
 * Killing a command and everything it started. Bash runs its shell as the
 * leader of a new process group (spawn `detached`), so one signal to the
 * group reaches pipelines and children; descendants that left the group
 * (setsid, daemonising) are found through their parent links and signalled
 * too. Windows uses `taskkill /T`.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

/** pid → parent pid for every process we can see. */
async function parentTable(): Promise<Map<number, number>> {
  const table = new Map<number, number>();
  if (process.platform === 'linux') {
    let names: string[] = [];
    try {
      names = await fs.promises.readdir('/proc');
    } catch {
      /* fall through to ps */
    }
    for (const name of names) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = await fs.promises.readFile(`/proc/${name}/stat`, 'utf8');
        // pid (comm) state ppid ... ; comm may contain spaces and parentheses.
        const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        table.set(Number(name), Number(after[1]));
      } catch {
        // exited meanwhile
      }
    }
    if (table.size > 0) return table;
  }
  const out = await new Promise<string>((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid='], { timeout: 5000 }, (err, stdout) => resolve(err ? '' : stdout));
  });
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)/.exec(line);
    if (m) table.set(Number(m[1]), Number(m[2]));
  }
  return table;
}

/** Every descendant of `pid` (children, grandchildren, ...). */
export async function descendants(pid: number): Promise<number[]> {
  const table = await parentTable();
  const children = new Map<number, number[]>();
  for (const [child, parent] of table) {
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Running (a zombie waiting for its reaper counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Stop a process group led by `pid` and all descendants: SIGTERM first, then
 * SIGKILL after `graceMs` for whatever is left.
 */
export async function killTree(pid: number, graceMs = 1500): Promise<void> {
  if (process.platform === 'win32') {
    await new Promise<void>((resolve) => execFile('taskkill', ['/pid', String(pid), '/T', '/F'], () => resolve()));
    return;
  }
  const family = await descendants(pid);
  signal(-pid, 'SIGTERM');
  for (const p of family) signal(p, 'SIGTERM');
  const all = [pid, ...family];
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && all.some(isAlive)) await new Promise((r) => setTimeout(r, 50));
  // Children may have forked meanwhile: look again before the hard kill.
  const late = await descendants(pid);
  signal(-pid, 'SIGKILL');
  for (const p of new Set([...family, ...late])) signal(p, 'SIGKILL');
}
