/**
 * The glob matcher (src/core/tools/globMatch.ts) against the glob shapes that
 * made the old RegExp translation run for minutes (issue 13, item 5): every
 * match returns, or fails with a clear error, and its work is bounded. Its
 * answers are the old translation's (a regex oracle kept below, run only on
 * inputs too small to backtrack badly), so no Glob, LS or .gitignore
 * behaviour changed.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileGlob, GlobTooComplexError, MAX_GLOB_LENGTH } from '../../../src/core/tools/globMatch';
import { RUNS } from './mutate';

/** The RegExp translation the tools used before (backtracking: small inputs only). */
function oracleSource(glob: string, slashInClass = true): string {
  const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let re = '';
  let depth = 0;
  const n = glob.length;
  let i = 0;
  while (i < n) {
    const c = glob.charAt(i);
    if (c === '*') {
      let j = i;
      while (glob[j] === '*') j++;
      const whole = j - i >= 2 && (i === 0 || glob[i - 1] === '/') && (j === n || glob[j] === '/');
      if (whole && j === n) [re, i] = [`${re}.*`, j];
      else if (whole) [re, i] = [`${re}(?:[^/]*/)*`, j + 1];
      else [re, i] = [`${re}[^/]*`, j];
    } else if (c === '?') [re, i] = [`${re}[^/]`, i + 1];
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!' || glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      while (j < n && glob[j] !== ']') j++;
      if (j >= n) [re, i] = [`${re}\\[`, i + 1];
      else {
        let body = glob.slice(i + 1, j);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        body = body.replace(/\\/g, '\\\\').replace(/\[/g, '\\[').replace(/\]/g, '\\]');
        [re, i] = [`${re}${negate ? `[^/${body}]` : `${slashInClass ? '' : '(?!/)'}[${body}]`}`, j + 1];
      }
    } else if (c === '{') [re, depth, i] = [`${re}(?:`, depth + 1, i + 1];
    else if (c === '}' && depth > 0) [re, depth, i] = [`${re})`, depth - 1, i + 1];
    else if (c === ',' && depth > 0) [re, i] = [`${re}|`, i + 1];
    else if (c === '\\' && i + 1 < n) [re, i] = [re + escapeRe(glob.charAt(i + 1)), i + 2];
    else [re, i] = [re + escapeRe(c), i + 1];
  }
  if (depth > 0) throw new Error('unclosed {');
  return re;
}

function oracle(glob: string, opts: { nocase: boolean; anyDirPrefix: boolean }): RegExp {
  // A .gitignore rule is tested on one name, so none of its classes (`[*-a]` spans '/') can match a '/'.
  return new RegExp(`^${opts.anyDirPrefix ? '(?:.*/)?' : ''}${oracleSource(glob, !opts.anyDirPrefix)}$`, opts.nocase ? 'i' : '');
}

const GLOB_TOKENS = ['a', 'b', 'A', '.', 'x', '-', '/', '*', '**', '**/', '/**', '?', '[ab]', '[!a]', '[^/]', '[a-c]', '[]a]', '[', ']', '{', '}', ',', '{a,b}', '{,x}', '\\', '\\*', '\\{'];
const PATH_CHARS = ['a', 'b', 'A', 'B', '.', 'x', '-', '/', '[', '{', '*', 'é'];

/** Run `fn` and say whether it threw. */
function attempt<T>(fn: () => T): { value?: T; error?: unknown } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

