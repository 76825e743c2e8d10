/**
 * Glob matching in linear time, for every glob the tools match in JS: Glob's
 * pattern, LS's `ignore`, Grep's `glob` in the no-ripgrep fallback, and the
 * rules of .gitignore/.ignore files (all of them untrusted input).
 *
 * Why not a RegExp (ours before, or picomatch/minimatch, which compile to
 * one): JavaScript's RegExp backtracks, and globs are made of exactly the
 * shapes that make it explode: `*a*a*a*a*a*a*a*a*a*a*a*ab` is twelve nested
 * `[^/]*` (O(n^12) on a long name), `**\/` repeated 200 times is 200 nested
 * `(?:[^/]*\/)*`. Bounding the input does not help (C(255, 12) steps on one
 * 255-character file name). RE2-style engines (re2js) are linear but would
 * match 10,000 paths an order of magnitude slower than this.
 *
 * How: the glob is compiled (by a parser that never backtracks) into a
 * Thompson NFA and the path is run through it keeping the SET of live states
 * (no backtracking, no captures). Each character advances every live state
 * at most once (a generation mark dedups them), so a match costs at most
 * O(path length x NFA states), and the NFA has at most 2 states per pattern
 * character: linear in the path for a given glob, whatever the pattern. The
 * sets met are remembered as DFA states (built lazily, a bounded cache), so
 * a path usually costs one array lookup per character.
 * Patterns are capped at MAX_GLOB_LENGTH characters so one test stays small.
 *
 * Syntax (unchanged): `*` any characters but `/`, `?` one of them, `**` as a
 * whole segment any number of folders (`a/**` everything below a), `[abc]`,
 * `[a-z]`, `[!abc]`/`[^abc]` classes, `{a,b}` alternatives (nestable), `\x`
 * a literal x. The whole relative path must match.
 */
import { ToolError } from './types';

export const MAX_GLOB_LENGTH = 4096;

const SLASH = 47;
/** State kinds. */
const LIT = 0;
const ANY = 1; // any code unit but '/'
const CLS = 2;
const STAR = 3; // `*`: any code units but '/', staying here; epsilon to out
const STAR_ALL = 4; // trailing `**`: any code units, staying here; epsilon to out
const SPLIT = 5; // epsilon to out and out2
const MATCH = 6;

interface State {
  kind: number;
  /** LIT: the code unit (and its other case when case-insensitive). */
  c: number;
  c2: number;
  /** CLS: inclusive [lo, hi] pairs; neg: complement (never '/'). */
  ranges?: number[];
  neg?: boolean;
  out: number;
  out2: number;
}

/** A fragment under construction: its start state and the dangling exits to patch. */
interface Frag {
  start: number;
  exits: Array<{ s: number; second: boolean }>;
  /** `**\/`: any number of whole folders. Two in a row are one (same language, half the states). */
  folders?: boolean;
}

export interface GlobMatcher {
  /** true when the whole `/`-separated path matches. */
  test(path: string): boolean;
  readonly source: string;
}

class Builder {
  readonly states: State[] = [];
  constructor(private readonly nocase: boolean) {}

