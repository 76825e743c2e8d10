import * as assert from 'node:assert/strict';
import {
  askAboutSelectionMessage,
  explainSelectionMessage,
  fenced,
  fixDiagnosticMessage,
  fixProblemsMessage,
  inlineCode,
  moduleAt,
  reviewFileMessage,
  testPathFor,
  writeTestsMessage,
  type EditorFacts,
  type PromptDiagnostic,
} from '../../../src/core/elixir/prompts';

const COUNTER = [
  'defmodule PlainMix.Counter do',
  '  @moduledoc "Counts the words of a sentence."',
  '',
  '  def count_words(sentence) do',
  '    unused = :this_variable_is_never_used',
  '',
  '    sentence',
  '    |> String.split()',
  '    |> length()',
  '  end',
  'end',
  '',
].join('\n');

const unused: PromptDiagnostic = {
  line: 5,
  column: 5,
  severity: 'Warning',
  message: 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)',
  source: 'mix',
};
const undefinedFun: PromptDiagnostic = { line: 8, column: 8, severity: 'Error', message: 'undefined function spilt/1', source: 'ElixirLS', code: 'undefined' };

const facts = (extra: Partial<EditorFacts> = {}): EditorFacts => ({
  path: 'lib/plain_mix/counter.ex',
  languageId: 'elixir',
  text: COUNTER,
  diagnostics: [unused, undefinedFun],
  ...extra,
});
const selection = { startLine: 4, endLine: 10, text: COUNTER.split('\n').slice(3, 10).join('\n') };

