import * as assert from 'node:assert/strict';
import { capDiagnostics, diagnosticsAfterEdit, GET_DIAGNOSTICS, getDiagnosticsTool, ideTools, normalizeUri, selectFile, toFileDiagnostics } from '../../../src/core/ide';
import type { DiagnosticsProvider, FileDiagnostics, RefreshOutcome, RefreshRequest, ToolContext } from '../../../src/core/tools/types';

type Diag = FileDiagnostics['diagnostics'][number];
const diag = (severity: Diag['severity'], line: number, message = `${severity} ${line}`): Diag => ({
  message,
  severity,
  range: { start: { line, character: 0 }, end: { line, character: 3 } },
  source: 'test',
});

function context(provider?: DiagnosticsProvider, signal = new AbortController().signal): ToolContext {
  return {
    workspaceFolders: ['/ws'],
    cwd: '/ws',
    signal,
    files: { readText: async () => ({ text: '', version: '' }), version: async () => undefined, writeText: async () => undefined },
    reads: { markRead: () => undefined, lastRead: () => undefined },
    services: provider ? { diagnostics: provider } : {},
  };
}

/** A provider over fixed data that records what it was asked. */
function fixed(files: FileDiagnostics[]): DiagnosticsProvider & { asked: Array<string | undefined>; settled: Array<string | undefined> } {
  const asked: Array<string | undefined> = [];
  const settled: Array<string | undefined> = [];
  return {
    asked,
    settled,
    async settle(uri) {
      settled.push(uri);
    },
    async get(uri) {
      asked.push(uri);
      return selectFile(files, uri);
    },
  };
}

const texts = (r: { content: Array<{ type: string; text?: string }> }): string[] => r.content.map((c) => (c.type === 'text' ? (c.text ?? '') : c.type));
/** The text of item `i` of a result; fails the test when the result has no such item. */
const textAt = (r: { content: Array<{ type: string; text?: string }> }, i = 0): string => {
  const text = texts(r)[i];
  assert.ok(text !== undefined, `item ${i} of ${JSON.stringify(r.content)}`);
  return text;
};