  add(kind: number, extra: Partial<State> = {}): number {
    this.states.push({ kind, c: -1, c2: -1, out: -1, out2: -1, ...extra });
    return this.states.length - 1;
  }
  patch(f: Frag, to: number): void {
    for (const e of f.exits) {
      if (e.second) this.states[e.s].out2 = to;
      else this.states[e.s].out = to;
    }
  }
  one(kind: number, extra: Partial<State> = {}): Frag {
    const s = this.add(kind, extra);
    return { start: s, exits: [{ s, second: false }] };
  }
  lit(ch: string): Frag {
    const c = ch.charCodeAt(0);
    let c2 = c;
    if (this.nocase) {
      const lo = ch.toLowerCase();
      const up = ch.toUpperCase();
      const other = lo === ch ? up : lo;
      if (other.length === 1) c2 = other.charCodeAt(0);
    }
    return this.one(LIT, { c, c2 });
  }
  /** An empty fragment (a SPLIT whose both exits go to the same place). */
  empty(): Frag {
    const s = this.add(SPLIT);
    return { start: s, exits: [{ s, second: false }, { s, second: true }] };
  }
  concat(parts: Frag[]): Frag {
    if (parts.length === 0) return this.empty();
    for (let k = 0; k + 1 < parts.length; k++) this.patch(parts[k], parts[k + 1].start);
    return { start: parts[0].start, exits: parts[parts.length - 1].exits };
  }
  alt(choices: Frag[]): Frag {
    let acc = choices[choices.length - 1];
    for (let k = choices.length - 2; k >= 0; k--) {
      const s = this.add(SPLIT, { out: choices[k].start, out2: acc.start });
      acc = { start: s, exits: [...choices[k].exits, ...acc.exits] };
    }
    return acc;
  }
  /** (?:[^/]*\/)* */
  folders(): Frag {
    return { ...this.star(this.concat([this.one(STAR), this.lit('/')])), folders: true };
  }
  /** Zero or more of `body`. */
  star(body: Frag): Frag {
    const s = this.add(SPLIT, { out: body.start });
    this.patch(body, s);
    return { start: s, exits: [{ s, second: true }] };
  }
}

function classFrag(b: Builder, body: string, negate: boolean, nocase: boolean): Frag {
  const ranges: number[] = [];
  const push = (lo: string, hi: string) => {
    if (lo > hi) throw new ToolError(`Invalid glob: the range ${lo}-${hi} in a [...] class is out of order.`);
    ranges.push(lo.charCodeAt(0), hi.charCodeAt(0));
    if (nocase) {
      for (const f of [(x: string) => x.toLowerCase(), (x: string) => x.toUpperCase()]) {
        const [l, h] = [f(lo), f(hi)];
        if (l.length === 1 && h.length === 1 && l <= h) ranges.push(l.charCodeAt(0), h.charCodeAt(0));
      }
    }
  };
  for (let k = 0; k < body.length; k++) {
    if (k + 2 < body.length && body[k + 1] === '-') {
      push(body[k], body[k + 2]);
      k += 2;
    } else push(body[k], body[k]);
  }
  return b.one(CLS, { ranges, neg: negate });
}

/**
 * Compile a glob. `anyDirPrefix`: the glob may also match after any leading
 * folders (an unanchored .gitignore rule, `(?:.*\/)?` in front).
 */
