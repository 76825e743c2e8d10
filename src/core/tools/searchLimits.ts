/**
 * What keeps every search (Glob, Grep, LS) bounded and the event loop free:
 * a deadline folded into the call's AbortSignal, and cooperative time
 * slices for the loops that run in this thread. In VS Code the extension
 * host runs every extension on one thread, so a loop that never yields
 * freezes them all; nothing here runs more than SLICE_MS between yields.
 */
import type { ToolContext } from './types';

/** A search stops after this long and answers with what it found (ToolServices.searchTimeoutMs overrides it). */
export const SEARCH_TIME_LIMIT_MS = 60_000;
/** Longest stretch of work between two yields to the event loop. */
export const SLICE_MS = 10;

export interface SearchBudget {
  /** Aborts when the call is cancelled or the time limit passes. */
  signal: AbortSignal;
  /** True when the time limit (not a cancellation) stopped the search. */
  timedOut(): boolean;
  /** The limit in seconds, for messages. */
  seconds: number;
}

export function searchBudget(ctx: ToolContext): SearchBudget {
  const given = ctx.services.searchTimeoutMs;
  const ms = typeof given === 'number' && given > 0 ? given : SEARCH_TIME_LIMIT_MS;
  const timeout = AbortSignal.timeout(ms);
  return {
    signal: AbortSignal.any([ctx.signal, timeout]),
    timedOut: () => timeout.aborted && !ctx.signal.aborted,
    seconds: Math.round(ms / 100) / 10,
  };
}

/**
 * Time slices for a long loop in this thread:
 *   const slice = new Slicer();
 *   for (...) { if (slice.due()) await slice.pause(); ... }
 */
export class Slicer {
  private start = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** True once the current slice is used up. */
  due(): boolean {
    return performance.now() - this.start >= this.sliceMs;
  }

  /** Let the event loop run (timers, I/O, other extensions), then start a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}
