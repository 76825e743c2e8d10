/** Glob, Grep and LS, each case run with ripgrep and with the JS fallback: same answers. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ripgrepOnPath } from '../../../src/core/tools/ripgrep';
import type { ToolContext } from '../../../src/core/tools/types';
import { call, makeWorkspace, type Workspace } from './helpers';

const rg = ripgrepOnPath();

for (const backend of ['ripgrep', 'js'] as const) {
  describe(`Glob and Grep (${backend})`, function () {
    let ws: Workspace;
    let ctx: ToolContext;
    before(function () {
      if (backend === 'ripgrep' && !rg) this.skip();
      ws = makeWorkspace({ ripgrepPath: backend === 'ripgrep' ? rg : null });
      ctx = ws.ctx;
      ws.file('.gitignore', '/deps\n_build/\n*.log\n!keep.log\n');
      ws.file('mix.exs', 'defmodule App.MixProject do\n  use Mix.Project\nend\n');
      ws.file('.formatter.exs', '[inputs: ["*.exs"]]\n');
      ws.file('lib/app.ex', 'defmodule App do\n  def hello, do: :world\n\n  def bye, do: :world\nend\n');
      ws.file('lib/app_web/live/page_live.ex', 'defmodule AppWeb.PageLive do\n  use AppWeb, :live_view\n  def mount(_, _, s), do: {:ok, s}\nend\n');
      ws.file('test/app_test.exs', 'defmodule AppTest do\n  use ExUnit.Case\n  test "hello", do: assert App.hello() == :world\nend\n');
      ws.file('deps/phoenix/lib/phoenix.ex', 'defmodule Phoenix do\n  def hello, do: :dep\nend\n');
      ws.file('_build/dev/x.ex', 'def hello');
      ws.file('debug.log', 'hello from log');
      ws.file('keep.log', 'hello kept');
      ws.file('priv/blob.bin', Buffer.from('hello\0binary'));
      // Distinct mtimes, newest last written.
      const files = ['mix.exs', '.formatter.exs', 'test/app_test.exs', 'lib/app_web/live/page_live.ex', 'lib/app.ex'];
      files.forEach((f, i) => fs.utimesSync(ws.path(f), 1_700_000_000 + i * 100, 1_700_000_000 + i * 100));
    });
    after(() => ws?.cleanup());

    it('Glob matches with glob semantics, newest first, skipping ignored files', async () => {
      assert.deepEqual(
        await Promise.all([
          call('Glob', { pattern: '**/*.ex' }, ctx),
          call('Glob', { pattern: '*.exs' }, ctx),
          call('Glob', { pattern: '{lib,test}/**/*.{ex,exs}' }, ctx),
          call('Glob', { pattern: '*.ex', path: ws.path('lib') }, ctx),
          call('Glob', { pattern: '**/*.rs' }, ctx),
        ]),
        [
          { ok: true, text: [ws.path('lib/app.ex'), ws.path('lib/app_web/live/page_live.ex')].join('\n') },
          { ok: true, text: [ws.path('.formatter.exs'), ws.path('mix.exs')].join('\n') },
          { ok: true, text: [ws.path('lib/app.ex'), ws.path('lib/app_web/live/page_live.ex'), ws.path('test/app_test.exs')].join('\n') },
          { ok: true, text: ws.path('lib/app.ex') },
          { ok: true, text: `No files found matching **/*.rs in ${ws.root}.` },
        ],
      );
    });

    it('Glob caps at 100 files with a note', async () => {
      for (let i = 0; i < 105; i++) ws.file(`many/f${i}.txt`, '');
      const r = await call('Glob', { pattern: 'many/*.txt' }, ctx);
      assert.equal(r.text.split('\n').filter((l) => l.startsWith('/')).length, 100);
      assert.match(r.text, /\(Showing 100 of 105 matching files \(the most recently modified\)\. Use a more specific pattern or path to narrow the search\.\)$/);
      fs.rmSync(ws.path('many'), { recursive: true });
    });

    it('Grep lists matching files newest first (default), honouring .gitignore and skipping binaries', async () => {
      assert.deepEqual(await call('Grep', { pattern: 'hello' }, ctx), {
        ok: true,
        text: ['Found 3 files', ws.path('keep.log'), ws.path('lib/app.ex'), ws.path('test/app_test.exs')].join('\n'),
      });
    });

    it('Grep content mode: line numbers, context, case, glob and type filters', async () => {
      assert.deepEqual(
        await Promise.all([
          call('Grep', { pattern: 'def \\w+, do: :world', output_mode: 'content', path: ws.path('lib') }, ctx),
          call('Grep', { pattern: 'HELLO', '-i': true, output_mode: 'content', glob: '*.exs', '-n': false }, ctx),
          call('Grep', { pattern: 'def hello', output_mode: 'content', '-A': 1, type: 'elixir' }, ctx),
          call('Grep', { pattern: 'bye', output_mode: 'content', '-C': 1, path: ws.path('lib/app.ex') }, ctx),
        ]),
        [
          { ok: true, text: `${ws.path('lib/app.ex')}:2:  def hello, do: :world\n${ws.path('lib/app.ex')}:4:  def bye, do: :world` },
          { ok: true, text: `${ws.path('test/app_test.exs')}:  test "hello", do: assert App.hello() == :world` },
          { ok: true, text: `${ws.path('lib/app.ex')}:2:  def hello, do: :world\n${ws.path('lib/app.ex')}-3-` },
          { ok: true, text: `${ws.path('lib/app.ex')}-3-\n${ws.path('lib/app.ex')}:4:  def bye, do: :world\n${ws.path('lib/app.ex')}-5-end` },
        ],
      );
    });

    it('Grep count mode, multiline, head_limit and offset', async () => {
      assert.deepEqual(
        await Promise.all([
          call('Grep', { pattern: 'world', output_mode: 'count', path: ws.path('lib') }, ctx),
          call('Grep', { pattern: 'hello.*\\n.*\\n.*bye', multiline: true, output_mode: 'content' }, ctx),
          call('Grep', { pattern: 'def', output_mode: 'content', head_limit: 1, path: ws.path('lib/app.ex') }, ctx),
          call('Grep', { pattern: 'defmodule', head_limit: 1, offset: 1 }, ctx),
        ]),
        [
          { ok: true, text: `${ws.path('lib/app.ex')}:2\n\nFound 2 matching lines in 1 file.` },
          { ok: true, text: [2, 3, 4].map((n) => `${ws.path('lib/app.ex')}:${n}:${['  def hello, do: :world', '', '  def bye, do: :world'][n - 2]}`).join('\n') },
          { ok: true, text: `${ws.path('lib/app.ex')}:1:defmodule App do\n\n(Results were cut: showing 1 lines. Narrow the search with path, glob or type, or page with offset and head_limit.)` },
          {
            ok: true,
            text: `Found 4 files\n${ws.path('lib/app_web/live/page_live.ex')}\n\n(Results were cut: showing 1 entries after skipping 1. Narrow the search with path, glob or type, or page with offset and head_limit.)`,
          },
        ],
      );
    });

    it('Grep reports no matches, bad regexes and unknown types clearly', async () => {
      const [none, bad, type] = await Promise.all([
        call('Grep', { pattern: 'zzz_nothing' }, ctx),
        call('Grep', { pattern: 'def (' }, ctx),
        call('Grep', { pattern: 'x', type: 'nosuchtype' }, ctx),
      ]);
      assert.deepEqual(none, { ok: true, text: `No files found for "zzz_nothing" in ${ws.root}.` });
      assert.deepEqual([bad.ok, type.ok], [false, false]);
      assert.match(bad.text, backend === 'ripgrep' ? /^Grep failed: regex parse error/ : /^Invalid regular expression "def \("/);
      assert.match(type.text, /nosuchtype/);
    });
  });
}

