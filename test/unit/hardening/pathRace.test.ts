/**
 * The path race: while a separate process swaps a workspace folder and a
 * symbolic link to a folder outside the workspace in a tight loop
 * (swapper.ts), every tool that touches files is called thousands of times on
 * paths through that folder. An escape is any result carrying outside
 * content or outside names, and any file created or changed outside. There
 * must be none. Refusals ("changed while it was opened", "outside the
 * workspace") are the expected answer whenever the swap wins.
 *
 * ELIXIR_AGENT_RACE_ATTEMPTS sets the number of attempts (default 10,000).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { headlessToolContext } from '../../../src/core/tools/headless';
import type { ToolContext } from '../../../src/core/tools/types';
import { call } from '../tools/helpers';
import { prepareSwapper, startSwapper, type Swapper } from '../../support/swapper';

const ATTEMPTS = Number(process.env.ELIXIR_AGENT_RACE_ATTEMPTS) || 10_000;
/** Share of the attempts per kind of call (sums to 1). */
const MIX: Array<[Kind, number]> = [
  ['Read', 0.34],
  ['Write (new file)', 0.15],
  ['Write (existing file)', 0.1],
  ['Edit', 0.14],
  ['MultiEdit', 0.1],
  ['NotebookEdit', 0.1],
  ['LS', 0.05],
  // Each Glob and Grep starts ripgrep (a process): fewer of them keeps the suite short.
  ['Glob', 0.01],
  ['Grep', 0.01],
];
type Kind = 'Read' | 'Write (new file)' | 'Write (existing file)' | 'Edit' | 'MultiEdit' | 'NotebookEdit' | 'LS' | 'Glob' | 'Grep';

