/**
 * Runs a program (mix, elixir) with a timeout and cancellation that stop the
 * whole process tree: mix starts a BEAM which may start more processes, so on
 * POSIX the child leads its own process group and the group is signalled.
 */
import { spawn } from 'node:child_process';
import { childEnv } from '../util/childEnv';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Milliseconds; 0 or undefined = no limit. */
  timeoutMs?: number;
  /** Live output (stdout and stderr interleaved as they arrive). */
  onOutput?: (chunk: string) => void;
  /** Keep at most this many characters of each stream (the end is kept). Default 2 MB. */
  maxOutputChars?: number;
  /** Text for stdin (closed right after). */
  input?: string;
  /** Called with the child's pid (the process group's id on POSIX) once started. */
  onSpawn?: (pid: number) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** True when the start of a stream was dropped (maxOutputChars). */
  truncated: boolean;
}

export class CommandNotFoundError extends Error {
  constructor(readonly command: string) {
    super(`'${command}' was not found. Install Elixir or set its path in the settings.`);
    this.name = 'CommandNotFoundError';
  }
}

/** Stops a process and everything it started. */
export function killTree(pid: number | undefined): void {
  if (!pid) return;
  if (process.platform === 'win32') {
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    } catch {
      // already gone
    }
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

class Tail {
  private text = '';
  truncated = false;
  constructor(private readonly max: number) {}
  add(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.max) {
      this.text = this.text.slice(this.text.length - this.max);
      this.truncated = true;
    }
  }
  toString(): string {
    return this.text;
  }
}

export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const max = options.maxOutputChars ?? 2_000_000;
  return new Promise<RunResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ stdout: '', stderr: '', output: '', exitCode: null, signal: null, timedOut: false, cancelled: true, truncated: false });
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? childEnv(),
      detached: process.platform !== 'win32',
      windowsHide: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid) options.onSpawn?.(child.pid);
    const stdout = new Tail(max);
    const stderr = new Tail(max);
    const all = new Tail(max);
    let timedOut = false;
    let cancelled = false;
    let settled = false;

    const onAbort = (): void => {
      cancelled = true;
      killTree(child.pid);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killTree(child.pid);
          }, options.timeoutMs)
        : undefined;

    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout.add(chunk);
      all.add(chunk);
      options.onOutput?.(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr.add(chunk);
      all.add(chunk);
      options.onOutput?.(chunk);
    });
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();

    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err.code === 'ENOENT' ? new CommandNotFoundError(command) : err);
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        output: all.toString(),
        exitCode: code,
        signal,
        timedOut,
        cancelled,
        truncated: stdout.truncated || stderr.truncated || all.truncated,
      });
    });
  });
}
