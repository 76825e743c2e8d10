/**
 * The printed-output parser (the fallback when mix's structured diagnostics
 * are not available) on the cases of real projects that it used to get wrong,
 * each a REAL recording of this machine's Elixir 1.14 (record-elixir-1.14.sh):
 * an exception spread over paragraphs, a missing `end` and its HINT,
 * warnings_as_errors, and an umbrella whose apps both have lib/helper.ex.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCompilerOutput, type CompilerDiagnostic } from '../../../src/core/elixir/compilerOutput';
import { exceptionText, relatedLocations } from '../../../src/core/elixir/messageText';

const dir = path.resolve(__dirname, '../../../../test/fixtures/compiler-output');
const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
const P = '/proj';
const UNUSED = 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)';
const brief = (list: CompilerDiagnostic[], root = P) => list.map((d) => [path.relative(root, d.file), d.line, d.severity, d.code, d.message]);

/** The umbrella of the recordings, as files on a virtual disk. */
const UMBRELLA: Record<string, string> = {
  '/proj/mix.exs': 'defmodule SameName.MixProject do\nend\n',
  '/proj/apps/app_a/mix.exs': 'defmodule AppA.MixProject do\nend\n',
  '/proj/apps/app_b/mix.exs': 'defmodule AppB.MixProject do\nend\n',
  '/proj/apps/app_a/lib/helper.ex': 'defmodule AppA.Helper do\n  def a(x) do\n    unused_a = 1\n    x\n  end\nend\n',
  '/proj/apps/app_b/lib/helper.ex': 'defmodule AppB.Helper do\n  def b(x) do\n\n    unused_b = 1\n    x\n  end\nend\n',
};
const disk = {
  fileExists: (p: string) => p in UMBRELLA || Object.keys(UMBRELLA).some((f) => f.startsWith(`${p}/`)),
  lineText: (p: string, line0: number) => UMBRELLA[p]?.split('\n')[line0],
};
const unusedVar = (name: string) => `variable "${name}" is unused (if the variable is not meant to be used, prefix it with an underscore)`;

describe('compiler output: what real projects print (Elixir 1.14 recordings)', () => {
  it('an exception raised in a module body: its line from the stack trace, its whole explanation', () => {
    assert.deepEqual(brief(parseCompilerOutput(read('elixir-1.14-raise-paragraphs.txt'), { projectDir: P })), [
      ['lib/plain_mix/counter.ex', 5, 'warning', undefined, UNUSED],
      [
        'lib/plain_mix/raise_paragraphs.ex',
        2,
        'error',
        'ArgumentError',
        '(ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of an integer',
      ],
    ]);
  });

  it('a missing `end`: the HINT stays in the message and becomes a related location on the line it names', () => {
    const list = parseCompilerOutput(read('elixir-1.14-missing-end-hint.txt'), { projectDir: P });
    const error = list.find((d) => d.severity === 'error');
    assert.deepEqual(error, {
      file: '/proj/lib/plain_mix/missing_end.ex',
      severity: 'error',
      line: 9,
      column: 1,
      code: 'TokenMissingError',
      message: 'missing terminator: end (for "do" starting at line 1)\n\nHINT: it looks like the "do" on line 2 does not have a matching "end"',
      related: [{ file: '/proj/lib/plain_mix/missing_end.ex', line: 2, message: 'it looks like the "do" on line 2 does not have a matching "end"' }],
    });
  });

  it('warnings_as_errors: the failed compile parses to its warning alone (runMixCompile makes it the error)', () => {
    assert.deepEqual(brief(parseCompilerOutput(read('elixir-1.14-warnings-as-errors.txt'), { projectDir: P })), [['lib/plain_mix/counter.ex', 5, 'warning', undefined, UNUSED]]);
  });

  it('umbrella apps with the same file name: each warning on its own app, on the first run and on replays without `==> app`', () => {
    const expected = [
      ['apps/app_b/lib/helper.ex', 4, 'warning', undefined, unusedVar('unused_b')],
      ['apps/app_a/lib/helper.ex', 3, 'warning', undefined, unusedVar('unused_a')],
    ];
    const options = { projectDir: P, appDirs: { app_a: 'apps/app_a', app_b: 'apps/app_b' }, ...disk };
    assert.deepEqual(brief(parseCompilerOutput(read('elixir-1.14-umbrella-same-name.txt'), options)), expected);
    assert.deepEqual(brief(parseCompilerOutput(read('elixir-1.14-umbrella-same-name-replay.txt'), options)), expected);
  });

  it('one umbrella app compiled alone: its in-umbrella dependency is the sibling app, not deps/ and not this app', () => {
    const root = '/proj/apps/app_a';
    const list = parseCompilerOutput(read('elixir-1.14-umbrella-app-alone.txt'), { projectDir: root, appDirs: { app_a: root }, ...disk });
    assert.deepEqual(brief(list, root), [
      ['../app_b/lib/helper.ex', 4, 'warning', undefined, unusedVar('unused_b')],
      ['lib/helper.ex', 3, 'warning', undefined, unusedVar('unused_a')],
    ]);
  });
});

describe('compiler messages taken apart (shared with the structured diagnostics)', () => {
  it('banner, location prefix and stack trace; the explanation kept whole', () => {
    const sameFile = (p: string) => p === 'lib/demo.ex';
    assert.deepEqual(
      exceptionText('** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of an integer\n\n    :erlang.binary_to_integer("80a")\n    lib/demo.ex:2: (module)\n', sameFile),
      { code: 'ArgumentError', line: 2, message: '(ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of an integer' },
    );
    assert.deepEqual(
      exceptionText('** (TokenMissingError) lib/demo.ex:9:1: missing terminator: end\n\n    HINT: it looks like the "do" on line 2 does not have a matching "end"\n\n    (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346: anonymous fn/5 in Kernel.ParallelCompiler.spawn_workers/7\n', sameFile),
      { code: 'TokenMissingError', line: 9, column: 1, message: 'missing terminator: end\n\nHINT: it looks like the "do" on line 2 does not have a matching "end"' },
    );
    // 1.15+ messages come without banner or trace.
    assert.deepEqual(exceptionText('undefined variable "x"', sameFile), { message: 'undefined variable "x"' });
  });

  it('related locations: the HINT (1.14 and 1.16+ spelling) and 1.16+ snippet markers, never the diagnostic’s own line', () => {
    const snippet = [
      'missing terminator: end',
      'hint: it looks like the "do" on line 2 does not have a matching "end"',
      '    │',
      '  1 │ defmodule PlainMix.TokenMissing do',
      '    │                                 └ unclosed delimiter',
      ' ...',
      '  6 │',
      '    │ └ missing closing delimiter (expected "end")',
      '    └─ lib/plain_mix/token_missing.ex:6:1',
    ].join('\n');
    assert.deepEqual(relatedLocations(snippet, '/p/a.ex', 6), [
      { file: '/p/a.ex', line: 2, message: 'it looks like the "do" on line 2 does not have a matching "end"' },
      { file: '/p/a.ex', line: 1, column: 33, message: 'unclosed delimiter' },
    ]);
    assert.deepEqual(relatedLocations('HINT: it looks like the "fn" on line 4 does not have a matching "end"', '/p/a.ex', 4), []);
  });
});