describe('hardening: glob matching in linear time', () => {
  it('agrees with the RegExp translation it replaced (random globs and paths, both cases, unanchored .gitignore rules)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...GLOB_TOKENS), { maxLength: 9 }),
        fc.array(fc.array(fc.constantFrom(...PATH_CHARS), { maxLength: 14 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (tokens, paths, nocase, unanchored) => {
          const glob = tokens.join('');
          // A .gitignore rule without '/' matches at any depth: the old code put (?:.*/)? in front, IgnoreFile now tests the last name.
          const rule = unanchored && !glob.includes('/');
          const re = attempt(() => oracle(glob, { nocase, anyDirPrefix: rule }));
          const m = attempt(() => compileGlob(glob, { nocase }));
          // Both refuse the same globs (an unclosed "{", a range out of order).
          assert.equal(m.error === undefined, re.error === undefined, `${JSON.stringify(glob)}: ${String(m.error ?? re.error)}`);
          if (!m.value || !re.value) return;
          for (const p of paths.map((cs) => cs.join(''))) {
            assert.equal(m.value.test(rule ? p.slice(p.lastIndexOf('/') + 1) : p), re.value.test(p), `${JSON.stringify(glob)} on ${JSON.stringify(p)}${rule ? ' (rule)' : ''}`);
          }
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('matches the usual patterns as Claude Code users write them', () => {
    const cases: Array<[string, string, boolean]> = [
      ['**/*.ex', 'lib/app.ex', true],
      ['**/*.ex', 'app.ex', true],
      ['**/*.ex', 'lib/app.exs', false],
      ['*.exs', 'mix.exs', true],
      ['*.exs', 'config/config.exs', false],
      ['lib/**/*_live.ex', 'lib/app_web/live/page_live.ex', true],
      ['lib/**', 'lib/a/b/c.ex', true],
      ['{lib,test}/**/*.{ex,exs}', 'test/support/conn_case.exs', true],
      ['{lib,test}/**/*.{ex,exs}', 'priv/repo/seeds.exs', false],
      ['config/{dev,prod}.exs', 'config/prod.exs', true],
      ['test/**/*_test.exs', 'test/app_web/controllers/page_controller_test.exs', true],
      ['[a-c]*.md', 'b_notes.md', true],
      ['[!a]*.md', 'a_notes.md', false],
      ['\\{x\\}.txt', '{x}.txt', true],
      ['**/.formatter.exs', 'apps/web/.formatter.exs', true],
    ];
    for (const [glob, p, want] of cases) assert.equal(compileGlob(glob).test(p), want, `${glob} on ${p}`);
    assert.equal(compileGlob('LIB/*.EX', { nocase: true }).test('lib/app.ex'), true);
    // Case-insensitive classes hold the other case of every member, as a RegExp's i flag does, even in a range of mixed characters.
    assert.equal(compileGlob('[A-C]*', { nocase: true }).test('b.md'), true);
    assert.equal(compileGlob('[*-[]', { nocase: true }).test('a'), true, '[*-[] holds A, so a without case');
    assert.equal(compileGlob('[*-[]').test('a'), false);
    assert.equal(compileGlob('[!a-c]x', { nocase: true }).test('Bx'), false);
  });

  it('answers the patterns of issue 13 and their relatives at once, on paths up to PATH_MAX', () => {
    const longName = 'a'.repeat(255);
    const deep = `${'a/'.repeat(2047)}a`;
    const attacks: Array<[string, string, string]> = [
      ['"**/" x200 + nomatch (issue 13)', `${'**/'.repeat(200)}nomatch`, `${'a/'.repeat(100)}x`],
      ['"**/" x200 + nomatch on 2,048 folders', `${'**/'.repeat(200)}nomatch`, deep],
      ['"*a" x12 + "b" (issue 13)', `${'*a'.repeat(12)}b`, longName],
      ['"*a" x12 + "b" under **/', `**/${'*a'.repeat(12)}b`, `${longName}/${longName}/${longName}`],
      ['"*a" x40 + "b"', `${'*a'.repeat(40)}b`, longName],
      ['"?*" x300', `${'?*'.repeat(300)}b`, longName],
      ['"[a-z]*" x100', '[a-z]*'.repeat(100), longName],
      ['{a,aa} x150 (2^150 expansions)', `${'{a,aa}'.repeat(150)}b`, 'a'.repeat(300)],
      ['{*a,*b} x100', `${'{*a,*b}'.repeat(100)}c`, longName],
      ['brace nesting 1,000 deep', `${'{'.repeat(1000)}a${'}'.repeat(1000)}`, 'a'],
      ['an alternation of 340 names (3,971 characters)', `{${Array.from({ length: 340 }, (_, k) => `lib/f${k}.ex`).join(',')}}`, 'lib/f339.ex'],
      ['"*/" x500', `${'*/'.repeat(500)}x`, deep],
    ];
    for (const [name, glob, p] of attacks) {
      const matcher = compileGlob(glob);
      const r = attempt(() => matcher.test(p));
      assert.ok(typeof r.value === 'boolean' || r.error instanceof GlobTooComplexError, `${name}: ${String(r.error)}`);
      // A second path through the same matcher (its DFA cache warm) gives the same kind of answer.
      const again = attempt(() => matcher.test(p));
      assert.deepEqual([typeof again.value, again.error?.constructor], [typeof r.value, r.error?.constructor], name);
    }
    assert.equal(compileGlob(`${'**/'.repeat(200)}nomatch`).test('lib/a/nomatch'), true);
    assert.equal(compileGlob(`${'*a'.repeat(12)}b`).test(`${'xa'.repeat(12)}b`), true);
  });

  it('bounds the work of one match: past it, a clear error instead of a long stretch of CPU', () => {
    const heavy = compileGlob(`${'*a'.repeat(512)}b`);
    assert.throws(
      () => heavy.test('a'.repeat(4096)),
      (err: unknown) => err instanceof GlobTooComplexError && /is too complex to match against .*use fewer \* wildcards and \{…\} alternatives\./.test((err as Error).message),
    );
    // Sensible globs stay far below the bound even on a 4,096-character path.
    assert.equal(compileGlob('**/*.ex').test(`${'dir/'.repeat(1022)}x.ex`), true);
    assert.equal(compileGlob('{lib,test}/**/*_{live,component}.{ex,exs}').test(`lib/${'d/'.repeat(2000)}x_live.ex`), true);
  });

  it('refuses globs over MAX_GLOB_LENGTH characters and malformed ones, with messages the model can act on', () => {
    assert.equal(compileGlob('a'.repeat(MAX_GLOB_LENGTH)).test('a'.repeat(MAX_GLOB_LENGTH)), true);
    assert.throws(() => compileGlob('a'.repeat(MAX_GLOB_LENGTH + 1)), /The glob is too long \(4097 characters, at most 4096\)\./);
    assert.throws(() => compileGlob(`{a,b${'{'.repeat(300)}`), /a "\{" is not closed\./);
    assert.throws(() => compileGlob('[z-a].ex'), /the range z-a in a \[\.\.\.\] class is out of order/);
  });
});