const INSIDE = 'inside text\n';
const OUTSIDE = 'OUTSIDE SECRET\n';
const notebook = (source: string) => `${JSON.stringify({ cells: [{ id: 'c1', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: [source] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;

describe('hardening: the path race (a folder swapped with a link out, in a loop)', function () {
  this.timeout(600_000);
  let base: string;
  let ws: string;
  let outside: string;
  let ctx: ToolContext;
  let prepared: ReturnType<typeof prepareSwapper>;
  /** What is outside before the attack: name -> content. */
  let outsideBefore: Map<string, string>;

  before(function () {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-race-')));
    prepared = prepareSwapper(base);
    if ('skip' in prepared) {
      console.log(`    (skipped: ${prepared.skip})`);
      this.skip();
    }
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(ws, 'race'), { recursive: true });
    fs.mkdirSync(outside);
    for (const name of ['target.txt', 'edit.txt', 'multi.txt']) fs.writeFileSync(path.join(ws, 'race', name), INSIDE);
    fs.writeFileSync(path.join(ws, 'race', 'nb.ipynb'), notebook('1 + 1'));
    for (const name of ['target.txt', 'edit.txt', 'multi.txt', 'only-outside-secret.txt']) fs.writeFileSync(path.join(outside, name), OUTSIDE);
    fs.writeFileSync(path.join(outside, 'nb.ipynb'), notebook('OUTSIDE SECRET'));
    fs.symlinkSync(outside, path.join(ws, 'swap'));
    outsideBefore = snapshot(outside);
    ctx = headlessToolContext({ cwd: ws });
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  function snapshot(dir: string): Map<string, string> {
    return new Map(fs.readdirSync(dir).map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
  }

  /** Files created or changed outside since the start; puts the originals back and removes new ones. */
  function outsideDamage(): string[] {
    const damage: string[] = [];
    for (const [name, text] of snapshot(outside)) {
      const was = outsideBefore.get(name);
      if (was === text) continue;
      damage.push(was === undefined ? `created ${name}` : `changed ${name}`);
      if (was === undefined) fs.rmSync(path.join(outside, name), { force: true });
      else fs.writeFileSync(path.join(outside, name), was);
    }
    return damage;
  }

  const racePath = (name: string) => path.join(ws, 'race', name);
  const body = (readText: string) => readText.replace(/^\d+\t/gm, '');

  /** One attempt; returns true when it escaped. */
  async function attempt(kind: Kind, i: number): Promise<{ escaped: boolean; refused: boolean }> {
    let out: { ok: boolean; text: string };
    switch (kind) {
      case 'Read':
        out = await call('Read', { file_path: racePath('target.txt') }, ctx);
        return { escaped: out.text.includes('OUTSIDE'), refused: !out.ok };
      case 'Write (new file)':
        out = await call('Write', { file_path: racePath(`new-${i}.txt`), content: `new ${i}\n` }, ctx);
        break;
      case 'Write (existing file)':
        await call('Read', { file_path: racePath('target.txt') }, ctx);
        out = await call('Write', { file_path: racePath('target.txt'), content: INSIDE }, ctx);
        break;
      case 'Edit': {
        const seen = await call('Read', { file_path: racePath('edit.txt') }, ctx);
        out = await call('Edit', { file_path: racePath('edit.txt'), old_string: body(seen.text) || 'inside', new_string: `edited ${i}` }, ctx);
        if (seen.text.includes('OUTSIDE')) return { escaped: true, refused: false };
        break;
      }
      case 'MultiEdit': {
        const seen = await call('Read', { file_path: racePath('multi.txt') }, ctx);
        out = await call('MultiEdit', { file_path: racePath('multi.txt'), edits: [{ old_string: body(seen.text) || 'inside', new_string: `multi ${i}` }] }, ctx);
        if (seen.text.includes('OUTSIDE')) return { escaped: true, refused: false };
        break;
      }
      case 'NotebookEdit': {
        const seen = await call('Read', { file_path: racePath('nb.ipynb') }, ctx);
        out = await call('NotebookEdit', { notebook_path: racePath('nb.ipynb'), cell_id: 'c1', new_source: `${i} + 1` }, ctx);
        if (seen.text.includes('OUTSIDE')) return { escaped: true, refused: false };
        break;
      }
      case 'LS':
        out = await call('LS', { path: path.join(ws, 'race') }, ctx);
        return { escaped: out.text.includes('only-outside'), refused: !out.ok };
      case 'Glob':
        out = await call('Glob', { pattern: 'race/**/*', path: ws }, ctx);
        return { escaped: out.text.includes('only-outside'), refused: !out.ok };
      case 'Grep':
        out = await call('Grep', { pattern: 'SECRET|inside', path: ws, output_mode: 'content' }, ctx);
        return { escaped: out.text.includes('OUTSIDE') || out.text.includes('only-outside'), refused: !out.ok };
    }
    const damage = outsideDamage();
    return { escaped: damage.length > 0, refused: !out.ok };
  }

  it(`${ATTEMPTS.toLocaleString('en')} racing attempts through Read, Write, Edit, MultiEdit, NotebookEdit, LS, Glob and Grep: 0 escapes`, async () => {
    if ('skip' in prepared) return;
    const plan: Kind[] = MIX.flatMap(([kind, share]) => Array<Kind>(Math.max(1, Math.round(ATTEMPTS * share))).fill(kind));
    const stats = new Map<Kind, { attempts: number; escapes: number; refused: number }>(MIX.map(([k]) => [k, { attempts: 0, escapes: 0, refused: 0 }]));
    const started = Date.now();
    const swapper: Swapper = await startSwapper(prepared, path.join(ws, 'race'), path.join(ws, 'swap'));
    let swaps = 0;
    try {
      // Several calls in flight at once, as when the model asks for parallel tool calls.
      const CONCURRENCY = 8;
      let next = 0;
      const worker = async () => {
        while (next < plan.length) {
          const i = next++;
          const kind = plan[i]!;
          const r = await attempt(kind, i);
          const s = stats.get(kind)!;
          s.attempts++;
          if (r.escaped) s.escapes++;
          if (r.refused) s.refused++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      swaps = await swapper.stop();
    }
    const late = outsideDamage();
    const rows = [...stats].map(([k, s]) => `${k}: ${s.escapes}/${s.attempts} escaped, ${s.refused} refused`);
    console.log(`      attacker: ${swapper.kind}, ${swaps.toLocaleString('en')} swaps in ${((Date.now() - started) / 1000).toFixed(1)} s\n      ${rows.join('\n      ')}`);
    const total = [...stats.values()].reduce((a, s) => ({ attempts: a.attempts + s.attempts, escapes: a.escapes + s.escapes, refused: a.refused + s.refused }), { attempts: 0, escapes: 0, refused: 0 });
    assert.deepEqual({ escapes: total.escapes, outsideChangedAtTheEnd: late }, { escapes: 0, outsideChangedAtTheEnd: [] }, rows.join('\n'));
    // The attack really raced: the attacker swapped, and some calls lost the race and were refused.
    assert.ok(swaps > 100 && total.refused > 0, `the race did not happen (swaps ${swaps}, refused ${total.refused})`);
    assert.equal(total.attempts, plan.length);
  });
});