describe('first messages of the editor actions', () => {
  it('Fix problems: the file, each diagnostic (errors first) with its code line, and how to check', () => {
    assert.equal(
      fixProblemsMessage(facts()),
      [
        'Fix the 2 problems reported in `lib/plain_mix/counter.ex`:',
        '',
        '1. Error at line 8, column 8 (ElixirLS undefined): undefined function spilt/1',
        '   Code: `|> String.split()`',
        '2. Warning at line 5, column 5 (mix): variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)',
        '   Code: `unused = :this_variable_is_never_used`',
        '',
        'Fix the causes rather than silencing them, keep the changes minimal, and check the file again with mcp__ide__getDiagnostics (or `mix compile`) when done.',
      ].join('\n'),
    );
    assert.equal(fixProblemsMessage(facts({ diagnostics: [] })), undefined, 'nothing to fix: the command says so instead');
  });

  it('Explain selection: path, line numbers, the code fenced as elixir, problems inside the selection', () => {
    assert.equal(
      explainSelectionMessage(facts({ selection })),
      [
        'Explain this code from `lib/plain_mix/counter.ex` (lines 4-10):',
        '',
        '```elixir',
        '  def count_words(sentence) do',
        '    unused = :this_variable_is_never_used',
        '',
        '    sentence',
        '    |> String.split()',
        '    |> length()',
        '  end',
        '```',
        '',
        'What does it do, how does it fit into its module and the rest of the app, and is there anything surprising or risky in it?',
        '',
        'Problems reported in these lines:',
        '1. Error at line 8, column 8 (ElixirLS undefined): undefined function spilt/1',
        '   Code: `|> String.split()`',
        '2. Warning at line 5, column 5 (mix): variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)',
        '   Code: `unused = :this_variable_is_never_used`',
      ].join('\n'),
    );
    assert.equal(explainSelectionMessage(facts()), undefined);
    assert.equal(explainSelectionMessage(facts({ selection: { startLine: 1, endLine: 1, text: '   ' } })), undefined);
  });

  it("Ask about selection: the user's question first, then the code", () => {
    const one = { startLine: 5, endLine: 5, text: '    unused = :this_variable_is_never_used' };
    assert.equal(
      askAboutSelectionMessage(facts({ selection: one, languageId: 'phoenix-heex' }), '  Why is this here? '),
      'Why is this here?\n\nThe code, from `lib/plain_mix/counter.ex` (line 5):\n\n```heex\n    unused = :this_variable_is_never_used\n```',
    );
    assert.match(askAboutSelectionMessage(facts({ selection: one }), '') ?? '', /^About this code:\n\nThe code, from/);
  });

  it('Write tests: the module at the cursor, the test file to use, how to run it', () => {
    assert.equal(
      writeTestsMessage(facts()),
      [
        'Write ExUnit tests for `PlainMix.Counter` (`lib/plain_mix/counter.ex`).',
        '',
        'Put them in `test/plain_mix/counter_test.exs` (create it, or extend it if it exists) and run `mix test test/plain_mix/counter_test.exs` until they pass.',
        "Cover the public functions' behaviour, edge cases and error paths; group related assertions and pattern-match whole results rather than one assertion per field; follow the project's existing test setup (test/test_helper.exs, test/support).",
      ].join('\n'),
    );
    const umbrella = writeTestsMessage(facts({ path: 'apps/shop/lib/shop/cart.ex', text: 'defmodule Shop.Cart do\nend\n', selection: { startLine: 1, endLine: 1, text: 'defmodule Shop.Cart do' } }));
    assert.match(umbrella, /^Write ExUnit tests for `Shop\.Cart` \(`apps\/shop\/lib\/shop\/cart\.ex`\)\.\n\nPut them in `apps\/shop\/test\/shop\/cart_test\.exs`/);
    assert.match(umbrella, /\n\nFocus on this part, from `apps\/shop\/lib\/shop\/cart\.ex` \(line 1\):\n\n```elixir\ndefmodule Shop\.Cart do\n```$/);
    assert.match(writeTestsMessage(facts({ path: 'scripts/x.exs', text: '' })), /^Write ExUnit tests for `scripts\/x\.exs`\.\n\nPut them in the matching file under test\//);
  });

  it('Review file: what to look for, no edits until agreed, and the current problems', () => {
    const msg = reviewFileMessage(facts({ diagnostics: [unused] }));
    assert.match(msg, /^Review `lib\/plain_mix\/counter\.ex`\.\n\nLook for bugs, .* Do not edit the file until I agree\.\n\nProblems currently reported in the file:\n1\. Warning at line 5, column 5 \(mix\): variable "unused"/);
    assert.doesNotMatch(reviewFileMessage(facts({ diagnostics: [] })), /Problems currently/);
  });

  it('Ask Elixir Agent to fix: one diagnostic with the lines around it', () => {
    assert.equal(
      fixDiagnosticMessage(facts(), unused, 2),
      [
        'Fix this problem in `lib/plain_mix/counter.ex`:',
        '',
        'Warning at line 5, column 5 (mix): variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)',
        '',
        'The code around it (lines 3-7):',
        '',
        '```elixir',
        '',
        '  def count_words(sentence) do',
        '    unused = :this_variable_is_never_used',
        '',
        '    sentence',
        '```',
        '',
        'Fix the cause with a minimal change, then check the file with mcp__ide__getDiagnostics.',
      ].join('\n'),
    );
  });

  it('helpers: fences and inline code survive backticks; modules and test paths', () => {
    assert.equal(fenced('a = ~S```x```', 'elixir'), '````elixir\na = ~S```x```\n````');
    assert.equal(fenced('x', 'weird lang!'), '```\nx\n```');
    assert.equal(inlineCode('`x`'), '`` `x` ``');
    const nested = 'defmodule A do\n  defmodule B do\n    def f, do: 1\n  end\nend\ndefmodule C do\nend\n';
    assert.deepEqual([moduleAt(nested, 3), moduleAt(nested, 7), moduleAt(nested), moduleAt('x = 1')], ['A.B', 'C', 'C', undefined]);
    assert.deepEqual(
      ['lib/a.ex', 'lib/a/b.ex', 'apps/x/lib/y.ex', 'test/a_test.exs', 'mix.exs', 'lib\\win\\c.ex'].map(testPathFor),
      ['test/a_test.exs', 'test/a/b_test.exs', 'apps/x/test/y_test.exs', undefined, undefined, 'test/win/c_test.exs'],
    );
  });
});
