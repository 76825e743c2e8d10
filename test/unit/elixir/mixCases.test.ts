/**
 * What real projects make mix say, against the REAL mix of this machine
 * (Elixir 1.14), through both of runMixCompile's paths: mix's structured
 * diagnostics (the bootstrap task) and the printed-output fallback. Small
 * projects written here: an exception raised in a module body, a missing
 * `end` and its HINT, warnings_as_errors, a `compile` alias, an umbrella whose
 * apps both have lib/helper.ex (first run, replay, one app alone), and a
 * mix.exs that would write a file if anything ran it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { elixirFor, runMixCompile, type MixCompileResult } from '../../../src/core/elixir/mixCompile';
import { mixDiagnosticsProvider } from '../../../src/core/ide';

let tmp: string;
function project(name: string, files: Record<string, string>): string {
  const root = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}
const mixExs = (app: string, extra = '') =>
  `defmodule ${app.charAt(0).toUpperCase()}${app.slice(1)}.MixProject do\n  use Mix.Project\n  def project, do: [app: :${app}, version: "0.1.0", elixir: "~> 1.14", deps: []${extra}]\nend\n`;
const unusedVar = (name: string) => `variable "${name}" is unused (if the variable is not meant to be used, prefix it with an underscore)`;
/** [file, line, severity, code, message] sorted by file and line: mix's order between files is not fixed. */
const brief = (r: MixCompileResult, root: string) =>
  r.diagnostics.map((d) => [path.relative(root, d.file), d.line, d.severity, d.code, d.message]).sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
/** Compiles with mix's structured diagnostics, then (same files, warm) from its printed output: both must say the same. */
async function bothWays(root: string, app: { app?: string; apps?: Array<{ name: string; root: string; deps: string[] }> } = {}) {
  const p = { root, app: app.app, apps: app.apps ?? [] };
  const structured = await runMixCompile({ project: p });
  const printed = await runMixCompile({ project: p, textOnly: true });
  assert.deepEqual([structured.structured, printed.structured], [true, false]);
  assert.deepEqual(brief(printed, root), brief(structured, root), 'the printed-output fallback agrees with the structured diagnostics');
  return structured;
}

