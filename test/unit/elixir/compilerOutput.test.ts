import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { diagnosticRange, parseCompilerOutput, type CompilerDiagnostic } from '../../../src/core/elixir/compilerOutput';
import { stripAnsi } from '../../../src/core/util/ansi';

const dir = path.resolve(__dirname, '../../../../test/fixtures/compiler-output');
const P = '/proj';
const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
const UMBRELLA_DIRS = { greeter: 'apps/greeter', greeter_web: 'apps/greeter_web' };

/** [file relative to /proj, line, column, endColumn, severity, code, first line of the message]. */
type Row = [string, number, number | undefined, number | undefined, string, string | undefined, string];
const rows = (list: CompilerDiagnostic[]): Row[] =>
  list.map((d) => [path.relative(P, d.file), d.line, d.column, d.endColumn, d.severity, d.code, d.message.split('\n')[0]!]);
const parse = (name: string, extra: Partial<Parameters<typeof parseCompilerOutput>[1]> = {}): CompilerDiagnostic[] =>
  parseCompilerOutput(read(name), { projectDir: P, ...extra });

const UNUSED = 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)';
const MISSING = 'Missing.Module.fun/0 is undefined (module Missing.Module is not available or is yet to be defined)';
const DEPRECATED = 'String.to_char_list/1 is deprecated. Use String.to_charlist/1 instead';
const UNDEFINED_FUN = 'undefined function undefined_fun/0 (expected PlainMix.Broken to define such a function or for it to be imported, but none are available)';
const COUNTER = 'lib/plain_mix/counter.ex';
const REMOTE = 'lib/plain_mix/remote.ex';

describe('compiler output: real Elixir 1.14 recordings', () => {
  it('warnings, with every location of a grouped warning, ANSI or not', () => {
    const many: Row[] = [
      [COUNTER, 5, undefined, undefined, 'warning', undefined, UNUSED],
      [REMOTE, 2, undefined, undefined, 'warning', undefined, MISSING],
      [REMOTE, 3, undefined, undefined, 'warning', undefined, MISSING],
      [REMOTE, 6, undefined, undefined, 'warning', undefined, DEPRECATED],
    ];
    assert.deepEqual(rows(parse('elixir-1.14-warning.txt')), [many[0]]);
    assert.deepEqual(rows(parse('elixir-1.14-warnings-many.txt')), many);
    assert.deepEqual(rows(parse('elixir-1.14-ansi.txt')), many);
    // --all-warnings replays stored warnings without function names, in the manifest's order (not stable between runs).
    const byPlace = (a: Row, b: Row): number => a[0].localeCompare(b[0]) || a[1] - b[1];
    assert.deepEqual(rows(parse('elixir-1.14-all-warnings-replay.txt')).sort(byPlace), many.slice().sort(byPlace));
  });

  it('errors that stop compilation: CompileError, SyntaxError, TokenMissingError, an exception in a module body', () => {
    const warning: Row = [COUNTER, 5, undefined, undefined, 'warning', undefined, UNUSED];
    assert.deepEqual(rows(parse('elixir-1.14-compile-error.txt')), [warning, ['lib/plain_mix/broken.ex', 3, undefined, undefined, 'error', 'CompileError', UNDEFINED_FUN]]);
    assert.deepEqual(rows(parse('elixir-1.14-syntax-error.txt')), [
      warning,
      ['lib/plain_mix/syntax.ex', 3, 9, undefined, 'error', 'SyntaxError', 'unexpected token: ). The "[" at line 3 is missing terminator "]"'],
    ]);
    assert.deepEqual(rows(parse('elixir-1.14-token-missing.txt')), [
      warning,
      ['lib/plain_mix/token_missing.ex', 6, 1, undefined, 'error', 'TokenMissingError', 'missing terminator: end (for "do" starting at line 1)'],
    ]);
    assert.deepEqual(rows(parse('elixir-1.14-raise-in-module-body.txt')), [
      warning,
      ['lib/plain_mix/raise_in_body.ex', 2, undefined, undefined, 'error', 'KeyError', '(KeyError) key :missing not found in: %{}'],
    ]);
  });

  it('umbrella: `==> app` sets the directory; replayed warnings are found in the app that has the file', () => {
    const expected: Row[] = [
      ['apps/greeter/lib/greeter.ex', 3, undefined, undefined, 'warning', undefined, 'variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)'],
      ['apps/greeter_web/lib/greeter_web.ex', 2, undefined, undefined, 'warning', undefined, 'Greeter.bye/0 is undefined or private'],
    ];
    assert.deepEqual(rows(parse('elixir-1.14-umbrella.txt', { appDirs: UMBRELLA_DIRS })), expected);
    const existing = new Set(expected.map((r) => path.join(P, r[0])));
    assert.deepEqual(rows(parse('elixir-1.14-umbrella-replay.txt', { appDirs: UMBRELLA_DIRS, fileExists: (p) => existing.has(p) })), expected);
  });

  it('a project-level failure (missing dependency, prompt on the same line) lands on mix.exs', () => {
    assert.deepEqual(rows(parse('elixir-1.14-missing-dependency.txt')), [
      ['mix.exs', 0, undefined, undefined, 'error', 'Mix', '(Mix) Could not find an SCM for dependency :jason from PlainMix.MixProject'],
    ]);
    const unchecked = parseCompilerOutput(
      'Unchecked dependencies for environment dev:\n* jason (Hex package)\n  the dependency is not available, run "mix deps.get"\n** (Mix) Can\'t continue due to errors on dependencies\n',
      { projectDir: P },
    );
    assert.deepEqual(unchecked.map((d) => [d.file, d.severity, d.message]), [
      [
        '/proj/mix.exs',
        'error',
        '(Mix) Can\'t continue due to errors on dependencies\nUnchecked dependencies for environment dev:\n* jason (Hex package)\n  the dependency is not available, run "mix deps.get"',
      ],
    ]);
  });
});