describe('mcp__ide__getDiagnostics', () => {
  const files: FileDiagnostics[] = [
    { uri: 'file:///ws/lib/a.ex', diagnostics: [diag('Warning', 4), { ...diag('Error', 9), code: 'CompileError' }] },
    { uri: 'file:///ws/lib/b.ex', diagnostics: [diag('Hint', 1)] },
  ];

  it("has Claude Code's name, input and output: one text item with the JSON array", async () => {
    const tool = getDiagnosticsTool();
    assert.deepEqual(
      { name: tool.name, kind: tool.kind, readOnly: tool.readOnly, schema: tool.inputSchema },
      {
        name: GET_DIAGNOSTICS,
        kind: 'read',
        readOnly: true,
        schema: {
          type: 'object',
          properties: { uri: { type: 'string', description: 'Optional file URI to get diagnostics for. If not provided, gets diagnostics for all files.' } },
          additionalProperties: false,
        },
      },
    );
    const provider = fixed(files);
    const all = await tool.invoke({}, context(provider));
    assert.equal(all.isError, undefined);
    assert.deepEqual(all.content.length, 1);
    assert.deepEqual(JSON.parse(textAt(all)), files);
    assert.equal(all.display?.summary, '3 problems (1 error)');
    assert.deepEqual(provider.settled, [undefined], 'waits for diagnostics to settle first');
  });

  it('one file by URI, absolute path or relative path; a clean file is an empty list', async () => {
    const provider = fixed(files);
    const tool = getDiagnosticsTool();
    for (const uri of ['file:///ws/lib/a.ex', '/ws/lib/a.ex', 'lib/a.ex']) {
      const r = await tool.invoke({ uri }, context(provider));
      assert.deepEqual(JSON.parse(textAt(r)), [files[0]], uri);
    }
    assert.deepEqual(provider.asked, ['file:///ws/lib/a.ex', 'file:///ws/lib/a.ex', 'file:///ws/lib/a.ex']);
    const clean = await tool.invoke({ uri: 'file:///ws/lib/clean.ex' }, context(provider));
    assert.deepEqual(JSON.parse(textAt(clean)), [{ uri: 'file:///ws/lib/clean.ex', diagnostics: [] }]);
    assert.equal(clean.display?.summary, 'No problems');
    assert.equal(normalizeUri('untitled:Untitled-1', '/ws'), 'untitled:Untitled-1');
    assert.equal(normalizeUri('/ws/a b.ex', '/ws'), 'file:///ws/a%20b.ex');
  });

  it('caps large results: errors first, files and lines keep their order, a note says what was left out', async () => {
    const many: FileDiagnostics[] = [
      { uri: 'file:///ws/a.ex', diagnostics: [diag('Hint', 0), diag('Warning', 1), diag('Warning', 2), diag('Information', 3)] },
      { uri: 'file:///ws/b.ex', diagnostics: [diag('Warning', 0), diag('Error', 7), diag('Hint', 8)] },
      { uri: 'file:///ws/c.ex', diagnostics: [diag('Error', 2)] },
    ];
    const r = await getDiagnosticsTool({ max: 4 }).invoke({}, context(fixed(many)));
    const [json, note] = [textAt(r, 0), texts(r)[1]];
    assert.deepEqual(JSON.parse(json), [
      { uri: 'file:///ws/a.ex', diagnostics: [diag('Warning', 1), diag('Warning', 2)] },
      { uri: 'file:///ws/b.ex', diagnostics: [diag('Error', 7)] },
      { uri: 'file:///ws/c.ex', diagnostics: [diag('Error', 2)] },
    ]);
    assert.equal(note, 'Showing 4 of 8 diagnostics, most severe first. Left out: 1 warning, 1 information, 2 hints in 2 files. Pass a file URI as `uri` to get all of one file.');
    const long = capDiagnostics([{ uri: 'file:///x', diagnostics: [diag('Error', 0, 'x'.repeat(5000))] }]);
    assert.equal(long.files[0]?.diagnostics[0]?.message.length, 2003);
  });

  it('explains a missing provider, a bad uri, a failing provider, and stops when cancelled', async () => {
    const tool = getDiagnosticsTool();
    const none = await tool.invoke({}, context());
    assert.deepEqual([none.isError, texts(none)[0]], [true, 'Diagnostics are not available here: no editor or mix project is connected.']);
    const bad = await tool.invoke({ uri: 42 as unknown as string }, context(fixed(files)));
    assert.deepEqual([bad.isError, texts(bad)[0]], [true, 'Parameter uri must be a string, got 42.']);
    const failing: DiagnosticsProvider = {
      get: async () => {
        throw new Error('mix was not found');
      },
    };
    const failed = await tool.invoke({}, context(failing));
    assert.deepEqual([failed.isError, texts(failed)[0]], [true, 'Could not read diagnostics: mix was not found']);
    const ac = new AbortController();
    ac.abort();
    const cancelled = await tool.invoke({}, context(fixed(files), ac.signal));
    assert.deepEqual([cancelled.isError, texts(cancelled)[0]], [true, 'mcp__ide__getDiagnostics was cancelled before it started.']);
  });

  it('ideTools() offers getDiagnostics and executeCode', () => {
    assert.deepEqual(
      ideTools().map((t) => [t.name, t.kind, t.readOnly]),
      [
        ['mcp__ide__getDiagnostics', 'read', true],
        ['mcp__ide__executeCode', 'execute', false],
      ],
    );
  });
});

