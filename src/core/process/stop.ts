/**
 * Finding and stopping the processes a run started. A selector names them by
 * what they inherited from the run (see contain.ts): an environment entry, an
 * open marker file, membership of the run's process tree or process group.
 * Stopping is TERM, a grace period, then freeze (SIGSTOP, so nothing can fork
 * while we look) and KILL, repeated until nothing matches; the report says
 * exactly which processes were stopped and which, if any, survived.
 */
import { execFile } from 'node:child_process';
import { commandLine, descendantsIn, environHas, hasProcfs, holdsFile, isAlive, lastPid, listProcesses, procInfoSync, signal, type ProcInfo } from './procfs';

export interface Selector {
  /** `NAME=value` that must be in the environment exactly. */
  envEntry?: string;
  /** `NAME=`: any value of that variable. */
  envPrefix?: string;
  /** Part of the path of the (deleted) marker file a run's processes hold open as fd 3. */
  fileNeedle?: string;
  /** The run's first process: its descendants and its process group match too. */
  rootPid?: number;
  /** Only processes started at or after this (clock ticks since boot; Linux). */
  minStart: number;
  /** When the root was started (Date.now()): a young run's processes all have pids above the root's. */
  since?: number;
}

/** Within this age, and while pids have not wrapped around, a run's processes are looked for only above its root's pid. */
const PID_RANGE_MAX_AGE_MS = 10 * 60_000;

/** The smallest pid a process of the run can have, when that can be known (pids are handed out in increasing order until they wrap). */
function minPidOf(sel: Selector): number {
  if (!hasProcfs || sel.rootPid === undefined || sel.since === undefined || Date.now() - sel.since > PID_RANGE_MAX_AGE_MS) return 0;
  const last = lastPid();
  return last !== undefined && last >= sel.rootPid ? sel.rootPid : 0;
}

export interface StoppedProcess {
  pid: number;
  command: string;
}

export interface StopReport {
  stopped: StoppedProcess[];
  /** Still running after everything was tried (another user's process, uninterruptible I/O...). */
  survived: StoppedProcess[];
}

export const EMPTY_REPORT: StopReport = { stopped: [], survived: [] };

const key = (p: ProcInfo) => `${p.pid}:${p.start}`;

/** Where a run's processes hold the marker file: the first descriptor after stdin, stdout and stderr. */
export const MARKER_FD = 3;

