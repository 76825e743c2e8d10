/**
 * Containment of the processes the agent starts (Bash, background shells,
 * mix, executeCode): nothing a run starts may outlive it.
 *
 * Each run is marked twice, with things every process it starts inherits:
 *  - an environment variable `ELIXIR_AGENT_RUN_<host>=<run>` (kept through
 *    setsid, nohup, double forks, disown, `exec -a`, closed fds);
 *  - an open file descriptor, fd 3, on a deleted marker file
 *    `.elixir-agent-run-<host>-<run>` in the temp folder (kept through
 *    `env -i`, which clears the environment).
 * The run also leads its own process group. A sweep stops every process that
 * started after the run did and carries either mark, is in the run's process
 * tree, or in its group (stop.ts). When the host process (the extension host
 * or the CLI) dies, even by SIGKILL, a small watchdog (reaper.ts) that holds a
 * pipe from it sees the pipe close and sweeps every run of that host.
 *
 * What is guaranteed:
 *  - Linux: every process that keeps either mark, or stays in the run's tree or
 *    group, is stopped when the run ends (its command exits, times out, is
 *    cancelled or stopped) and when the host dies. A process escapes only if
 *    it deliberately clears its environment AND closes the inherited fd AND
 *    leaves the tree and group (e.g. `env -i` + closing fds + setsid), or runs
 *    as another user.
 *  - macOS and other Unixes (no /proc): the process group and the live process
 *    tree (from `ps`) only; processes that call setsid or whose parent died
 *    are not found, and there is no watchdog.
 *  - Windows: `taskkill /T` on the process tree only.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { childEnv } from '../util/childEnv';
import { hasProcfs, procInfoSync } from './procfs';
import { stopProcesses, type Selector, type StopReport } from './stop';

/** This host process: every run it starts carries it, so the watchdog can find them all. */
type StdioEntry = 'pipe' | 'ignore' | 'inherit';

export const HOST_ID = randomBytes(5).toString('hex').toUpperCase();
export const MARK_VAR_PREFIX = 'ELIXIR_AGENT_RUN_';
export const MARKER_FILE_PREFIX = '.elixir-agent-run-';
const MARK_VAR = `${MARK_VAR_PREFIX}${HOST_ID}`;

let counter = 0;

/** One run's marks, created before its first process and bound to it right after spawn. */
export class RunMark {
  readonly id = `${HOST_ID}-${++counter}-${randomBytes(4).toString('hex')}`;
  readonly env: Record<string, string> = { [MARK_VAR]: this.id };
  /** The marker file's descriptor, handed to the run as fd 3 (undefined where unsupported). */
  private fd?: number;
  private rootPid?: number;
  private minStart = 0;
  private since?: number;

  constructor() {
    if (!hasProcfs) return;
    const file = path.join(os.tmpdir(), `${MARKER_FILE_PREFIX}${this.id}`);
    try {
      this.fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR, 0o600);
      fs.unlinkSync(file);
    } catch {
      // No writable temp folder: the environment mark still works.
      if (this.fd !== undefined) fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** stdio entries: three given by the caller, then the marker. */
  stdio(first: StdioEntry[]): Array<StdioEntry | number> {
    return this.fd === undefined ? first : [...first, this.fd];
  }

  /** Call synchronously after spawn: the run's first process and its start time (nothing it starts can be older). */
  bind(pid: number | undefined): void {
    this.rootPid = pid;
    this.since = Date.now();
    if (pid !== undefined) this.minStart = procInfoSync(pid)?.start ?? 0;
    this.closeFd();
  }

  closeFd(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // closed already
    }
    this.fd = undefined;
  }

  get pid(): number | undefined {
    return this.rootPid;
  }

  selector(): Selector {
    return { envEntry: `${MARK_VAR}=${this.id}`, fileNeedle: `${MARKER_FILE_PREFIX}${this.id}`, rootPid: this.rootPid, minStart: this.minStart, since: this.since };
  }

  /** Stop every process of this run (TERM, grace, KILL) and say which. */
  stop(graceMs?: number): Promise<StopReport> {
    return stopProcesses(this.selector(), graceMs);
  }

  /** The run's first process exited by itself: stop what it left running (after a moment for what ends with it). */
  sweepLeftovers(): Promise<StopReport> {
    return stopProcesses(this.selector(), undefined, 250);
  }
}

/** Every run of a host (what the watchdog sweeps when the host is gone). */
export function hostSelector(hostId: string, minStart: number): Selector {
  return { envPrefix: `${MARK_VAR_PREFIX}${hostId}=`, fileNeedle: `${MARKER_FILE_PREFIX}${hostId}-`, minStart };
}

export interface ContainedSpawn {
  child: ChildProcess;
  mark: RunMark;
}

/**
 * spawn() for a marked run: its own process group, the marks, the API key
 * kept out of its environment (childEnv), and the watchdog running. stdio has
 * three entries (stdin, stdout, stderr); the marker is added as fd 3.
 */
export function spawnContained(file: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio' | 'detached'> & { stdio: StdioEntry[] }): ContainedSpawn {
  ensureWatchdog();
  const mark = new RunMark();
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      ...options,
      env: { ...(options.env ?? childEnv()), ...mark.env },
      detached: process.platform !== 'win32',
      stdio: mark.stdio(options.stdio),
      windowsHide: true,
    });
  } catch (err) {
    mark.closeFd();
    throw err;
  }
  mark.bind(child.pid);
  return { child, mark };
}

// --- the watchdog ------------------------------------------------------------

let watchdog: ChildProcess | null | undefined;

/** The watchdog script next to this module (out/) or next to the bundle (dist/). */
function watchdogScript(): string | undefined {
  const candidates = [path.join(__dirname, 'reaper.js'), path.join(__dirname, 'process', 'reaper.js')];
  return candidates.find((f) => fs.existsSync(f));
}

/** Starts the watchdog once per host (Linux). It holds our pipe and sweeps our runs when it closes. */
export function ensureWatchdog(): void {
  if (watchdog !== undefined || !hasProcfs) return;
  const script = watchdogScript();
  if (!script) {
    watchdog = null;
    return;
  }
  const hostStart = procInfoSync(process.pid)?.start ?? 0;
  try {
    const child = spawn(process.execPath, [script, HOST_ID, String(hostStart)], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // Electron hosts run it as plain Node; it gets no secret and no run mark.
      env: { ...childEnv(), ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    watchdog = child;
    child.on('error', () => (watchdog = null));
    child.on('exit', () => (watchdog = undefined)); // killed by someone: start another on the next run
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    watchdog = null;
  }
}

/** The watchdog's pid, if it runs (for tests and diagnostics). */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
