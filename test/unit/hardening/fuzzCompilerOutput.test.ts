/**
 * Fuzzing the compiler-output parser (src/core/elixir parseCompilerOutput and
 * diagnosticRange) with mutations of the recorded `mix compile` outputs in
 * test/fixtures/compiler-output/ (lines cut, doubled, swapped and interleaved
 * as when two compilers print at once; hostile locations; CRLF; colour codes)
 * and with token soups of the formats' lines. Stronger than the elixir
 * suite's own fuzz check: every line number must come from the text, every
 * range must be one VS Code accepts, messages must be clean.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as path from 'node:path';
import { diagnosticRange, parseCompilerOutput, type CompilerDiagnostic, type ParseOptions } from '../../../src/core/elixir/compilerOutput';
import { mutated, RUNS, seedsIn, tokenSoup } from './mutate';

const PROJECT = '/work/shop';
const SEEDS = seedsIn('test/fixtures/compiler-output', '.txt');

const TOKENS = [
  'warning: variable "x" is unused',
  'error: undefined function foo/0',
  'hint: a hint',
  '    warning: deprecated',
  '  lib/shop/a.ex:3: Shop.A.f/1',
  '  lib/shop/a.ex:3',
  '  lib/shop/a.ex',
  '    │',
  '  3 │   def f(x), do: y',
  '    │                 ~~~~~~~~',
  '    │                 ^',
  '    └─ lib/shop/a.ex:3:17: Shop.A.f/1',
  '    └─ lib/shop/a.ex:3:17',
  '    └─ ',
  '== Compilation error in file lib/shop/b.ex ==',
  '** (CompileError) lib/shop/b.ex:2: undefined function undefined_fun/0',
  '** (CompileError) lib/shop/b.ex: cannot compile module Shop.B (errors have been logged)',
  '** (SyntaxError) invalid syntax found on lib/shop/x.ex:1:17:',
  '** (TokenMissingError) lib/shop/t.ex:9:1: missing terminator: end',
  '    (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346: anonymous fn/5',
  '==> shop_web',
  '==> ',
  '==> ../../etc',
  'src/shop.erl:3:5: Warning: variable X is unused',
  'Compiling 12 files (.ex)',
  'Generated shop app',
  '\u001b[33mwarning:\u001b[0m coloured',
  '\u001b[31m\u001b[1m** (CompileError)\u001b[0m lib/shop/c.ex:4: boom',
  '\u001b]8;;file:///etc/passwd\u0007link\u001b]8;;\u0007',
  '  lib/shop/a.ex:99999999999999999999: Shop.A.f/1',
  '    └─ lib/shop/a.ex:3:99999999999999999999: Shop.A.f/1',
  '  lib/shop/a.ex:-1: Shop.A.f/1',
  '    └─ lib/shop/a.ex:0:0: Shop.A.f/1',
  '  C:\\Users\\dev\\shop\\lib\\a.ex:3: Shop.A.f/1',
  '  ../../../../etc/passwd:1: nope',
  '  /etc/passwd:1: nope',
  `  lib/${'deep/'.repeat(200)}a.ex:3: Shop.A.f/1`,
  `warning: ${'long message '.repeat(500)}`,
  '',
  '\r',
  '\t',
];

const OPTIONS: [ParseOptions, ...ParseOptions[]] = [
  { projectDir: PROJECT },
  { projectDir: PROJECT, appDirs: { shop: PROJECT, shop_web: path.join(PROJECT, 'apps/shop_web') }, fileExists: () => false },
  { projectDir: PROJECT, appDirs: { shop_web: path.join(PROJECT, 'apps/shop_web') }, fileExists: (f) => f.includes('shop_web') },
];

/** Line texts an editor might hand diagnosticRange (or none: the file is gone). */
const LINE_TEXTS: Array<((line0: number) => string | undefined) | undefined> = [undefined, () => undefined, () => '', () => '  def f(x), do: y', (l) => (l % 2 ? '\t\t' : 'x'.repeat(l % 300))];

const safeInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);