describe('compiler diagnostics in the getDiagnostics shape', () => {
  it('groups by file URI, names severities, keeps codes, uses file text for ranges', () => {
    const lines: Record<string, string[]> = { '/ws/lib/a.ex': ['defmodule A do', '  def f(x), do: y'] };
    const out = toFileDiagnostics(
      [
        { file: '/ws/lib/a.ex', severity: 'error', message: 'undefined variable "y"', line: 2, column: 17, code: 'CompileError' },
        { file: '/ws/lib/b.ex', severity: 'hint', message: 'h', line: 0 },
        { file: '/ws/lib/a.ex', severity: 'warning', message: 'w', line: 2 },
      ],
      (file, line0) => lines[file]?.[line0],
    );
    assert.deepEqual(out, [
      {
        uri: 'file:///ws/lib/a.ex',
        diagnostics: [
          { message: 'undefined variable "y"', severity: 'Error', range: { start: { line: 1, character: 16 }, end: { line: 1, character: 17 } }, source: 'mix', code: 'CompileError' },
          { message: 'w', severity: 'Warning', range: { start: { line: 1, character: 2 }, end: { line: 1, character: 17 } }, source: 'mix' },
        ],
      },
      { uri: 'file:///ws/lib/b.ex', diagnostics: [{ message: 'h', severity: 'Hint', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, source: 'mix' }] },
    ]);
  });

  it('diagnosticsAfterEdit: the settled errors and warnings of one file, or nothing when clean', async () => {
    const provider = fixed([{ uri: 'file:///ws/lib/a.ex', diagnostics: [diag('Hint', 0), diag('Warning', 5, 'unused\nmore'), diag('Error', 2, 'broken')] }]);
    const after = diagnosticsAfterEdit(provider, (p) => `file://${p}`);
    assert.equal(await after('/ws/lib/a.ex', new AbortController().signal), 'Problems now reported in a.ex:\n- Error at line 3:1 [test]: broken\n- Warning at line 6:1 [test]: unused');
    assert.equal(await after('/ws/lib/clean.ex', new AbortController().signal), undefined);
    assert.deepEqual(provider.settled, ['file:///ws/lib/a.ex', 'file:///ws/lib/clean.ex']);
  });
});

