/**
 * What the tools answer about files outside the workspace must not tell what
 * is out there. (1) Hard links: one policy for every tool; a hard link to an
 * outside file is neither read, searched, nor changed, and Grep's output never
 * carries its content. (2) One message for every refused outside path: a
 * probe for an existing file, a missing folder, a path below a file, or any
 * of those through a link out of the workspace gets the same answer from
 * every tool, so no tool can be used to test what exists outside.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { call, makeWorkspace, tool, type Workspace } from '../tools/helpers';

describe('hardening: outside files answer nothing', () => {
  let ws: Workspace;
  let rg: string | undefined;
  before(() => {
    ws = makeWorkspace();
    rg = ws.ctx.services.ripgrepPath;
    ws.file('lib/app.ex', 'defmodule App do\nend\n');
    fs.writeFileSync(path.join(ws.outside, 'notes.ipynb'), JSON.stringify({ cells: [{ id: 'c1', cell_type: 'code', metadata: {}, source: ['TOP SECRET'], outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    fs.linkSync(path.join(ws.outside, 'secret.txt'), ws.path('lib/hard.txt'));
    fs.linkSync(path.join(ws.outside, 'notes.ipynb'), ws.path('lib/hard.ipynb'));
  });
  after(() => ws.cleanup());

  const hardMsg = (p: string) => `${p} has 2 hard links: its other names may be outside the workspace, so tools do not read, search or change it.`;

  it('a hard link to an outside file is refused by Read, Write, Edit, MultiEdit and NotebookEdit alike', async () => {
    const hard = ws.path('lib/hard.txt');
    const nb = ws.path('lib/hard.ipynb');
    const results = [
      await call('Read', { file_path: hard }, ws.ctx),
      await call('Read', { file_path: nb }, ws.ctx),
      await call('Write', { file_path: hard, content: 'pwned' }, ws.ctx),
      await call('Edit', { file_path: hard, old_string: 'TOP', new_string: 'pwned' }, ws.ctx),
      await call('MultiEdit', { file_path: hard, edits: [{ old_string: 'TOP', new_string: 'pwned' }] }, ws.ctx),
      await call('NotebookEdit', { notebook_path: nb, cell_id: 'c1', new_source: 'pwned' }, ws.ctx),
    ];
    assert.deepEqual(results, [
      { ok: false, text: hardMsg(hard) },
      { ok: false, text: hardMsg(nb) },
      { ok: false, text: hardMsg(hard) },
      { ok: false, text: hardMsg(hard) },
      { ok: false, text: hardMsg(hard) },
      { ok: false, text: hardMsg(nb) },
    ]);
    assert.equal(fs.readFileSync(path.join(ws.outside, 'secret.txt'), 'utf8'), 'TOP SECRET\n');
  });

  it('Grep (ripgrep and the JS search) never shows a hard-linked file or its content; Glob and LS still list its name', async function () {
    if (!rg) this.skip();
    const note = '\n\n(Left out: 2 files with several hard links (their other names may be outside the workspace, so tools do not search them).)';
    const out: Record<string, string> = {};
    for (const [engine, ripgrepPath] of [['rg', rg], ['js', undefined]] as const) {
      const ctx = { ...ws.ctx, services: { ...ws.ctx.services, ripgrepPath } };
      for (const mode of ['content', 'files_with_matches', 'count']) out[`${engine} ${mode}`] = (await call('Grep', { pattern: 'SECRET', output_mode: mode }, ctx)).text;
      out[`${engine} path=file`] = (await call('Grep', { pattern: 'SECRET', path: ws.path('lib/hard.txt'), output_mode: 'content' }, ctx)).text;
    }
    assert.deepEqual(out, {
      'rg content': `No matches found for "SECRET" in ${ws.root}.${note}`,
      'rg files_with_matches': `No files found for "SECRET" in ${ws.root}.${note}`,
      'rg count': `No matches found for "SECRET" in ${ws.root}.${note}`,
      'rg path=file': `No matches found for "SECRET" in ${ws.path('lib/hard.txt')}.${note.replace('2 files', '1 file')}`,
      'js content': `No matches found for "SECRET" in ${ws.root}.`,
      'js files_with_matches': `No files found for "SECRET" in ${ws.root}.`,
      'js count': `No matches found for "SECRET" in ${ws.root}.`,
      'js path=file': `No matches found for "SECRET" in ${ws.path('lib/hard.txt')}.`,
    });
    assert.match((await call('Glob', { pattern: 'lib/*' }, ws.ctx)).text, /lib\/hard\.txt/);
    assert.match((await call('LS', { path: ws.path('lib') }, ws.ctx)).text, /- hard\.txt/);
  });

  it('every refused outside path gets the same answer from every tool, whatever exists out there', async () => {
    const probes: Record<string, string> = {
      'existing outside file': path.join(ws.outside, 'secret.txt'),
      'missing outside file': path.join(ws.outside, 'missing.txt'),
      'below an outside file': path.join(ws.outside, 'secret.txt', 'x'),
      'below /etc/passwd': '/etc/passwd/x',
      'below a missing folder': '/etc/nonexistent-elixir-agent/x',
      'outside folder': ws.outside,
    };
    // The same questions through links in the workspace that point out.
    const links: Array<[string, string]> = [
      ['out-file', path.join(ws.outside, 'secret.txt')],
      ['out-missing', path.join(ws.outside, 'missing.txt')],
      ['out-below-file', path.join(ws.outside, 'secret.txt', 'x')],
      ['out-passwd-x', '/etc/passwd/x'],
      ['out-dir', ws.outside],
      ['out-loop', path.join(ws.outside, 'loop1')],
    ];
    fs.symlinkSync('loop2', path.join(ws.outside, 'loop1'));
    fs.symlinkSync('loop1', path.join(ws.outside, 'loop2'));
    for (const [name, target] of links) {
      fs.symlinkSync(target, ws.path(name));
      probes[`link: ${name}`] = ws.path(name);
      probes[`below link: ${name}`] = ws.path(`${name}/secret.txt`);
    }
    execFileSync('mkfifo', [path.join(ws.outside, 'fifo')]);
    probes['outside FIFO'] = path.join(ws.outside, 'fifo');

    const calls: Array<[string, (p: string) => Record<string, unknown>]> = [
      ['Read', (p) => ({ file_path: p })],
      ['Write', (p) => ({ file_path: p, content: 'x' })],
      ['Edit', (p) => ({ file_path: p, old_string: '', new_string: 'x' })],
      ['MultiEdit', (p) => ({ file_path: p, edits: [{ old_string: '', new_string: 'x' }] })],
      ['NotebookEdit', (p) => ({ notebook_path: p, new_source: 'x', edit_mode: 'insert', cell_type: 'code' })],
      ['Glob', (p) => ({ pattern: '*', path: p })],
      ['Grep', (p) => ({ pattern: 'SECRET', path: p })],
      ['LS', (p) => ({ path: p })],
    ];
    const before = fs.readdirSync(ws.outside).sort();
    const answers: Record<string, string[]> = {};
    for (const [name, input] of calls) {
      const seen = new Set<string>();
      for (const p of Object.values(probes)) {
        const r = await call(name, input(p), ws.ctx);
        assert.equal(r.ok, false, `${name} ${p}: ${r.text}`);
        seen.add(r.text.split(p).join('<PATH>'));
        // The approval card says the same, so asking tells nothing either.
        const card = await tool(name).describe?.(input(p) as never, ws.ctx);
        if (card) seen.add(String(card.warning).replace(/^This call will fail: /, '').split(p).join('<PATH>'));
      }
      answers[name] = [...seen];
    }
    const one = [`<PATH> is outside the workspace (${ws.root}). Tools only touch files inside the workspace folders, and do not follow links out of them.`];
    assert.deepEqual(answers, Object.fromEntries(calls.map(([name]) => [name, one])));
    assert.deepEqual(fs.readdirSync(ws.outside).sort(), before);
  });
});
