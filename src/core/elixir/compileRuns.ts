/**
 * The compiles of one project, so that callers run or join them instead of
 * racing over the same build path: a run started after the last change is
 * joined (its live output shared), an older one is superseded. Knows whether
 * the last finished run saw the project's current files (`current`): files
 * changing (`changed()`) or no run yet means not.
 *
 * A run started for waiters (getDiagnostics, diagnostics after an edit) is
 * stopped when all of them stop waiting (Stop in the chat); a run started for
 * its own sake (compile on save, the Run mix compile command) is not.
 */

/** `promise`, or undefined as soon as `signal` aborts (no listener is left behind). */
async function orAbort<V>(promise: Promise<V>, signal: AbortSignal): Promise<V | undefined> {
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => signal.addEventListener('abort', (onAbort = () => resolve(undefined)), { once: true }))]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

type Runner<T> = (signal: AbortSignal, onOutput: (chunk: string) => void) => Promise<{ result: T; cancelled: boolean }>;

interface Running<T> {
  promise: Promise<T | undefined>;
  controller: AbortController;
  generation: number;
  /** Waiters still waiting; undefined for a run nobody waits for (it is never stopped for them). */
  waiters?: number;
  listeners: Set<(chunk: string) => void>;
}

export class CompileRuns<T> {
  private generation = 0;
  private finishedGeneration = -1;
  private running: Running<T> | undefined;
  private last: T | undefined;
  private lastStarted: number | undefined;

  /** The project's files changed: the last run no longer describes them. */
  changed(): void {
    this.generation++;
  }

  /** The last finished run saw the current files. */
  get current(): boolean {
    return this.finishedGeneration === this.generation;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** When the run that gave the current result started (Date.now()): files changed after it are not in it. */
  get finishedStartedAt(): number | undefined {
    return this.lastStarted;
  }

  /** The result of the last run that finished (not cancelled). */
  get lastResult(): T | undefined {
    return this.last;
  }

  /** A run in progress that started after the last change (so joining it gives current results). */
  get joinable(): boolean {
    return this.running !== undefined && this.running.generation === this.generation;
  }

  /** Starts a run for its own sake, cancelling one in progress. */
  start(run: Runner<T>): Promise<T | undefined> {
    return this.begin(run, undefined).promise;
  }

  /**
   * Waits for a run that sees the current files: joins the one in progress if
   * it started after the last change, else starts one. Resolves undefined when
   * `signal` aborts (or the run was cancelled); the run is stopped when no
   * other waiter is left and nobody else started it.
   */
  async ensure(run: Runner<T>, signal: AbortSignal, onOutput?: (chunk: string) => void): Promise<{ result: T | undefined; joined: boolean }> {
    // An older run others wait for is let finish (not cancelled under them); then a new one starts.
    while (this.running && !this.joinable && (this.running.waiters ?? 0) > 0 && !signal.aborted) {
      const older = this.running.promise.catch(() => undefined);
      await orAbort(older, signal);
    }
    if (signal.aborted) return { result: undefined, joined: false };
    const joined = this.joinable;
    const r = joined && this.running ? this.running : this.begin(run, 0);
    if (r.waiters !== undefined) r.waiters++;
    if (onOutput) r.listeners.add(onOutput);
    try {
      const result = await orAbort(r.promise, signal);
      return { result, joined };
    } finally {
      if (onOutput) r.listeners.delete(onOutput);
      if (r.waiters !== undefined) {
        r.waiters--;
        if (r.waiters === 0 && signal.aborted && this.running === r) r.controller.abort();
      }
    }
  }

  /** Resolves when no run is in progress (including runs started meanwhile), or when `signal` aborts. */
  async idle(signal?: AbortSignal): Promise<void> {
    while (this.running && !signal?.aborted) {
      const p = this.running.promise.catch(() => undefined);
      if (!signal) {
        await p;
        continue;
      }
      await orAbort(p, signal);
    }
  }

  /** Stops the run in progress. */
  cancel(): void {
    this.running?.controller.abort();
  }

  private begin(run: Runner<T>, waiters: number | undefined): Running<T> {
    this.running?.controller.abort();
    const controller = new AbortController();
    const generation = this.generation;
    const startedAt = Date.now();
    const listeners = new Set<(chunk: string) => void>();
    const entry: Running<T> = { promise: Promise.resolve(undefined), controller, generation, waiters, listeners };
    entry.promise = (async () => {
      try {
        const { result, cancelled } = await run(controller.signal, (chunk) => {
          for (const l of listeners) l(chunk);
        });
        if (cancelled || controller.signal.aborted) return undefined;
        this.last = result;
        this.lastStarted = startedAt;
        if (generation > this.finishedGeneration) this.finishedGeneration = generation;
        return result;
      } finally {
        if (this.running === entry) this.running = undefined;
      }
    })();
    this.running = entry;
    return entry;
  }
}
