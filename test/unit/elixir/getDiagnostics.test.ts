import * as assert from 'node:assert/strict';
import { capDiagnostics, diagnosticsAfterEdit, GET_DIAGNOSTICS, getDiagnosticsTool, ideTools, normalizeUri, selectFile, toFileDiagnostics } from '../../../src/core/ide';
import type { DiagnosticsProvider, FileDiagnostics, ToolContext } from '../../../src/core/tools/types';

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
    assert.deepEqual(JSON.parse(texts(all)[0]), files);
    assert.equal(all.display?.summary, '3 problems (1 error)');
    assert.deepEqual(provider.settled, [undefined], 'waits for diagnostics to settle first');
  });

  it('one file by URI, absolute path or relative path; a clean file is an empty list', async () => {
    const provider = fixed(files);
    const tool = getDiagnosticsTool();
    for (const uri of ['file:///ws/lib/a.ex', '/ws/lib/a.ex', 'lib/a.ex']) {
      const r = await tool.invoke({ uri }, context(provider));
      assert.deepEqual(JSON.parse(texts(r)[0]), [files[0]], uri);
    }
    assert.deepEqual(provider.asked, ['file:///ws/lib/a.ex', 'file:///ws/lib/a.ex', 'file:///ws/lib/a.ex']);
    const clean = await tool.invoke({ uri: 'file:///ws/lib/clean.ex' }, context(provider));
    assert.deepEqual(JSON.parse(texts(clean)[0]), [{ uri: 'file:///ws/lib/clean.ex', diagnostics: [] }]);
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
    const [json, note] = texts(r);
    assert.deepEqual(JSON.parse(json), [
      { uri: 'file:///ws/a.ex', diagnostics: [diag('Warning', 1), diag('Warning', 2)] },
      { uri: 'file:///ws/b.ex', diagnostics: [diag('Error', 7)] },
      { uri: 'file:///ws/c.ex', diagnostics: [diag('Error', 2)] },
    ]);
    assert.equal(note, 'Showing 4 of 8 diagnostics, most severe first. Left out: 1 warning, 1 information, 2 hints in 2 files. Pass a file URI as `uri` to get all of one file.');
    const long = capDiagnostics([{ uri: 'file:///x', diagnostics: [diag('Error', 0, 'x'.repeat(5000))] }]);
    assert.equal(long.files[0].diagnostics[0].message.length, 2003);
  });

  it('explains a missing provider, a bad uri, a failing provider, and stops when cancelled', async () => {
    const tool = getDiagnosticsTool();
    const none = await tool.invoke({}, context());
    assert.deepEqual([none.isError, texts(none)[0]], [true, 'Diagnostics are not available here: no editor or mix project is connected.']);
    const bad = await tool.invoke({ uri: 42 as unknown as string }, context(fixed(files)));
    assert.deepEqual([bad.isError, texts(bad)[0]], [true, '`uri` must be a string (a file URI such as file:///path/to/lib/foo.ex).']);
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
    assert.deepEqual([cancelled.isError, texts(cancelled)[0]], [true, 'Cancelled.']);
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