/** The processes `sel` names right now (never this process, never zombies). */
export async function findProcesses(sel: Selector): Promise<ProcInfo[]> {
  const all = await listProcesses(minPidOf(sel));
  const tree = new Set<number>();
  const root = sel.rootPid === undefined ? undefined : all.find((p) => p.pid === sel.rootPid);
  // The root's tree, unless its pid now names a newer process (the root was started at minStart).
  if (root && (!hasProcfs || root.start === sel.minStart)) {
    tree.add(root.pid);
    for (const d of descendantsIn(all, root.pid)) tree.add(d.pid);
  }
  const found: ProcInfo[] = [];
  for (const p of all) {
    if (p.pid === process.pid || p.state === 'Z' || p.state === 'X') continue;
    if (hasProcfs && p.start < sel.minStart) continue;
    if (tree.has(p.pid) || (sel.rootPid !== undefined && p.pgrp === sel.rootPid && p.pid !== sel.rootPid)) found.push(p);
    else if (!hasProcfs) continue;
    else if (sel.envEntry && (await environHas(p.pid, sel.envEntry))) found.push(p);
    else if (sel.envPrefix && (await environHas(p.pid, sel.envPrefix, true))) found.push(p);
    else if (sel.fileNeedle && (await holdsFile(p.pid, MARKER_FD, sel.fileNeedle))) found.push(p);
  }
  return found;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitGone(list: ProcInfo[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (list.some((p) => isAlive(p.pid, p.start)) && Date.now() < deadline) await pause(40);
}

/**
 * Stop everything `sel` names: SIGTERM, up to `graceMs` to exit, then SIGKILL
 * for the rest and for whatever they started meanwhile. With `settleMs`, what
 * exits by itself within that time is not signalled (nor reported).
 */
export async function stopProcesses(sel: Selector, graceMs = 1500, settleMs = 0): Promise<StopReport> {
  if (process.platform === 'win32') return stopWindows(sel);
  const seen = new Map<string, { p: ProcInfo; command: string }>();
  const note = (list: ProcInfo[]) => {
    for (const p of list) if (!seen.has(key(p))) seen.set(key(p), { p, command: commandLine(p) });
  };
  let first = await findProcesses(sel);
  if (first.length && settleMs > 0) {
    // The run just ended: helpers that end with it (the BEAM's erl_child_setup) get a moment to go by themselves.
    await waitGone(first, settleMs);
    first = first.filter((p) => isAlive(p.pid, p.start));
  }
  if (first.length === 0) return EMPTY_REPORT;
  note(first);
  // The group as a whole too (without /proc it is how grandchildren are reached), if it is still the run's.
  const group = (list: ProcInfo[]) => sel.rootPid !== undefined && list.some((p) => p.pgrp === sel.rootPid);
  if (group(first)) signal(-sel.rootPid!, 'SIGTERM');
  for (const p of first) {
    signal(p.pid, 'SIGTERM');
    signal(p.pid, 'SIGCONT'); // a stopped process only sees the TERM once it runs
  }
  await waitGone(first, graceMs);

  for (let round = 0; round < 10; round++) {
    // Freeze what is left, and what it forks before it is frozen, then kill it all at once.
    const frozen = new Map<string, ProcInfo>();
    for (let i = 0; i < 100; i++) {
      const fresh = (await findProcesses(sel)).filter((p) => !frozen.has(key(p)));
      if (fresh.length === 0) break;
      note(fresh);
      for (const p of fresh) {
        signal(p.pid, 'SIGSTOP');
        frozen.set(key(p), p);
      }
    }
    if (frozen.size === 0) break;
    if (group([...frozen.values()])) signal(-sel.rootPid!, 'SIGKILL');
    for (const p of frozen.values()) signal(p.pid, 'SIGKILL');
    await waitGone([...frozen.values()], 2000);
  }

  const report: StopReport = { stopped: [], survived: [] };
  for (const { p, command } of seen.values()) (isAlive(p.pid, p.start) ? report.survived : report.stopped).push({ pid: p.pid, command });
  return report;
}

async function stopWindows(sel: Selector): Promise<StopReport> {
  if (sel.rootPid === undefined || !isAlive(sel.rootPid)) return EMPTY_REPORT;
  const pid = sel.rootPid;
  await new Promise<void>((resolve) => execFile('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => resolve()));
  const entry = { pid, command: 'the command' };
  return isAlive(pid) ? { stopped: [], survived: [entry] } : { stopped: [entry], survived: [] };
}

/**
 * Stop a process and everything it started (its descendants and process
 * group): the one kill for processes that were not started with a mark.
 */
export function killTree(pid: number, graceMs = 1500): Promise<StopReport> {
  return stopProcesses({ rootPid: pid, minStart: procInfoSync(pid)?.start ?? 0 }, graceMs);
}

/** "1 process", "3 processes". */
export const processCount = (n: number) => `${n} process${n === 1 ? '' : 'es'}`;

/** "`sleep 1000`, `mix phx.server` and 2 more". */
export function listCommands(list: readonly StoppedProcess[], max = 4): string {
  const names = list.slice(0, max).map((p) => `\`${p.command}\` (pid ${p.pid})`);
  if (list.length > max) names.push(`${list.length - max} more`);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The sentence about survivors, or '' when there were none. */
export function survivorsText(report: StopReport): string {
  if (report.survived.length === 0) return '';
  return `${processCount(report.survived.length)} could not be stopped and may still be running: ${listCommands(report.survived)}.`;
}