describe('getDiagnostics refreshes first: it compiles, or says in words that it did not', () => {
  const warning: FileDiagnostics[] = [{ uri: 'file:///ws/lib/a.ex', diagnostics: [diag('Warning', 4, 'variable "x" is unused')] }];
  /** A provider whose refresh answers `outcome` (after reporting progress), recording what it was given. */
  function refreshing(files: FileDiagnostics[], outcome: RefreshOutcome | ((r: RefreshRequest) => Promise<RefreshOutcome>)) {
    const requests: RefreshRequest[] = [];
    const changed: string[] = [];
    const provider: DiagnosticsProvider = {
      async refresh(request) {
        requests.push(request);
        request.onProgress?.('compiling demo with mix');
        request.onOutput?.('Compiling 2 files (.ex)\n');
        return typeof outcome === 'function' ? outcome(request) : outcome;
      },
      changed: (p) => changed.push(p),
      get: async (uri) => selectFile(files, uri),
    };
    return { provider, requests, changed };
  }
  const NOT_ALLOWED: RefreshOutcome = { kind: 'not-compiled', reason: 'the workspace is in Restricted Mode.' };

  it('never answers [] when it did not compile: words instead, and other sources’ diagnostics with a caveat', async () => {
    const tool = getDiagnosticsTool();
    const none = await tool.invoke({}, context(refreshing([], NOT_ALLOWED).provider));
    assert.deepEqual([none.isError, texts(none), none.display?.summary], [
      undefined,
      ['The project was not compiled: the workspace is in Restricted Mode.\nSo there are no compiler diagnostics. This does NOT mean the code has no problems.'],
      'Not compiled',
    ]);
    const some = await tool.invoke({}, context(refreshing(warning, NOT_ALLOWED).provider));
    assert.equal(JSON.parse(textAt(some))[0].diagnostics[0].message, 'variable "x" is unused');
    assert.match(textAt(some, 1), /^The project was not compiled: .*\nThe diagnostics above come from other sources/);
    const failed = await tool.invoke({}, context(refreshing([], { kind: 'failed', reason: "'mix' was not found." }).provider));
    assert.deepEqual([failed.isError, textAt(failed).split('\n')[0]], [true, "The project could not be compiled: 'mix' was not found."]);
  });

  it('after compiling: the JSON, and for a first or long compile a note saying so; the card shows progress, then the time', async () => {
    const { provider, requests } = refreshing(warning, { kind: 'compiled', runs: [{ root: '/ws', ms: 83_400, firstCompile: true, joined: false }] });
    const progress: string[] = [];
    const output: string[] = [];
    const ctx = { ...context(provider), onProgress: (s: string) => progress.push(s), onOutput: (c: string) => output.push(c) };
    const r = await getDiagnosticsTool().invoke({ uri: 'lib/a.ex' }, ctx);
    assert.deepEqual(texts(r), [
      JSON.stringify(warning),
      'mix compiled the project before answering: the first compile of this project (dependencies included), 83 s. Later compiles are incremental.',
    ]);
    assert.deepEqual([requests[0]?.uri, progress, output, r.display?.summary], ['file:///ws/lib/a.ex', ['compiling demo with mix'], ['Compiling 2 files (.ex)\n'], '1 problem · compiled in 83 s']);
    const quick = await getDiagnosticsTool().invoke({}, context(refreshing([], { kind: 'compiled', runs: [{ root: '/ws', ms: 900, firstCompile: false, joined: true }] }).provider));
    assert.deepEqual([texts(quick), quick.display?.summary], [['[]'], 'No problems · compiled in 0.9 s']);
  });

  it('Stop during the compile cancels it and says so', async () => {
    const ac = new AbortController();
    const { provider } = refreshing(warning, async (request) => {
      ac.abort();
      assert.equal(request.signal.aborted, true, 'the tool passes its own signal');
      return { kind: 'compiled', runs: [] };
    });
    const r = await getDiagnosticsTool().invoke({}, context(provider, ac.signal));
    assert.deepEqual([r.isError, texts(r)[0]], [true, 'Cancelled.']);
  });

  it('after an edit: the file is marked changed, compiled, and its result says what mix found (or that it is clean)', async () => {
    const compiled: RefreshOutcome = { kind: 'compiled', runs: [{ root: '/ws', ms: 700, firstCompile: false, joined: false }] };
    const broken = refreshing([{ uri: 'file:///ws/lib/a.ex', diagnostics: [{ ...diag('Error', 8, 'missing terminator: end\n\nHINT: it looks like the "do" on line 2 does not have a matching "end"'), source: 'mix' }, diag('Warning', 2, 'unused\nmore')] }], compiled);
    const after = diagnosticsAfterEdit(broken.provider, (p) => `file://${p}`);
    assert.equal(
      await after('/ws/lib/a.ex', new AbortController().signal),
      'Problems now reported in a.ex (compiled with mix):\n- Error at line 9:1 [mix]: missing terminator: end\n\n  HINT: it looks like the "do" on line 2 does not have a matching "end"\n- Warning at line 3:1 [test]: unused',
    );
    assert.deepEqual([broken.changed, broken.requests[0]?.uri], [['/ws/lib/a.ex'], 'file:///ws/lib/a.ex']);
    const clean = diagnosticsAfterEdit(refreshing([], compiled).provider, (p) => `file://${p}`);
    assert.equal(await clean('/ws/lib/b.ex', new AbortController().signal), 'mix compile: no errors or warnings in b.ex.');
    const refused = diagnosticsAfterEdit(refreshing([], NOT_ALLOWED).provider, (p) => `file://${p}`);
    assert.equal(await refused('/ws/lib/b.ex', new AbortController().signal), 'Not compiled after this change: the workspace is in Restricted Mode.');
  });
});
