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
 * How: the glob is compiled here (one pass, no backtracking) into a
 * Thompson NFA, and globDfa.ts runs the path through it keeping the SET of
 * live states (no backtracking, no captures). Each character advances every
 * live state at most once, so a match costs at most O(path length x NFA
 * states), and the NFA has at most 3 states per pattern character: linear in
 * the path for a given glob, whatever the pattern. The sets met are cached
 * as DFA states, so a path usually costs one array lookup per character.
 * Bounds: MAX_GLOB_LENGTH characters per glob, MAX_MATCH_WORK state steps
 * per test (a clear GlobTooComplexError past it, never a long stretch).
 *
 * Syntax (unchanged): `*` any characters but `/`, `?` one of them, `**` as a
 * whole segment any number of folders (`a/**` everything below a), `[abc]`,
 * `[a-z]`, `[!abc]`/`[^abc]` classes, `{a,b}` alternatives (nestable), `\x`
 * a literal x. The whole relative path must match.
 */
import { ANY, CLS, LIT, MATCH, NfaMatcher, SPLIT, STAR, STAR_ALL, type Nfa } from './globDfa';
import { ToolError } from './types';

export { GlobTooComplexError, MAX_MATCH_WORK } from './globDfa';

export const MAX_GLOB_LENGTH = 4096;

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

class Builder implements Nfa {
  readonly kind: number[] = [];
  /** LIT: the code unit, and its other case when case-insensitive. */
  readonly c1: number[] = [];
  readonly c2: number[] = [];
  readonly out: number[] = [];
  readonly out2: number[] = [];
  /** CLS: inclusive [lo, hi] pairs; neg: the complement (never '/'). */
  readonly ranges: Array<number[] | null> = [];
  readonly neg: boolean[] = [];
  constructor(readonly nocase: boolean) {}

  add(kind: number, out = -1, out2 = -1): number {
    this.kind.push(kind);
    this.c1.push(-1);
    this.c2.push(-1);
    this.out.push(out);
    this.out2.push(out2);
    this.ranges.push(null);
    this.neg.push(false);
    return this.kind.length - 1;
  }
  patch(f: Frag, to: number): void {
    for (const e of f.exits) {
      if (e.second) this.out2[e.s] = to;
      else this.out[e.s] = to;
    }
  }
  one(kind: number): Frag {
    const s = this.add(kind);
    return { start: s, exits: [{ s, second: false }] };
  }
  lit(ch: string): Frag {
    const f = this.one(LIT);
    const c = ch.charCodeAt(0);
    this.c1[f.start] = c;
    this.c2[f.start] = c;
    if (this.nocase) {
      const lo = ch.toLowerCase();
      const other = lo === ch ? ch.toUpperCase() : lo;
      if (other.length === 1) this.c2[f.start] = other.charCodeAt(0);
    }
    return f;
  }
  /** An empty fragment (a SPLIT whose both exits go to the same place). */
  empty(): Frag {
    const s = this.add(SPLIT);
    return { start: s, exits: [{ s, second: false }, { s, second: true }] };
  }
  concat(parts: Frag[]): Frag {
    const [first, ...rest] = parts;
    if (!first) return this.empty();
    let last = first;
    for (const part of rest) {
      this.patch(last, part.start);
      last = part;
    }
    return { start: first.start, exits: last.exits };
  }
  alt(choices: Frag[]): Frag {
    // A brace group always has at least one alternative (its text up to the first , or }).
    const exits = choices.flatMap((c) => c.exits);
    const reversed = [...choices].reverse();
    let start = reversed[0]!.start;
    for (const choice of reversed.slice(1)) start = this.add(SPLIT, choice.start, start);
    return { start, exits };
  }
  /** (?:[^/]*\/)* */
  folders(): Frag {
    return { ...this.star(this.concat([this.one(STAR), this.lit('/')])), folders: true };
  }
  /** Zero or more of `body`. */
  star(body: Frag): Frag {
    const s = this.add(SPLIT, body.start);
    this.patch(body, s);
    return { start: s, exits: [{ s, second: true }] };
  }
}

function classFrag(b: Builder, body: string, negate: boolean): Frag {
  const ranges: number[] = [];
  const push = (lo: string, hi: string) => {
    if (lo > hi) throw new ToolError(`Invalid glob: the range ${lo}-${hi} in a [...] class is out of order.`);
    ranges.push(lo.charCodeAt(0), hi.charCodeAt(0));
  };
  for (let k = 0; k < body.length; k++) {
    const c = body.charAt(k);
    if (k + 2 < body.length && body[k + 1] === '-') {
      push(c, body.charAt(k + 2));
      k += 2;
    } else push(c, c);
  }
  const f = b.one(CLS);
  b.ranges[f.start] = ranges;
  b.neg[f.start] = negate;
  return f;
}

/** Compile a glob (nocase: letters match either case, as on macOS and Windows file systems). */
export function compileGlob(glob: string, options: { nocase?: boolean } = {}): GlobMatcher {
  if (glob.length > MAX_GLOB_LENGTH) throw new ToolError(`The glob is too long (${glob.length} characters, at most ${MAX_GLOB_LENGTH}).`);
  const nocase = options.nocase ?? false;
  const b = new Builder(nocase);
  // Stack of brace groups: each holds its finished alternatives and the current sequence.
  const outer = { alts: [] as Frag[], seq: [] as Frag[] };
  const stack: Array<{ alts: Frag[]; seq: Frag[] }> = [outer];
  const innermost = () => stack.at(-1) ?? outer;
  const seq = () => innermost().seq;
  const n = glob.length;
  let i = 0;
  while (i < n) {
    const ch = glob.charAt(i);
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
      seq().push(classFrag(b, body, negate));
      i = j + 1;
      continue;
    }
    if (ch === '{') {
      stack.push({ alts: [], seq: [] });
      i++;
      continue;
    }
    if ((ch === '}' || ch === ',') && stack.length > 1) {
      const top = innermost();
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
      seq().push(b.lit(glob.charAt(i + 1)));
      i += 2;
      continue;
    }
    seq().push(b.lit(ch));
    i++;
  }
  if (stack.length > 1) throw new ToolError(`Invalid glob "${glob.length > 200 ? `${glob.slice(0, 200)}…` : glob}": a "{" is not closed.`);
  const whole = b.concat(outer.seq);
  b.patch(whole, b.add(MATCH));
  return new NfaMatcher(b, whole.start, glob);
}