describe('compiler output: recorded formats of Elixir 1.15-1.19', () => {
  it('1.15: several `error:` blocks, and the "errors have been logged" summary only when nothing was logged', () => {
    assert.deepEqual(rows(parse('elixir-1.15-errors.txt')), [
      [COUNTER, 5, undefined, undefined, 'warning', undefined, UNUSED],
      ['lib/plain_mix/broken.ex', 3, undefined, undefined, 'error', undefined, UNDEFINED_FUN],
      ['lib/plain_mix/broken.ex', 7, undefined, undefined, 'error', undefined, 'undefined variable "name"'],
    ]);
    const alone = parseCompilerOutput('** (CompileError) lib/a.ex: cannot compile module A (errors have been logged)\n', { projectDir: P });
    assert.deepEqual(rows(alone), [['lib/a.ex', 0, undefined, undefined, 'error', 'CompileError', 'cannot compile module A (errors have been logged)']]);
  });

  it('1.16+: snippets give columns and spans; one diagnostic per └─ location', () => {
    assert.deepEqual(rows(parse('elixir-1.16-warnings.txt')), [
      [COUNTER, 5, 5, 11, 'warning', undefined, UNUSED],
      [REMOTE, 6, 12, undefined, 'warning', undefined, DEPRECATED],
      [REMOTE, 2, 29, undefined, 'warning', undefined, MISSING],
      [REMOTE, 3, 29, undefined, 'warning', undefined, MISSING],
    ]);
    assert.deepEqual(rows(parse('elixir-1.16-compile-error.txt')), [['lib/plain_mix/broken.ex', 3, 5, 18, 'error', undefined, UNDEFINED_FUN]]);
    assert.deepEqual(rows(parse('elixir-1.17-ansi.txt')), [
      [COUNTER, 5, 5, 11, 'warning', undefined, UNUSED],
      ['lib/plain_mix.ex', 12, 55, 59, 'error', undefined, 'undefined variable "nmae"'],
    ]);
  });

  it('1.16+ syntax errors: the nested error block gives message and place, the exception its code', () => {
    assert.deepEqual(rows(parse('elixir-1.16-mismatched-delimiter.txt')), [
      ['lib/plain_mix/syntax.ex', 3, 9, undefined, 'error', 'MismatchedDelimiterError', 'unexpected token: )'],
    ]);
    assert.deepEqual(rows(parse('elixir-1.17-token-missing.txt')), [
      ['lib/plain_mix/token_missing.ex', 6, 1, undefined, 'error', 'TokenMissingError', 'missing terminator: end'],
    ]);
    assert.deepEqual(rows(parse('elixir-1.19-syntax-error.txt')), [['lib/plain_mix/syntax.ex', 3, 8, undefined, 'error', 'SyntaxError', "syntax error before: '='"]]);
    // Output cut before the nested block: the header alone still gives the place.
    const cut = parseCompilerOutput('** (SyntaxError) invalid syntax found on lib/x.ex:1:17:\n', { projectDir: P });
    assert.deepEqual(rows(cut), [['lib/x.ex', 1, 17, undefined, 'error', 'SyntaxError', 'invalid syntax found']]);
  });

  it('1.18 type warnings keep their multi-line message (hint included), without the snippet lead-in', () => {
    const list = parse('elixir-1.18-type-warnings.txt');
    assert.deepEqual(rows(list), [
      ['lib/plain_mix/report.ex', 5, 12, undefined, 'warning', undefined, 'incompatible types given to String.upcase/1:'],
      ['lib/plain_mix/report.ex', 11, 7, 18, 'warning', undefined, 'the following clause will never match:'],
      ['lib/plain_mix/report.ex', 16, 10, 16, 'warning', undefined, 'unknown key .module in expression:'],
    ]);
    assert.equal(
      list[0]!.message,
      [
        'incompatible types given to String.upcase/1:',
        '',
        '    String.upcase(count)',
        '',
        'given types:',
        '',
        '    integer()',
        '',
        'but expected one of:',
        '',
        '    binary()',
        '',
        'where "count" was given the type:',
        '',
        '    # type: integer()',
        '    # from: lib/plain_mix/report.ex:4:11',
        '    count = length(words)',
      ].join('\n'),
    );
    assert.match(list[2]!.message, /\n\nhint: "var\.field" \(without parentheses\) means "var" is a map\(\)[^\n]*$/);
  });

  it('1.19 umbrella: `==> app` prefixes with snippet warnings and a standalone hint', () => {
    assert.deepEqual(rows(parse('elixir-1.19-umbrella.txt', { appDirs: UMBRELLA_DIRS })), [
      ['apps/greeter/lib/greeter.ex', 3, 5, undefined, 'warning', undefined, 'variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)'],
      ['apps/greeter/lib/greeter.ex', 9, 8, undefined, 'warning', undefined, 'incompatible types given on function application:'],
      ['apps/greeter_web/lib/greeter_web.ex', 2, 51, undefined, 'warning', undefined, 'Greeter.bye/0 is undefined or private'],
      ['apps/greeter_web/lib/greeter_web.ex', 2, 51, undefined, 'hint', undefined, 'the module Greeter is defined in the sibling app :greeter; add {:greeter, in_umbrella: true} to its deps'],
    ]);
    // Unknown `==> name` is a dependency being compiled.
    const dep = parseCompilerOutput('==> jason\nwarning: old\n  lib/jason.ex:1\n', { projectDir: P });
    assert.equal(dep[0]?.file, '/proj/deps/jason/lib/jason.ex');
  });

  it('Erlang sources, Windows paths, absolute paths, and a hint appended to the diagnostic before it', () => {
    const out = parseCompilerOutput(
      [
        'src/parser.erl:12:3: Warning: variable \'X\' is unused',
        'src/lexer.erl:4: syntax error before: \'.\'',
        'warning: from an absolute path',
        '  /elsewhere/lib/a.ex:2: A.f/0',
        '',
        '    error: undefined variable "y"',
        '    └─ c:/proj/lib/demo.ex:7:5: Demo.k/0',
        '',
        '    hint: did you mean "x"?',
        '',
      ].join('\n'),
      { projectDir: P },
    );
    assert.deepEqual(rows(out).map((r) => [r[0].replace(/\\/g, '/'), r[1], r[2], r[4], r[6]]), [
      ['src/parser.erl', 12, 3, 'warning', "variable 'X' is unused"],
      ['src/lexer.erl', 4, undefined, 'error', "syntax error before: '.'"],
      ['../elsewhere/lib/a.ex', 2, undefined, 'warning', 'from an absolute path'],
      [path.relative(P, path.resolve('c:/proj/lib/demo.ex')).replace(/\\/g, '/'), 7, 5, 'error', 'undefined variable "y"'],
    ]);
    assert.equal(out[3]!.message, 'undefined variable "y"\n\nhint: did you mean "x"?');
  });
});

