import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { call, makeWorkspace, run, type Workspace } from './helpers';

/** A real 1x1 PNG. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('Read', () => {
  let ws: Workspace;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());

  it('numbers lines from 1 with a tab, and marks the file as read', async () => {
    const p = ws.file('lib/app.ex', 'defmodule App do\n  def hi, do: :hi\nend\n');
    assert.deepEqual(await call('Read', { file_path: p }, ws.ctx), { ok: true, text: '1\tdefmodule App do\n2\t  def hi, do: :hi\n3\tend' });
    assert.ok(ws.ctx.reads.lastRead(p));
  });

  it('pages with offset and limit and says how to read on', async () => {
    const p = ws.file('big.txt', Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n'));
    assert.deepEqual(await call('Read', { file_path: p, offset: 4, limit: 2 }, ws.ctx), {
      ok: true,
      text: '4\tline 4\n5\tline 5\n\n(Showing lines 4-5 of 10. Use offset=6 to read more.)',
    });
    const past = await call('Read', { file_path: p, offset: 50 }, ws.ctx);
    assert.deepEqual(past, { ok: false, text: `${p} has 10 lines; offset 50 is past the end.` });
  });

  it('reads at most 2000 lines by default and cuts lines over 2000 characters', async () => {
    const p = ws.file('many.txt', Array.from({ length: 2500 }, (_, i) => (i === 0 ? 'x'.repeat(2600) : `l${i + 1}`)).join('\n'));
    const r = await call('Read', { file_path: p }, ws.ctx);
    const lines = r.text.split('\n');
    assert.equal(lines[0], `1\t${'x'.repeat(2000)}… [line truncated: 600 more characters]`);
    assert.equal(lines[1999], '2000\tl2000');
    assert.match(r.text, /\(Showing lines 1-2000 of 2500\. Use offset=2001 to read more\.\)$/);
  });

  it('gives notices for an empty file, and errors for directories, missing files and binaries', async () => {
    const empty = ws.file('empty.ex', '');
    const dir = ws.path('lib');
    ws.file('lib/Readme.md', 'x');
    const bin = ws.file('priv/blob.dat', Buffer.from([1, 2, 0, 3, 4]));
    const beam = ws.file('_build/App.beam', 'FOR1 text-looking beam');
    assert.deepEqual(
      await Promise.all([
        call('Read', { file_path: empty }, ws.ctx),
        call('Read', { file_path: dir }, ws.ctx),
        call('Read', { file_path: ws.path('lib/readme.md') }, ws.ctx),
        call('Read', { file_path: bin }, ws.ctx),
        call('Read', { file_path: beam }, ws.ctx),
      ]),
      [
        { ok: true, text: `(${empty} exists but is empty.)` },
        { ok: false, text: `${dir} is a directory, not a file. Use LS to list it or Glob to find files in it.` },
        { ok: false, text: `File does not exist: ${ws.path('lib/readme.md')}. Did you mean ${ws.path('lib/Readme.md')}?` },
        { ok: false, text: `${bin} is a binary file (5 bytes), not text; Read cannot show it. Use Bash (e.g. \`file\`, \`xxd | head\`) if you need to inspect it.` },
        { ok: false, text: `${beam} is a binary file (22 bytes), not text; Read cannot show it. Use Bash (e.g. \`file\`, \`xxd | head\`) if you need to inspect it.` },
      ],
    );
  });

  it('returns images as image blocks, typed by their bytes', async () => {
    const png = tinyPng();
    const p = ws.file('priv/static/logo.png', png);
    const fake = ws.file('priv/static/fake.jpg', 'not an image');
    const r = await run('Read', { file_path: p }, ws.ctx);
    assert.deepEqual(r.content, [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } }]);
    assert.deepEqual(await call('Read', { file_path: fake }, ws.ctx), { ok: false, text: `${fake} has an image extension but is not a PNG, JPEG, GIF or WebP image.` });
  });

  it('refuses to read a file over 256 KB whole but reads a part of it', async () => {
    const p = ws.file('log/dev.log', 'entry\n'.repeat(60_000));
    const whole = await call('Read', { file_path: p }, ws.ctx);
    assert.equal(whole.ok, false);
    assert.match(whole.text, /is 352 KB, more than the 256 KB Read returns at once\. Pass offset and limit/);
    assert.deepEqual(await call('Read', { file_path: p, offset: 59_999, limit: 5 }, ws.ctx), { ok: true, text: '59999\tentry\n60000\tentry' });
  });

  it('checks its parameters', async () => {
    assert.deepEqual(
      await Promise.all([
        call('Read', {}, ws.ctx),
        call('Read', { file_path: 'lib/app.ex' }, ws.ctx),
        call('Read', { file_path: ws.path('a'), limit: 'ten' }, ws.ctx),
        call('Read', { file_path: ws.path('a'), offset: -1 }, ws.ctx),
      ]),
      [
        { ok: false, text: 'Parameter file_path is required and must be a string.' },
        { ok: false, text: `file_path must be an absolute path, got "lib/app.ex". Did you mean ${ws.path('lib/app.ex')}?` },
        { ok: false, text: 'Parameter limit must be an integer, got "ten".' },
        { ok: false, text: 'Parameter offset must be at least 0, got -1.' },
      ],
    );
  });

  it('renders notebook cells with their ids', async () => {
    const nb = {
      cells: [
        { id: 'intro', cell_type: 'markdown', metadata: {}, source: ['# Title\n', 'text'] },
        { id: 'c1', cell_type: 'code', metadata: {}, execution_count: 2, source: ['1 + 1'], outputs: [{ output_type: 'execute_result', data: { 'text/plain': ['2'] } }] },
      ],
      metadata: { language_info: { name: 'elixir' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const p = ws.file('nb/demo.ipynb', JSON.stringify(nb, null, 1));
    assert.deepEqual(await call('Read', { file_path: p }, ws.ctx), {
      ok: true,
      text: [
        `Jupyter notebook ${p}: 2 cells, language elixir. Use the cell ids below with NotebookEdit.`,
        '<cell id="intro" cell_type="markdown">\n# Title\ntext\n</cell>',
        '<cell id="c1" cell_type="code" execution_count="2">\n1 + 1\n</cell>',
        '<output cell_id="c1">\n2\n</output>',
      ].join('\n'),
    });
  });
});