describe('Grep (ripgrep): each line shown is checked against the file', function () {
  let ws: Workspace;
  before(function () {
    if (!rg) this.skip();
    ws = makeWorkspace({ ripgrepPath: rg });
  });
  after(() => ws?.cleanup());

  it('keeps lines of files with a BOM, CRLF line ends and a line cut by ripgrep\'s column limit', async () => {
    const bom = ws.file('bom.ex', '\uFEFFneedle one\r\nplain\r\nneedle two\r\n');
    const long = ws.file('long.ex', `a${'é'.repeat(300)} needle\nshort needle\n`);
    const r = await call('Grep', { pattern: 'needle', output_mode: 'content', '-C': 1, '-n': false, path: ws.root }, ws.ctx);
    assert.deepEqual(r.text.split('\n').sort(), [
      '--',
      `${bom}-plain`,
      `${bom}:needle one`,
      `${bom}:needle two`,
      `${long}:a${'é'.repeat(300)} needle [... omitted end of long line]`,
      `${long}:short needle`,
    ]);
  });
});

describe('LS', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
    ws.file('.gitignore', 'deps/\n');
    ws.file('mix.exs', '');
    ws.file('lib/app.ex', '');
    ws.file('lib/app/repo.ex', '');
    ws.file('deps/phoenix/mix.exs', '');
    ws.file('assets/node_modules/x/index.js', '');
  });
  afterEach(() => ws.cleanup());

  it('lists a tree, shows ignored folders unexpanded, and applies ignore globs', async () => {
    assert.deepEqual(await call('LS', { path: ws.root, ignore: ['node_modules'] }, ws.ctx), {
      ok: true,
      text: [`- ${ws.root}/`, '  - .gitignore', '  - assets/', '  - deps/ (ignored by .gitignore, not expanded)', '  - lib/', '    - app/', '      - repo.ex', '    - app.ex', '  - mix.exs'].join('\n'),
    });
    assert.deepEqual(await call('LS', { path: ws.path('deps') }, ws.ctx), { ok: true, text: [`- ${ws.path('deps')}/`, '  - phoenix/', '    - mix.exs'].join('\n') });
  });

  it('caps long listings with a note and rejects files', async () => {
    for (let i = 0; i < 1005; i++) ws.file(`big/f${String(i).padStart(4, '0')}`, '');
    const r = await call('LS', { path: ws.path('big') }, ws.ctx);
    assert.equal(r.text.split('\n').filter((l) => l.startsWith('  - ')).length, 1000);
    assert.match(r.text, /\(Listing stopped at 1000 entries\. List a subfolder, or use Glob with a pattern, to see the rest\.\)$/);
    assert.deepEqual(await call('LS', { path: ws.path('mix.exs') }, ws.ctx), { ok: false, text: `${ws.path('mix.exs')} is a file; give a directory.` });
  });
});