describe('real projects through mix (Elixir on this machine)', function () {
  this.timeout(240_000);
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-mixcases-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('an exception in a module body, a missing `end`, warnings_as_errors and a `compile` alias', async () => {
    const root = project('demo', {
      'mix.exs': mixExs('demo'),
      'lib/demo.ex': 'defmodule Demo do\n  @port String.to_integer("80a")\n  def port, do: @port\nend\n',
      'lib/ok.ex': 'defmodule Demo.Ok do\n  def f(x) do\n    unused = 1\n    x\n  end\nend\n',
    });
    const warning = ['lib/ok.ex', 3, 'warning', undefined, unusedVar('unused')];
    const raised = await bothWays(root, { app: 'demo' });
    assert.deepEqual(brief(raised, root), [
      ['lib/demo.ex', 2, 'error', 'ArgumentError', '(ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a textual representation of an integer'],
      warning,
    ]);
    assert.equal(raised.firstCompile, true);

    fs.writeFileSync(path.join(root, 'lib/demo.ex'), 'defmodule Demo do\n  def start do\n    :ok\n\n  def stop do\n    :ok\n  end\nend\n');
    const missingEnd = await bothWays(root, { app: 'demo' });
    const error = missingEnd.diagnostics.find((d) => d.severity === 'error');
    assert.deepEqual([error?.line, error?.column, error?.code, error?.message, error?.related], [
      9,
      1,
      'TokenMissingError',
      'missing terminator: end (for "do" starting at line 1)\n\nHINT: it looks like the "do" on line 2 does not have a matching "end"',
      [{ file: path.join(root, 'lib/demo.ex'), line: 2, message: 'it looks like the "do" on line 2 does not have a matching "end"' }],
    ]);

    fs.writeFileSync(path.join(root, 'lib/demo.ex'), 'defmodule Demo do\n  def port, do: 80\nend\n');
    fs.writeFileSync(path.join(root, 'mix.exs'), mixExs('demo', ', elixirc_options: [warnings_as_errors: true]'));
    const strict = await bothWays(root, { app: 'demo' });
    assert.notEqual(strict.exitCode, 0);
    assert.deepEqual(brief(strict, root), [['lib/ok.ex', 3, 'error', undefined, unusedVar('unused')]], 'the warning is the error; nothing on mix.exs repeats it');

    // An alias of `compile` runs something after it: the diagnostics are still mix's.
    fs.writeFileSync(path.join(root, 'mix.exs'), mixExs('demo', ', aliases: [compile: ["compile", fn _ -> IO.puts("after compile") end]]'));
    const aliased = await runMixCompile({ project: { root, app: 'demo', apps: [] } });
    assert.deepEqual([aliased.structured, brief(aliased, root)], [true, [warning]]);
  });

  it('an umbrella whose apps both have lib/helper.ex: every warning on its own app, first run and replays; one app alone', async () => {
    const app = (name: string, mod: string, deps: string) =>
      `defmodule ${mod}.MixProject do\n  use Mix.Project\n  def project, do: [app: :${name}, version: "0.1.0", build_path: "../../_build", config_path: "../../config/config.exs", deps_path: "../../deps", lockfile: "../../mix.lock", elixir: "~> 1.14", deps: ${deps}]\nend\n`;
    const root = project('umbrella', {
      'mix.exs': 'defmodule Umbrella.MixProject do\n  use Mix.Project\n  def project, do: [apps_path: "apps", version: "0.1.0", deps: []]\nend\n',
      'config/config.exs': 'import Config\n',
      'apps/app_a/mix.exs': app('app_a', 'AppA', '[{:app_b, in_umbrella: true}]'),
      'apps/app_b/mix.exs': app('app_b', 'AppB', '[]'),
      'apps/app_a/lib/helper.ex': 'defmodule AppA.Helper do\n  def a(x) do\n    unused_a = 1\n    x\n  end\nend\n',
      'apps/app_b/lib/helper.ex': 'defmodule AppB.Helper do\n  def b(x) do\n\n    unused_b = 1\n    x\n  end\nend\n',
    });
    const apps = ['app_a', 'app_b'].map((name) => ({ name, root: path.join(root, 'apps', name), deps: [] }));
    const expected = [
      ['apps/app_a/lib/helper.ex', 3, 'warning', undefined, unusedVar('unused_a')],
      ['apps/app_b/lib/helper.ex', 4, 'warning', undefined, unusedVar('unused_b')],
    ];
    const first = await runMixCompile({ project: { root, apps } });
    assert.deepEqual([first.structured, brief(first, root)], [true, expected]);
    // The second run replays the stored warnings without `==> app`: both ways agree.
    assert.deepEqual(brief(await bothWays(root, { apps }), root), expected);

    const appA = path.join(root, 'apps/app_a');
    assert.deepEqual(brief(await runMixCompile({ project: { root: appA, app: 'app_a', apps: [] }, textOnly: true }), appA), [['lib/helper.ex', 3, 'warning', undefined, unusedVar('unused_a')]]);
    fs.rmSync(path.join(appA, '_build'), { recursive: true, force: true });
    assert.deepEqual(brief(await runMixCompile({ project: { root: appA, app: 'app_a', apps: [] } }), appA), [['lib/helper.ex', 3, 'warning', undefined, unusedVar('unused_a')]]);
  });

  it('the elixir that goes with a mix: on PATH for `mix`, next to a mix path, none for a wrapper (then the printed output)', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'bin-'));
    fs.writeFileSync(path.join(dir, 'mix'), '#!/bin/sh\nexec mix "$@"\n', { mode: 0o755 });
    assert.deepEqual([elixirFor('mix'), elixirFor(path.join(dir, 'mix')), elixirFor('mix-wrapper')], ['elixir', undefined, undefined]);
    fs.writeFileSync(path.join(dir, 'elixir'), '#!/bin/sh\nexec elixir "$@"\n', { mode: 0o755 });
    assert.equal(elixirFor(path.join(dir, 'mix')), path.join(dir, 'elixir'));
  });

  it('headless without permission to run the project’s code: nothing runs, and the reason is given', async () => {
    const root = project('hostile', {
      'mix.exs': `File.write!(Path.join(__DIR__, "pwned"), "mix.exs ran")\n${mixExs('hostile')}`,
      'lib/hostile.ex': 'defmodule Hostile do\n  def f(x) do\n    unused = 1\n    x\n  end\nend\n',
    });
    const reason = 'this run may not run the project’s code.';
    const refused = mixDiagnosticsProvider([{ root, app: 'hostile', apps: [] }], { compile: { allowed: false, reason } });
    assert.deepEqual(await refused.refresh({ signal: new AbortController().signal }), { kind: 'not-compiled', reason });
    assert.deepEqual(await refused.get(), []);
    assert.deepEqual([fs.existsSync(path.join(root, 'pwned')), fs.existsSync(path.join(root, '_build'))], [false, false]);

    const allowed = mixDiagnosticsProvider([{ root, app: 'hostile', apps: [] }]);
    const progress: string[] = [];
    const outcome = await allowed.refresh({ signal: new AbortController().signal, onProgress: (s) => progress.push(s) });
    assert.equal(outcome.kind, 'compiled');
    assert.equal(progress[0], 'first compile of hostile (dependencies included): it can take minutes');
    assert.deepEqual((await allowed.get()).map((f) => [path.basename(f.uri), f.diagnostics.map((d) => d.message)]), [['hostile.ex', [unusedVar('unused')]]]);
    assert.equal(fs.existsSync(path.join(root, 'pwned')), true, 'with permission, compiling runs mix.exs (which is why it needs one)');

    const nothing = await mixDiagnosticsProvider([]).refresh({ signal: new AbortController().signal });
    assert.deepEqual(nothing, { kind: 'not-compiled', reason: 'there is no mix project (mix.exs) here, so there is nothing to compile.' });
  });
});