describe('compiler output: ranges and robustness', () => {
  it('ranges: a span, the identifier at a column, the code of a line, or the line start', () => {
    const text = ['defmodule A do', '  def f(x) do', '    unused = x + 1', '  end'];
    const at = (line0: number): string | undefined => text[line0];
    const d = (extra: Partial<CompilerDiagnostic>): CompilerDiagnostic => ({ file: '/a.ex', severity: 'warning', message: 'm', line: 3, ...extra });
    assert.deepEqual(
      [
        diagnosticRange(d({ column: 5, endColumn: 11 })),
        diagnosticRange(d({ column: 5 }), at),
        diagnosticRange(d({ column: 12 }), at),
        diagnosticRange(d({}), at),
        diagnosticRange(d({ line: 0 })),
        diagnosticRange(d({ column: 5 })),
      ].map((r) => [r.start.line, r.start.character, r.end.line, r.end.character]),
      [
        [2, 4, 2, 10],
        [2, 4, 2, 10],
        [2, 11, 2, 12],
        [2, 4, 2, 18],
        [0, 0, 0, 0],
        [2, 4, 2, 4],
      ],
    );
  });

  it('strips colour and cursor sequences', () => {
    assert.equal(stripAnsi('\u001b[33mwarning:\u001b[0m x \u001b[2K\u001b]0;title\u0007y'), 'warning: x y');
    // Whole sequences where util.stripVTControlCharacters leaves pieces: private and colon parameters, titles with spaces.
    assert.equal(stripAnsi('a\u001b[?25l\u001b[>4;2m\u001b[38:2:1:2:3mb\u001b]0;my title\u0007c\u001b]8;;http://x y\u001b\\d'), 'abcd');
  });

  it('never throws, and every diagnostic is well formed, on garbage and on mangled real output', () => {
    const samples = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).map(read);
    const check = (output: string): void => {
      const list = parseCompilerOutput(output, { projectDir: P, appDirs: UMBRELLA_DIRS, fileExists: () => false });
      for (const d of list) {
        assert.ok(path.isAbsolute(d.file), d.file);
        assert.ok(['error', 'warning', 'information', 'hint'].includes(d.severity));
        assert.ok(Number.isInteger(d.line) && d.line >= 0);
        assert.ok(d.column === undefined || (Number.isInteger(d.column) && d.column >= 0));
        assert.equal(typeof d.message, 'string');
        assert.ok(d.message.length <= 4003);
        const r = diagnosticRange(d, () => 'some text');
        assert.ok(r.start.line >= 0 && r.end.character >= r.start.character);
      }
    };
    const pieces = samples.flatMap((s) => s.split('\n'));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc.array(fc.constantFrom(...pieces, '', '│', '└─ ', '** (', '==> ', 'warning:', 'error:', 'hint:', '  lib/a.ex:', '\u001b['), { maxLength: 60 }).map((l) => l.join('\n')),
          fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.nat(), fc.string({ maxLength: 20 })).map(([s, a, b, junk]) => {
            const i = a % (s.length + 1);
            const j = Math.min(s.length, i + (b % 200));
            return s.slice(0, i) + junk + s.slice(j);
          }),
        ),
        (output) => check(output),
      ),
      { numRuns: 600 },
    );
    check('x'.repeat(200_000));
    check(`warning: ${'a'.repeat(50_000)}\n`.repeat(10));
    check(undefined as unknown as string);
  });
});
