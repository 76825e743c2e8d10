/**
 * mix's structured diagnostics (the JSON the bootstrap task writes) as
 * compiler diagnostics: the struct shapes of Elixir 1.14 (exceptions with
 * banner and stack trace in the message, position 0) and 1.15-1.19
 * (positions with columns, span, stacktrace, details), and hostile input.
 * The real task against the real mix is in mixCases.test.ts.
 */
import * as assert from 'node:assert/strict';
import { PathResolver } from '../../../src/core/elixir/outputPaths';
import { readStructured } from '../../../src/core/elixir/structured';

const paths = new PathResolver({ projectDir: '/proj' });
const read = (diagnostics: unknown[], status = 'error') => readStructured(JSON.stringify({ status, elixir: '1.14.0', diagnostics }), paths);
const d = (fields: Record<string, unknown>) => ({ file: '/proj/lib/demo.ex', severity: 'error', position: [0], span: null, compiler: 'Elixir', exception: null, frames: [], ...fields });

describe('mix structured diagnostics', () => {
  it('Elixir 1.14: an exception at position 0 gets its line from the trace, its code from the banner, its whole text', () => {
    const result = read([
      d({ message: '** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of an integer\n\n    :erlang.binary_to_integer("80a")\n    lib/demo.ex:2: (module)\n' }),
      d({ severity: 'warning', position: [3], message: 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)', file: '/proj/lib/ok.ex' }),
      d({
        position: [9, 1],
        message: '** (TokenMissingError) lib/demo.ex:9:1: missing terminator: end (for "do" starting at line 1)\n\n    HINT: it looks like the "do" on line 2 does not have a matching "end"\n\n    (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346: anonymous fn/5 in Kernel.ParallelCompiler.spawn_workers/7\n',
      }),
    ]);
    assert.deepEqual(result, {
      status: 'error',
      elixir: '1.14.0',
      diagnostics: [
        {
          file: '/proj/lib/demo.ex',
          severity: 'error',
          line: 2,
          code: 'ArgumentError',
          message: '(ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of an integer',
        },
        { file: '/proj/lib/ok.ex', severity: 'warning', line: 3, message: 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)' },
        {
          file: '/proj/lib/demo.ex',
          severity: 'error',
          line: 9,
          column: 1,
          code: 'TokenMissingError',
          message: 'missing terminator: end (for "do" starting at line 1)\n\nHINT: it looks like the "do" on line 2 does not have a matching "end"',
          related: [{ file: '/proj/lib/demo.ex', line: 2, message: 'it looks like the "do" on line 2 does not have a matching "end"' }],
        },
      ],
    });
  });

  it('Elixir 1.15-1.19: columns, span, ranges, the exception from details, the line from the stacktrace field', () => {
    const result = read(
      [
        d({ severity: 'warning', position: [5, 5], span: [5, 11], message: 'variable "unused" is unused' }),
        d({ position: [3, 5, 3, 18], message: 'undefined function undefined_fun/0', exception: 'CompileError' }),
        d({ position: [0], message: 'key :missing not found in: %{}', exception: 'KeyError', frames: [{ file: 'lib/other.ex', line: 7 }, { file: 'lib/demo.ex', line: 4 }] }),
        d({ severity: 'information', position: [1], message: 'an info' }),
        d({ severity: 'hint', position: [1], message: 'a hint', file: null }),
      ],
      'ok',
    );
    assert.deepEqual(
      result?.diagnostics.map((x) => [x.file, x.line, x.column, x.endColumn, x.severity, x.code, x.message]),
      [
        ['/proj/lib/demo.ex', 5, 5, 11, 'warning', undefined, 'variable "unused" is unused'],
        ['/proj/lib/demo.ex', 3, 5, 18, 'error', 'CompileError', 'undefined function undefined_fun/0'],
        ['/proj/lib/demo.ex', 4, undefined, undefined, 'error', 'KeyError', 'key :missing not found in: %{}'],
        ['/proj/lib/demo.ex', 1, undefined, undefined, 'information', undefined, 'an info'],
        ['/proj/mix.exs', 1, undefined, undefined, 'hint', undefined, 'a hint'],
      ],
    );
    assert.equal(result?.status, 'ok');
  });

  it('relative paths resolve in the project (and its umbrella apps); hostile or broken input is skipped, never thrown', () => {
    const umbrella = new PathResolver({ projectDir: '/u', appDirs: { app_a: 'apps/app_a' }, fileExists: (p) => p === '/u/apps/app_a/lib/x.ex' });
    const rel = readStructured(JSON.stringify({ status: 'noop', diagnostics: [d({ file: 'lib/x.ex', severity: 'warning', position: [1], message: 'm' })] }), umbrella);
    assert.equal(rel?.diagnostics[0]?.file, '/u/apps/app_a/lib/x.ex');

    for (const bad of ['', 'not json', '[]', 'null', '{"diagnostics": 3}', '{"status": "ok"}']) assert.equal(readStructured(bad, paths), undefined, bad);
    const junk = read([
      null,
      7,
      'x',
      [],
      d({ severity: 'fatal', message: 'unknown severity' }),
      d({ message: 42 }),
      d({ message: '   ' }),
      d({ severity: 'warning', message: 'ok', position: [1e300, -4], span: 'x', frames: 'nope', exception: { evil: true } }),
      d({ severity: 'warning', message: 'x'.repeat(100_000), position: ['1'] }),
      { __proto__: { polluted: true }, severity: 'warning', message: 'proto', position: [2] },
    ]);
    assert.deepEqual(
      junk?.diagnostics.map((x) => [x.line, x.column, x.message.length, x.code]),
      [
        [0, undefined, 2, undefined],
        [0, undefined, 4003, undefined],
        [2, undefined, 5, undefined],
      ],
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
