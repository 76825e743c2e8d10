/**
 * Runs a program (mix, elixir) with a timeout and cancellation. mix starts a
 * BEAM which may start more processes (and compiling runs the project's own
 * code), so the run is contained like a Bash call (process/contain.ts): when
 * it ends, times out or is cancelled, every process it started is stopped
 * (TERM, then KILL), and the result says which were left over.
 */
import { spawnContained } from '../process/contain';
import { EMPTY_REPORT, type StopReport } from '../process/stop';
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
  /** Processes stopped when the run ended, besides the program itself (left running, or stopped on timeout/cancel), and any that survived. */
  stop: StopReport;
}

export class CommandNotFoundError extends Error {
  constructor(readonly command: string) {
    super(`'${command}' was not found. Install Elixir or set its path in the settings.`);
    this.name = 'CommandNotFoundError';
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
      resolve({ stdout: '', stderr: '', output: '', exitCode: null, signal: null, timedOut: false, cancelled: true, truncated: false, stop: EMPTY_REPORT });
      return;
    }
    let spawned: ReturnType<typeof spawnContained>;
    try {
      spawned = spawnContained(command, args, { cwd: options.cwd, env: options.env ?? childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      reject(err);
      return;
    }
    const { child, mark } = spawned;
    if (child.pid) options.onSpawn?.(child.pid);
    const stdout = new Tail(max);
    const stderr = new Tail(max);
    const all = new Tail(max);
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    let closed: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let report: StopReport | undefined;
    let stopping: Promise<void> | undefined;

    /** Stop every process of the run (once): on timeout, cancel, or when the program exits (what it left running). */
    const stopAll = (leftovers = false): void => {
      stopping ??= (leftovers ? mark.sweepLeftovers() : mark.stop()).then(
        (r) => void (report = r),
        () => void (report = EMPTY_REPORT),
      );
      void stopping.then(() => {
        // Something we could not stop may still hold the output: stop reading it.
        if (!closed) setTimeout(() => (child.stdout?.destroy(), child.stderr?.destroy()), 500).unref();
        finish();
      });
    };
    const onAbort = (): void => {
      cancelled = true;
      stopAll();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            stopAll();
          }, options.timeoutMs)
        : undefined;

    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const finish = (): void => {
      if (settled || !closed || !report) return;
      settled = true;
      cleanup();
      const others = report.stopped.filter((p) => p.pid !== child.pid);
      resolve({
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        output: all.toString(),
        exitCode: closed.code,
        signal: closed.signal,
        timedOut,
        cancelled,
        truncated: stdout.truncated || stderr.truncated || all.truncated,
        stop: { stopped: others, survived: report.survived },
      });
    };

    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout.add(chunk);
      all.add(chunk);
      options.onOutput?.(chunk);
    });
    child.stderr!.on('data', (chunk: string) => {
      stderr.add(chunk);
      all.add(chunk);
      options.onOutput?.(chunk);
    });
    child.stdin!.on('error', () => undefined);
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();

    child.on('error', (err: NodeJS.ErrnoException) => {
      mark.closeFd();
      if (settled) return;
      settled = true;
      cleanup();
      reject(err.code === 'ENOENT' ? new CommandNotFoundError(command) : err);
    });
    child.on('exit', () => {
      // The program ended: the timeout was about it, not about the cleanup that follows.
      if (timer) clearTimeout(timer);
      stopAll(true);
    });
    child.on('close', (code, signal) => {
      closed = { code, signal };
      finish();
    });
  });
}
