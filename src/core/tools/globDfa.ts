/**
 * Running a glob's NFA (built by globMatch.ts, which says why) over a path:
 * the set of live states advances one character at a time, each state at
 * most once per character (generation marks), so a test costs at most
 * O(path length x states). The sets met are remembered as DFA states (built
 * lazily, a bounded cache), so a path usually costs one array lookup per
 * character; one test spends at most MAX_MATCH_WORK state steps.
 */
import { ToolError } from './types';

export const SLASH = 47;
/** State kinds. */
export const LIT = 0;
export const ANY = 1; // any code unit but '/'
export const CLS = 2;
export const STAR = 3; // `*`: any code units but '/', staying here; epsilon to out
export const STAR_ALL = 4; // trailing `**`: any code units, staying here; epsilon to out
export const SPLIT = 5; // epsilon to out and out2
export const MATCH = 6;

/** The NFA as parallel arrays (one shape for V8, no object per state). */
export interface Nfa {
  readonly kind: number[];
  /** LIT: the code unit, and its other case when case-insensitive. */
  readonly c1: number[];
  readonly c2: number[];
  readonly out: number[];
  readonly out2: number[];
  /** CLS: inclusive [lo, hi] pairs; neg: the complement (never '/'). */
  readonly ranges: Array<number[] | null>;
  readonly neg: boolean[];
  /** Case-insensitive: a class holds a character when it holds the character or its other case. */
  readonly nocase: boolean;
}

/** Sets of NFA states larger than this are not cached as DFA states; the path is then matched state by state. */
const MAX_CACHED_SET = 64;
/** DFA states kept per glob; past this the cache restarts (as RE2's does), so memory stays bounded. */
const MAX_DFA_STATES = 256;
/**
 * NFA states one test may step through: about 5 ms on an idle core, where
 * no sensible glob comes near (`**\/*.ex` spends under 10 per path character).
 */
export const MAX_MATCH_WORK = 500_000;

/** A glob whose matching would take too long on some path: a clear error, never a hang. */
export class GlobTooComplexError extends ToolError {}

/**
 * Scratch space shared by every matcher (JavaScript runs one test at a time):
 * the generation marks, the epsilon-closure stack and two state lists.
 */
const scratch = { mark: new Int32Array(256), gen: 0, work: new Int32Array(514), bufA: new Int32Array(256), bufB: new Int32Array(256) };

function ensureScratch(states: number): void {
  if (scratch.mark.length >= states) return;
  const n = Math.max(states, scratch.mark.length * 2);
  scratch.mark = new Int32Array(n);
  scratch.gen = 0;
  // Only SPLITs and stars push, each at most twice per step (a state is marked when popped).
  scratch.work = new Int32Array(2 * n + 2);
  scratch.bufA = new Int32Array(n);
  scratch.bufB = new Int32Array(n);
}

function inRanges(r: number[], c: number): boolean {
  for (let k = 0; k + 1 < r.length; k += 2) if (c >= r[k]! && c <= r[k + 1]!) return true;
  return false;
}

function newGen(): number {
  if (scratch.gen > 0x3fffffff) {
    scratch.mark.fill(0);
    scratch.gen = 0;
  }
  return ++scratch.gen;
}

/**
 * The NFA run as a lazily built DFA: a character whose transition is known
 * costs one array lookup; an unknown one one NFA step (each live state once),
 * remembered while the sets stay small. DFA state d's ASCII transitions are
 * trans[d * 128 + c] (-1: not built yet; MAX_DFA_STATES fits 16 bits), others in `wide`.
 * The `!`s below index the automaton's own arrays with state numbers it made
 * (always in range); this loop is hot, so no checks are added.
 */
export class NfaMatcher {
  private readonly kind: number[];
  private readonly c1: number[];
  private readonly c2: number[];
  private readonly out: number[];
  private readonly out2: number[];
  private readonly ranges: Array<number[] | null>;
  private readonly neg: boolean[];
  private readonly nocase: boolean;
  private sets: number[][] = [];
  private accepting: boolean[] = [];
  private trans = new Int16Array(0);
  private wide = new Map<number, number>();
  private index = new Map<string, number>();
  private startState = -1;

  constructor(
    nfa: Nfa,
    private readonly start: number,
    readonly source: string,
  ) {
    ({ kind: this.kind, c1: this.c1, c2: this.c2, out: this.out, out2: this.out2, ranges: this.ranges, neg: this.neg, nocase: this.nocase } = nfa);
  }

  /** Add `s` and what it reaches by epsilon moves to `into[len..]` (once per generation); returns the new length. */
  private closure(into: Int32Array, len: number, s: number, gen: number): number {
    const { work, mark } = scratch;
    const { kind, out, out2 } = this;
    let top = 0;
    work[top++] = s;
    while (top > 0) {
      const t = work[--top]!;
      if (t < 0 || mark[t] === gen) continue;
      mark[t] = gen;
      const k = kind[t];
      if (k !== SPLIT) into[len++] = t;
      const o2 = out2[t]!;
      const o = out[t]!;
      if (k === SPLIT && o2 >= 0 && mark[o2] !== gen) work[top++] = o2;
      if ((k === SPLIT || k === STAR || k === STAR_ALL) && o >= 0 && mark[o] !== gen) work[top++] = o;
    }
    return len;
  }