/** Why a diagnostic is not sane for `output` (empty when it is). */
function insanity(output: string, d: CompilerDiagnostic): string[] {
  const bad: string[] = [];
  if (typeof d.file !== 'string' || !path.isAbsolute(d.file)) bad.push('file is not an absolute path');
  if (!['error', 'warning', 'information', 'hint'].includes(d.severity)) bad.push(`severity ${d.severity}`);
  if (!safeInt(d.line) || d.line < 0) bad.push(`line ${d.line}`);
  // A line number is read from the text, never invented.
  else if (d.line > 0 && !new RegExp(`(^|\\D)0*${d.line}(\\D|$)`).test(output)) bad.push(`line ${d.line} is not in the output`);
  if (d.column !== undefined && (!safeInt(d.column) || d.column < 0)) bad.push(`column ${d.column}`);
  if (d.endColumn !== undefined && (!safeInt(d.endColumn) || d.endColumn < 1)) bad.push(`endColumn ${d.endColumn}`);
  // An empty message is possible (a bare `warning:` line); the colour codes the
  // compiler printed must be gone (one only formed by stripping another, as in
  // `\e[` + a hyperlink + `0m`, is junk in junk out).
  if (typeof d.message !== 'string') bad.push('no message');
  else if ((d.message.match(/\u001b\[[0-9;]*[A-Za-z]/g) ?? []).some((code) => output.includes(code))) bad.push('colour codes left in the message');
  if (d.code !== undefined && (typeof d.code !== 'string' || d.code === '')) bad.push(`code ${String(d.code)}`);
  return bad;
}

/** A range VS Code's Range constructor accepts: non-negative safe integers, end after start. */
function rangeInsanity(r: ReturnType<typeof diagnosticRange>): string[] {
  const all = [r.start.line, r.start.character, r.end.line, r.end.character];
  if (!all.every((n) => safeInt(n) && n >= 0)) return [`range ${JSON.stringify(r)} has a bad number`];
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character)) return [`range ${JSON.stringify(r)} ends before it starts`];
  return [];
}

function check(output: string, optionsIndex = 0, lineTextIndex = 0): void {
  let list: CompilerDiagnostic[];
  try {
    list = parseCompilerOutput(output, OPTIONS[optionsIndex % OPTIONS.length]!);
  } catch (err) {
    throw new Error(`parseCompilerOutput threw on ${JSON.stringify(output.slice(0, 300))}: ${err instanceof Error ? err.stack : String(err)}`);
  }
  const problems: string[] = [];
  for (const d of list) {
    problems.push(...insanity(output, d));
    try {
      problems.push(...rangeInsanity(diagnosticRange(d, LINE_TEXTS[lineTextIndex % LINE_TEXTS.length])));
    } catch (err) {
      problems.push(`diagnosticRange threw: ${String(err)}`);
    }
  }
  assert.deepStrictEqual(problems, [], `output: ${JSON.stringify(output.slice(0, 600))}\ndiagnostics: ${JSON.stringify(list).slice(0, 600)}`);
}

describe('hardening: fuzzing the compiler-output parser', function () {
  this.timeout(60_000);

  it('the recordings themselves give sane diagnostics', () => {
    const counts = SEEDS.map((s) => parseCompilerOutput(s, OPTIONS[0]).length);
    assert.ok(counts.filter((n) => n > 0).length >= SEEDS.length - 2, `diagnostics per recording: ${counts.join(', ')}`);
    SEEDS.forEach((s, i) => check(s, 0, i));
  });

  it('mutated recordings (lines cut, doubled, swapped, hostile locations, CRLF, colour): sane diagnostics only', () => {
    fc.assert(
      fc.property(mutated(SEEDS, TOKENS, 8), fc.nat(), fc.nat(), (output, o, l) => check(output, o, l)),
      { numRuns: RUNS * 2 },
    );
  });

  it('two compilers printing at once (recordings interleaved line by line): sane diagnostics only', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.constantFrom(...SEEDS), fc.array(fc.boolean(), { maxLength: 200 }), (a, b, picks) => {
        const la = a.split('\n');
        const lb = b.split('\n');
        const out: string[] = [];
        for (const p of picks) out.push((p ? la : lb).shift() ?? '');
        check([...out, ...la, ...lb].join('\n'));
      }),
      { numRuns: RUNS },
    );
  });

  it('token soups and random text: sane diagnostics only', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup(TOKENS, 60), fc.string({ maxLength: 500 }), fc.string({ unit: 'binary', maxLength: 500 })), fc.nat(), fc.nat(), (output, o, l) => check(output, o, l)),
      { numRuns: RUNS },
    );
  });

  it('absurd sizes: no hang, sane diagnostics', () => {
    check(`${'  lib/a.ex:3: A.f/0\n'.repeat(20_000)}`);
    check(`${'warning: '.repeat(10_000)}\n`);
    check('\u001b['.repeat(50_000));
  });

  it('a 20- or 400-digit line or column never becomes an unsafe number or Infinity', () => {
    const lines = [`warning: x\n  lib/a.ex:${'9'.repeat(20)}: A.f/0\n`, `warning: x\n  lib/a.ex:${'9'.repeat(400)}: A.f/0\n`, `warning: x\n    │\n    └─ lib/a.ex:3:${'9'.repeat(400)}: A.f/0\n`].flatMap((o) =>
      parseCompilerOutput(o, OPTIONS[0]).map((d) => [d.line, d.column ?? 0]),
    );
    assert.deepStrictEqual(lines.flat().filter((n) => !Number.isSafeInteger(n)), []);
  });
});
