/**
 * Background shells of one conversation: what `Bash` with
 * `run_in_background: true` starts (a dev server, a watcher, a long test run).
 * Each runs marked and contained like any Bash call (process/contain.ts),
 * keeps its output (the unread part, up to a cap), and is listed for the model
 * (TaskOutput) and the user (the chat's list, the CLI's output). A task ends
 * when its command exits (whatever it left running is stopped then), when it
 * is stopped (TaskStop, the user's stop button), and when the conversation,
 * the window or the CLI ends (dispose). Nothing survives its task.
 */
import { StringDecoder } from 'node:string_decoder';
import type { RunMark } from '../process/contain';
import { EMPTY_REPORT, type StopReport } from '../process/stop';
import { stripAnsi } from '../util/ansi';
import { spawnShell } from './shell';

export type BackgroundStatus = 'running' | 'exited' | 'stopped' | 'failed';

export interface BackgroundTaskInfo {
  id: string;
  command: string;
  description?: string;
  status: BackgroundStatus;
  /** The shell's pid. */
  pid?: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  startedAt: number;
  endedAt?: number;
  /** Set once the task ended: the processes stopped at its end and any that survived. */
  stop?: StopReport;
  /** How it was stopped, when it was: 'model' (TaskStop), 'user', or 'conversation ended'. */
  stoppedBy?: string;
}

/** Unread output kept per task; beyond it the oldest unread output is dropped (and counted). */
export const MAX_UNREAD_CHARS = 1_000_000;
/** Running tasks per conversation. */
export const MAX_RUNNING = 8;

interface Task {
  info: BackgroundTaskInfo;
  mark: RunMark;
  unread: string;
  droppedUnread: number;
  ended: Promise<void>;
  stopping?: Promise<void>;
  /** Records the end (once). */
  finalize(status: BackgroundStatus, code: number | null, sig: NodeJS.Signals | null): void;
}

export interface ReadResult {
  info: BackgroundTaskInfo;
  output: string;
  /** Characters of unread output that were dropped because nobody read them in time. */
  dropped: number;
}

export class BackgroundTasks {
  private readonly tasks = new Map<string, Task>();
  private readonly listeners = new Set<(tasks: BackgroundTaskInfo[]) => void>();
  private next = 1;
  private disposed = false;

  /** Called whenever a task starts, ends or is stopped. */
  onChange(listener: (tasks: BackgroundTaskInfo[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): BackgroundTaskInfo[] {
    return [...this.tasks.values()].map((t) => ({ ...t.info }));
  }

  running(): BackgroundTaskInfo[] {
    return this.list().filter((t) => t.status === 'running');
  }

  get(id: string): BackgroundTaskInfo | undefined {
    const t = this.tasks.get(id);
    return t && { ...t.info };
  }

  /** Starts `command` in the background; throws when it cannot start. */
  start(command: string, options: { cwd: string; description?: string; env?: NodeJS.ProcessEnv }): BackgroundTaskInfo {
    if (this.disposed) throw new Error('the conversation has ended');
    if (this.running().length >= MAX_RUNNING) {
      throw new Error(`${MAX_RUNNING} background shells are already running; stop one first (TaskStop).`);
    }
    const { child, mark } = spawnShell(command, options);
    const id = `shell_${this.next++}`;
    const info: BackgroundTaskInfo = { id, command, description: options.description, status: 'running', pid: child.pid, exitCode: null, signal: null, startedAt: Date.now() };
    let resolveEnded!: () => void;
    const task: Task = {
      info,
      mark,
      unread: '',
      droppedUnread: 0,
      ended: new Promise((r) => (resolveEnded = r)),
      finalize: (status, code, sig) => {
        if (info.endedAt !== undefined) return;
        for (const d of decoders) push(d.end());
        if (info.status === 'running') info.status = status;
        info.exitCode = code;
        info.signal = sig;
        info.endedAt = Date.now();
        resolveEnded();
        this.changed();
      },
    };
    this.tasks.set(id, task);

    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    const decoders = [out, err];
    const push = (s: string) => {
      task.unread += stripAnsi(s);
      if (task.unread.length > MAX_UNREAD_CHARS) {
        const cut = task.unread.length - MAX_UNREAD_CHARS;
        task.droppedUnread += cut;
        task.unread = task.unread.slice(cut);
      }
    };
    child.stdout!.on('data', (b: Buffer) => push(out.write(b)));
    child.stderr!.on('data', (b: Buffer) => push(err.write(b)));
    const end = (status: BackgroundStatus, code: number | null, sig: NodeJS.Signals | null) => {
      if (info.endedAt !== undefined) return;
      // Whatever the command left running goes with it.
      task.stopping ??= mark.sweepLeftovers().then((r) => void (info.stop = r), () => void (info.stop = EMPTY_REPORT));
      void task.stopping.then(() => task.finalize(status, code, sig));
    };
    child.on('error', (err) => {
      push(`Could not start the shell: ${err.message}\n`);
      mark.closeFd();
      end('failed', null, null);
    });
    child.on('exit', (code, sig) => end('exited', code, sig));
    this.changed();
    return { ...info };
  }

  /**
   * The output not read yet (marked read now), after waiting, when `block`,
   * until the task ends, `timeoutMs` passes or `signal` aborts.
   */
  async read(id: string, options: { block: boolean; timeoutMs: number; signal?: AbortSignal }): Promise<ReadResult | undefined> {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    if (options.block && task.info.endedAt === undefined) {
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      await Promise.race([
        task.ended,
        new Promise<void>((r) => (timer = setTimeout(r, options.timeoutMs))),
        new Promise<void>((r) => {
          onAbort = () => r();
          if (options.signal?.aborted) r();
          else options.signal?.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
    const result = { info: { ...task.info }, output: task.unread, dropped: task.droppedUnread };
    task.unread = '';
    task.droppedUnread = 0;
    return result;
  }

  /** Stops a task and everything it started; resolves with its final state (undefined: no such task). */
  async stop(id: string, by: string): Promise<BackgroundTaskInfo | undefined> {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    if (task.info.endedAt === undefined && task.info.status === 'running') {
      task.info.status = 'stopped';
      task.info.stoppedBy = by;
      task.stopping ??= task.mark.stop().then((r) => void (task.info.stop = r), () => void (task.info.stop = EMPTY_REPORT));
      this.changed();
      // The shell's exit ends the task; if it survived every signal, end it here (the report says so).
      void task.stopping.then(() => setTimeout(() => task.finalize('stopped', null, null), 2000).unref());
    }
    await task.ended;
    return { ...task.info };
  }

  /** Stops every running task (the conversation, window or CLI ends); no new task can start. */
  async dispose(by = 'conversation ended'): Promise<BackgroundTaskInfo[]> {
    this.disposed = true;
    const running = this.running();
    await Promise.all(running.map((t) => this.stop(t.id, by)));
    return running.map((t) => this.get(t.id)!).filter(Boolean);
  }

  private changed(): void {
    const list = this.list();
    for (const l of [...this.listeners]) {
      try {
        l(list);
      } catch {
        // a listener's failure is not the task's
      }
    }
  }
}