  private accepts(t: number, c: number): boolean {
    switch (this.kind[t]) {
      case LIT:
        return c === this.c1[t] || c === this.c2[t];
      case ANY:
      case STAR:
        return c !== SLASH;
      case STAR_ALL:
        return true;
      case CLS: {
        const r = this.ranges[t]!;
        let inside = inRanges(r, c);
        if (!inside && this.nocase) {
          // As a RegExp with the i flag: [*-[] holds 'a' because it holds 'A'.
          const ch = String.fromCharCode(c);
          const [lower, upper] = [ch.toLowerCase(), ch.toUpperCase()];
          inside = (lower.length === 1 && inRanges(r, lower.charCodeAt(0))) || (upper.length === 1 && inRanges(r, upper.charCodeAt(0)));
        }
        return this.neg[t] ? !inside && c !== SLASH : inside;
      }
      default:
        return false;
    }
  }

  /** The states reached from `from[0..len)` on `c`, into `into`; returns their count. */
  private step(from: Int32Array | number[], len: number, c: number, into: Int32Array): number {
    const gen = newGen();
    let n = 0;
    for (let k = 0; k < len; k++) {
      const t = from[k]!;
      if (this.accepts(t, c)) n = this.closure(into, n, this.kind[t] === STAR || this.kind[t] === STAR_ALL ? t : this.out[t]!, gen);
    }
    return n;
  }

  private intern(set: Int32Array, len: number): number {
    // Sort in place (len <= MAX_CACHED_SET) and look up before allocating anything but the key.
    for (let i = 1; i < len; i++) {
      const v = set[i]!;
      let j = i - 1;
      for (; j >= 0 && set[j]! > v; j--) set[j + 1] = set[j]!;
      set[j + 1] = v;
    }
    // State numbers stay under 2^16 (MAX_GLOB_LENGTH), so one character each makes a compact key.
    let key = '';
    for (let i = 0; i < len; i++) key += String.fromCharCode(set[i]!);
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const sorted = Array.from(set.subarray(0, len));
    if (this.sets.length >= MAX_DFA_STATES) {
      this.sets = [];
      this.accepting = [];
      this.wide = new Map();
      this.index = new Map();
      this.startState = -1;
      this.trans.fill(-1);
    }
    const d = this.sets.length;
    if ((d + 1) * 128 > this.trans.length) {
      const grown = new Int16Array(Math.max(2, (d + 1) * 2) * 128).fill(-1);
      grown.set(this.trans);
      this.trans = grown;
    }
    this.sets.push(sorted);
    this.accepting.push(sorted.some((t) => this.kind[t] === MATCH));
    this.index.set(key, d);
    return d;
  }

  private charge(spent: number, path: string): void {
    if (spent > MAX_MATCH_WORK) {
      throw new GlobTooComplexError(`The glob ${JSON.stringify(this.source.length > 100 ? `${this.source.slice(0, 100)}…` : this.source)} is too complex to match against ${JSON.stringify(path.length > 100 ? `…${path.slice(-100)}` : path)}: use fewer * wildcards and {…} alternatives.`);
    }
  }

  /** Go on state by state from position `i` with the live set in scratch.bufA. */
  private runNfa(path: string, i: number, len: number, spent: number): boolean {
    let cur = scratch.bufA;
    let next = scratch.bufB;
    for (; i < path.length && len > 0; i++) {
      const n = this.step(cur, len, path.charCodeAt(i), next);
      spent += len + n;
      this.charge(spent, path);
      [cur, next] = [next, cur];
      len = n;
    }
    for (let k = 0; k < len; k++) if (this.kind[cur[k]!] === MATCH) return true;
    return false;
  }

  test(path: string): boolean {
    ensureScratch(this.kind.length);
    let d = this.startState;
    if (d < 0) {
      const len = this.closure(scratch.bufA, 0, this.start, newGen());
      if (len > MAX_CACHED_SET) return this.runNfa(path, 0, len, len);
      d = this.startState = this.intern(scratch.bufA, len);
    }
    let spent = 0;
    for (let i = 0; i < path.length; i++) {
      const set = this.sets[d]!;
      if (set.length === 0) return false;
      const c = path.charCodeAt(i);
      let to = c < 128 ? this.trans[d * 128 + c]! : (this.wide.get(d * 65536 + c) ?? -1);
      if (to < 0) {
        const len = this.step(set, set.length, c, scratch.bufA);
        spent += set.length + len;
        this.charge(spent, path);
        if (len > MAX_CACHED_SET) return this.runNfa(path, i + 1, len, spent);
        const before = this.index;
        to = this.intern(scratch.bufA, len);
        if (this.index === before) {
          if (c < 128) this.trans[d * 128 + c] = to;
          else this.wide.set(d * 65536 + c, to);
        }
      }
      d = to;
    }
    return this.accepting[d] === true;
  }
}
