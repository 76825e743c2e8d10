/**
 * Mutation-based fuzzing helpers: fast-check arbitraries that take real
 * inputs (seed texts) and damage them the way editors, terminals, merges
 * and attackers do: lines deleted, doubled, swapped or cut, hostile lines
 * inserted, bytes flipped, line endings and encodings changed.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (tests run from out/test/unit/hardening). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Reads a seed file; a missing one is a clear failure, never a silently smaller corpus. */
export function seed(rel: string): string {
  const file = path.resolve(REPO_ROOT, rel);
  if (!fs.existsSync(file)) throw new Error(`fuzz seed ${file} is missing`);
  return fs.readFileSync(file, 'utf8');
}

export function seedsIn(relDir: string, ext: string): string[] {
  const dir = path.resolve(REPO_ROOT, relDir);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

type LineOp = (lines: string[], r: { at: number; to: number; text: string; n: number }) => string[];

const LINE_OPS: Record<string, LineOp> = {
  delete: (l, r) => l.filter((_, i) => i !== r.at % Math.max(1, l.length)),
  duplicate: (l, r) => {
    const i = r.at % Math.max(1, l.length);
    return [...l.slice(0, i + 1), l[i] ?? '', ...l.slice(i + 1)];
  },
  swap: (l, r) => {
    const out = [...l];
    const i = r.at % Math.max(1, l.length);
    const j = r.to % Math.max(1, l.length);
    [out[i], out[j]] = [l[j] ?? '', l[i] ?? ''];
    return out;
  },
  insert: (l, r) => {
    const i = r.at % (l.length + 1);
    return [...l.slice(0, i), r.text, ...l.slice(i)];
  },
  replace: (l, r) => l.map((x, i) => (i === r.at % Math.max(1, l.length) ? r.text : x)),
  truncateLine: (l, r) => l.map((x, i) => (i === r.at % Math.max(1, l.length) ? x.slice(0, r.n % (x.length + 1)) : x)),
  indent: (l, r) => l.map((x, i) => (i === r.at % Math.max(1, l.length) ? `${' '.repeat(r.n % 9)}${x}` : x)),
  dedent: (l, r) => l.map((x, i) => (i === r.at % Math.max(1, l.length) ? x.trimStart() : x)),
  cutFile: (l, r) => l.slice(0, r.at % (l.length + 1)),
  repeatBlock: (l, r) => {
    const i = r.at % Math.max(1, l.length);
    const block = l.slice(i, i + 1 + (r.n % 6));
    return [...l.slice(0, i), ...block, ...block, ...l.slice(i + block.length)];
  },
};

type TextOp = (t: string, r: { at: number; text: string; n: number }) => string;

const TEXT_OPS: Record<string, TextOp> = {
  insertChars: (t, r) => {
    const i = r.at % (t.length + 1);
    return t.slice(0, i) + r.text + t.slice(i);
  },
  deleteChars: (t, r) => {
    const i = r.at % (t.length + 1);
    return t.slice(0, i) + t.slice(i + (r.n % 40));
  },
  flipChar: (t, r) => {
    if (!t) return t;
    const i = r.at % t.length;
    return t.slice(0, i) + String.fromCharCode((t.charCodeAt(i) ^ (1 + (r.n % 127))) & 0xffff) + t.slice(i + 1);
  },
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  loneCr: (t) => t.replace(/\n/g, '\r'),
  bom: (t) => `\ufeff${t}`,
  tabs: (t) => t.replace(/^ {2}/gm, '\t'),
  nul: (t, r) => {
    const i = r.at % (t.length + 1);
    return `${t.slice(0, i)}\u0000${t.slice(i)}`;
  },
  truncate: (t, r) => t.slice(0, r.at % (t.length + 1)),
};

/**
 * A seed with 1 to `maxOps` mutations; `tokens` are the hostile or
 * format-specific lines and fragments inserted.
 */
export function mutated(seeds: readonly string[], tokens: readonly string[], maxOps = 6): fc.Arbitrary<string> {
  const fragment = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...tokens) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) });
  const lineOp = fc.record({ kind: fc.constant('line' as const), op: fc.constantFrom(...Object.keys(LINE_OPS)), at: fc.nat(), to: fc.nat(), text: fragment, n: fc.nat() });
  const textOp = fc.record({ kind: fc.constant('text' as const), op: fc.constantFrom(...Object.keys(TEXT_OPS)), at: fc.nat(), text: fragment, n: fc.nat() });
  return fc.tuple(fc.constantFrom(...seeds), fc.array(fc.oneof({ weight: 3, arbitrary: lineOp }, { weight: 1, arbitrary: textOp }), { minLength: 1, maxLength: maxOps })).map(([text, ops]) => {
    let out = text;
    for (const o of ops) {
      // o.op is one of the keys of its table.
      out = o.kind === 'line' ? LINE_OPS[o.op]!(out.split('\n'), o).join('\n') : TEXT_OPS[o.op]!(out, o);
    }
    return out;
  });
}

/** Lines made only of the tokens (structure-aware random files). */
export function tokenSoup(tokens: readonly string[], maxLines = 40): fc.Arbitrary<string> {
  return fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...tokens) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }), { maxLength: maxLines }).map((l) => l.join('\n'));
}

/** Runs per property: bounded so that the whole hardening folder stays well under 20 s. */
export const RUNS = Number(process.env.ELIXIR_AGENT_FUZZ_RUNS || 1000);
