/**
 * What the system says about its processes. On Linux everything comes from
 * /proc (parent, process group, session, start time, state, environment,
 * open files, command line); elsewhere `ps` gives parents and groups only.
 * Every read tolerates a process that exits meanwhile.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  sid: number;
  /** Start time in clock ticks since boot (Linux; 0 elsewhere). With the pid it names one process, even after pid reuse. */
  start: number;
  /** R, S, D, T, Z, ... ('?' when unknown). */
  state: string;
  comm: string;
}

export const hasProcfs = process.platform === 'linux' && fs.existsSync('/proc/self/stat');

/** Parses /proc/<pid>/stat; comm may hold spaces and parentheses, so fields are read after the last ')'. */
export function parseStat(pid: number, stat: string): ProcInfo | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = stat.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field N is f[N - 3].
  return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), state: f[0]!, ppid: Number(f[1]), pgrp: Number(f[2]), sid: Number(f[3]), start: Number(f[19]) };
}

export function procInfoSync(pid: number): ProcInfo | undefined {
  try {
    return parseStat(pid, fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

async function procInfo(pid: number): Promise<ProcInfo | undefined> {
  try {
    return parseStat(pid, await fs.promises.readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The pid this pid namespace allocated last (Linux), to tell whether pids wrapped around since a given one. */
export function lastPid(): number | undefined {
  try {
    const n = Number(fs.readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Every process we can see; with `minPid`, only those with a pid at least that (Linux). */
export async function listProcesses(minPid = 0): Promise<ProcInfo[]> {
  if (hasProcfs) {
    const names = await fs.promises.readdir('/proc').catch(() => [] as string[]);
    const infos = await Promise.all(names.filter((n) => /^\d+$/.test(n) && Number(n) >= minPid).map((n) => procInfo(Number(n))));
    return infos.filter((p): p is ProcInfo => p !== undefined);
  }
  const out = await new Promise<string>((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,comm='], { timeout: 5000, windowsHide: true }, (err, stdout) => resolve(err ? '' : stdout));
  });
  const list: ProcInfo[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s*(.*)$/.exec(line);
    if (m) list.push({ pid: Number(m[1]), ppid: Number(m[2]), pgrp: Number(m[3]), sid: 0, start: 0, state: m[4]!.charAt(0), comm: m[5]! });
  }
  return list;
}

/** Does the process's environment hold `entry` (`NAME=value`, exactly) or, with `prefix`, a variable starting so? */
export async function environHas(pid: number, needle: string, prefix = false): Promise<boolean> {
  try {
    const env = `\0${await fs.promises.readFile(`/proc/${pid}/environ`, 'latin1')}\0`;
    return env.includes(prefix ? `\0${needle}` : `\0${needle}\0`);
  } catch {
    return false;
  }
}

/** Is the process's file descriptor `fd` open on a file whose path contains `needle`? */
export async function holdsFile(pid: number, fd: number, needle: string): Promise<boolean> {
  try {
    return (await fs.promises.readlink(`/proc/${pid}/fd/${fd}`)).includes(needle);
  } catch {
    return false;
  }
}

/** The command line, for reports ("sleep 1000"); the short name when it cannot be read. */
export function commandLine(p: Pick<ProcInfo, 'pid' | 'comm'>, max = 80): string {
  let text = '';
  if (hasProcfs) {
    try {
      text = fs.readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
    } catch {
      // gone
    }
  }
  text = (text || p.comm).replace(/[\x00-\x1f\x7f]/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Running: not gone, not a zombie, and (on Linux, when `start` is given) not a newer process that reuses the pid. */
export function isAlive(pid: number, start?: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!hasProcfs) return true;
  const info = procInfoSync(pid);
  if (!info || info.state === 'Z' || info.state === 'X') return false;
  return start === undefined || start === 0 || info.start === start;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone, or not ours
  }
}

/** Every descendant of `pid` in `table` (children, grandchildren, ...). */
export function descendantsIn(table: readonly ProcInfo[], pid: number): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const out: ProcInfo[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}