export function compileGlob(glob: string, options: { nocase?: boolean; anyDirPrefix?: boolean } = {}): GlobMatcher {
  if (glob.length > MAX_GLOB_LENGTH) throw new ToolError(`The glob is too long (${glob.length} characters, at most ${MAX_GLOB_LENGTH}).`);
  const nocase = options.nocase ?? false;
  const b = new Builder(nocase);
  // Stack of brace groups: each holds its finished alternatives and the current sequence.
  const stack: Array<{ alts: Frag[]; seq: Frag[] }> = [{ alts: [], seq: [] }];
  const seq = () => stack[stack.length - 1].seq;
  const n = glob.length;
  let i = 0;
  while (i < n) {
    const ch = glob[i];
    if (ch === '*') {
      let j = i;
      while (glob[j] === '*') j++;
      const atSegStart = i === 0 || glob[i - 1] === '/';
      const atSegEnd = j === n || glob[j] === '/';
      if (j - i >= 2 && atSegStart && atSegEnd) {
        if (j === n) {
          seq().push(b.one(STAR_ALL));
          i = j;
        } else {
          if (!seq().at(-1)?.folders) seq().push(b.folders());
          i = j + 1;
        }
      } else {
        seq().push(b.one(STAR));
        i = j;
      }
      continue;
    }
    if (ch === '?') {
      seq().push(b.one(ANY));
      i++;
      continue;
    }
    if (ch === '[') {
      let j = i + 1;
      if (glob[j] === '!' || glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      while (j < n && glob[j] !== ']') j++;
      if (j >= n) {
        seq().push(b.lit('['));
        i++;
        continue;
      }
      let body = glob.slice(i + 1, j);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      seq().push(classFrag(b, body, negate, nocase));
      i = j + 1;
      continue;
    }
    if (ch === '{') {
      stack.push({ alts: [], seq: [] });
      i++;
      continue;
    }
    if ((ch === '}' || ch === ',') && stack.length > 1) {
      const top = stack[stack.length - 1];
      top.alts.push(b.concat(top.seq));
      top.seq = [];
      if (ch === '}') {
        stack.pop();
        seq().push(b.alt(top.alts));
      }
      i++;
      continue;
    }
    if (ch === '\\' && i + 1 < n) {
      seq().push(b.lit(glob[i + 1]));
      i += 2;
      continue;
    }
    seq().push(b.lit(ch));
    i++;
  }
  if (stack.length > 1) throw new ToolError(`Invalid glob "${glob.length > 200 ? `${glob.slice(0, 200)}…` : glob}": a "{" is not closed.`);
  const parts = stack[0].seq;
  // (?:.*/)? in front: zero or more whole folders, the same language.
  if (options.anyDirPrefix && !parts[0]?.folders) parts.unshift(b.folders());
  const whole = b.concat(parts);
  b.patch(whole, b.add(MATCH));
  return new NfaMatcher(b.states, whole.start, glob);
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

/** One DFA state: a set of NFA states, built the first time a path reaches it. */
interface DState {
  set: Int32Array;
  accept: boolean;
  /** Next DFA state per ASCII code unit (-1: not built yet); the others in `wide`. */
  ascii: Int16Array;
  wide?: Map<number, number>;
}

/**
 * The NFA run as a lazily built DFA: a character whose transition is known
 * costs one array lookup; an unknown one one NFA step (each live state once),
 * remembered while the sets stay small.
 */
class NfaMatcher implements GlobMatcher {
  private readonly mark: Int32Array;
  private gen = 0;
  private readonly work: Int32Array;
  private bufA: Int32Array;
  private bufB: Int32Array;
  private dfa: DState[] = [];
  private index = new Map<string, number>();
  private startState = -1;

  // The NFA as parallel arrays (one shape for V8, no object per state).
  private readonly kind: Uint8Array;
  private readonly c1: Int32Array;
  private readonly c2: Int32Array;
  private readonly out: Int32Array;
  private readonly out2: Int32Array;
  private readonly ranges: Array<Int32Array | null>;
  private readonly neg: Uint8Array;

  constructor(
    states: State[],
    private readonly start: number,
    readonly source: string,
  ) {
    const n = states.length;
    this.kind = Uint8Array.from(states, (s) => s.kind);
    this.c1 = Int32Array.from(states, (s) => s.c);
    this.c2 = Int32Array.from(states, (s) => s.c2);
    this.out = Int32Array.from(states, (s) => s.out);
    this.out2 = Int32Array.from(states, (s) => s.out2);
    this.ranges = states.map((s) => (s.ranges ? Int32Array.from(s.ranges) : null));
    this.neg = Uint8Array.from(states, (s) => (s.neg ? 1 : 0));
    this.mark = new Int32Array(n);
    // Only SPLITs and stars push, each at most twice per step (a state is marked when popped).
    this.work = new Int32Array(2 * n + 2);
    this.bufA = new Int32Array(n);
    this.bufB = new Int32Array(n);
  }

  private newGen(): void {
    if (this.gen > 0x3fffffff) {
      this.mark.fill(0);
      this.gen = 0;
    }
    this.gen++;
  }

  /** Add `s` and what it reaches by epsilon moves to `into[len..]` (once per generation); returns the new length. */
  private closure(into: Int32Array, len: number, s: number): number {
    const { work, mark, kind, out, out2, gen } = this;
    let top = 0;
    work[top++] = s;
    while (top > 0) {
      const t = work[--top];
      if (t < 0 || mark[t] === gen) continue;
      mark[t] = gen;
      const k = kind[t];
      if (k !== SPLIT) into[len++] = t;
      if (k === SPLIT && out2[t] >= 0 && mark[out2[t]] !== gen) work[top++] = out2[t];
      if ((k === SPLIT || k === STAR || k === STAR_ALL) && out[t] >= 0 && mark[out[t]] !== gen) work[top++] = out[t];
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
        let inside = false;
        for (let k = 0; k < r.length && !inside; k += 2) inside = c >= r[k] && c <= r[k + 1];
        return this.neg[t] ? !inside && c !== SLASH : inside;
      }
      default:
        return false;
    }
  }

  /** The states reached from `from[0..len)` on `c`, into `into`; returns their count. */
  private step(from: Int32Array, len: number, c: number, into: Int32Array): number {
    this.newGen();
    let n = 0;
    for (let k = 0; k < len; k++) {
      const t = from[k];
      if (this.accepts(t, c)) n = this.closure(into, n, this.kind[t] === STAR || this.kind[t] === STAR_ALL ? t : this.out[t]);
    }
    return n;
  }

  private intern(set: Int32Array, len: number): number {
    const sorted = set.slice(0, len).sort();
    const key = sorted.join(',');
    const known = this.index.get(key);
    if (known !== undefined) return known;
    if (this.dfa.length >= MAX_DFA_STATES) {
      this.dfa = [];
      this.index = new Map();
      this.startState = -1;
    }
    let accept = false;
    for (const t of sorted) if (this.kind[t] === MATCH) accept = true;
    this.dfa.push({ set: sorted, accept, ascii: new Int16Array(128).fill(-1) });
    this.index.set(key, this.dfa.length - 1);
    return this.dfa.length - 1;
  }

  private charge(spent: number, path: string): void {
    if (spent > MAX_MATCH_WORK) {
      throw new GlobTooComplexError(`The glob ${JSON.stringify(this.source.length > 100 ? `${this.source.slice(0, 100)}…` : this.source)} is too complex to match against ${JSON.stringify(path.length > 100 ? `…${path.slice(-100)}` : path)}: use fewer * wildcards and {…} alternatives.`);
    }
  }

  /** Go on state by state from position `i` with the live set in bufA. */
  private runNfa(path: string, i: number, len: number, spent: number): boolean {
    let cur = this.bufA;
    let next = this.bufB;
    for (; i < path.length && len > 0; i++) {
      const n = this.step(cur, len, path.charCodeAt(i), next);
      spent += len + n;
      this.charge(spent, path);
      [cur, next] = [next, cur];
      len = n;
    }
    [this.bufA, this.bufB] = [cur, next];
    for (let k = 0; k < len; k++) if (this.kind[cur[k]] === MATCH) return true;
    return false;
  }

  test(path: string): boolean {
    let d = this.startState;
    if (d < 0) {
      this.newGen();
      const len = this.closure(this.bufA, 0, this.start);
      if (len > MAX_CACHED_SET) return this.runNfa(path, 0, len, len);
      d = this.startState = this.intern(this.bufA, len);
    }
    let ds = this.dfa[d];
    let spent = 0;
    for (let i = 0; i < path.length; i++) {
      if (ds.set.length === 0) return false;
      const c = path.charCodeAt(i);
      let to = c < 128 ? ds.ascii[c] : (ds.wide?.get(c) ?? -1);
      if (to < 0) {
        const len = this.step(ds.set, ds.set.length, c, this.bufA);
        spent += ds.set.length + len;
        this.charge(spent, path);
        if (len > MAX_CACHED_SET) return this.runNfa(path, i + 1, len, spent);
        const cache = this.dfa;
        to = this.intern(this.bufA, len);
        if (this.dfa === cache) {
          if (c < 128) ds.ascii[c] = to;
          else (ds.wide ??= new Map()).set(c, to);
        }
      }
      ds = this.dfa[to];
    }
    return ds.accept;
  }
}
