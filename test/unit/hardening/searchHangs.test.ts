/**
 * Issue 13, item 5: searches that never end. In a repository laid out to
 * hurt (names of 200 "a"s, folders nested 1,000 characters deep, a .gitignore
 * of 300 hostile rules, a file that makes `^(a+)+$` backtrack for ages),
 * hostile patterns go to Glob (ripgrep and the JS walk), LS `ignore` and
 * Grep's JS fallback: each returns a result or a clear error, and the event
 * loop keeps turning. The longest block is measured (monitorEventLoopDelay,
 * 2 ms resolution) and printed: 40-110 ms with this machine at load 10-18 on
 * 2 cores, where an idle async loop already shows 12 ms, so mostly scheduling
 * and GC. The assertion has a wide margin (5 s, against the 50 ms goal) so
 * that no load can fail it, while one match that runs like before (over a
 * minute) does; the structural bounds are asserted where they live (each glob
 * test bounded: globMatch.test.ts; the regex in a worker: the probe below and
 * searchCancel.test.ts).
 */
import * as assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ripgrepOnPath } from '../../../src/core/tools/ripgrep';
import type { ToolContext } from '../../../src/core/tools/types';
import { call, makeWorkspace, type Workspace } from '../tools/helpers';

const rg = ripgrepOnPath();
/** The assertion's bound on one event-loop block (the goal is 50 ms; see the header). */
const BLOCK_BOUND_MS = 5000;
const longest: Record<string, number> = {};

/** Run `fn` and return its value and the longest event-loop block meanwhile (ms). */
async function longestBlock<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 2 });
  h.enable();
  try {
    const value = await fn();
    return { value, ms: h.max / 1e6 };
  } finally {
    h.disable();
  }
}

/** A repository made to hurt searches. */
function hostileWorkspace(options: Parameters<typeof makeWorkspace>[0] = {}): Workspace {
  const ws = makeWorkspace(options);
  // More would test ripgrep rather than us: rg 13 takes ~50 s over 2,000 such rules (linear, but its DFA gives up).
  const hostileRules = Array.from({ length: 150 }, (_, k) => `${'*a'.repeat(12)}${k}b\n${'**/'.repeat(30)}${'*a'.repeat(6)}x${k}`);
  ws.file('.gitignore', ['/deps', '_build/', ...hostileRules, '*.log'].join('\n'));
  ws.file('mix.exs', 'defmodule App.MixProject do\n  use Mix.Project\nend\n');
  ws.file('lib/app.ex', 'defmodule App do\n  def hello, do: :world\nend\n');
  ws.file('lib/app_web/live/page_live.ex', 'defmodule AppWeb.PageLive do\n  use AppWeb, :live_view\nend\n');
  ws.file('deps/phoenix/lib/phoenix.ex', 'defmodule Phoenix do\nend\n');
  ws.file('debug.log', 'aaaa\n');
  for (let k = 0; k < 4; k++) ws.file(`${'a'.repeat(200)}${k}`, 'x\n');
  ws.file(`${`${'a'.repeat(50)}/`.repeat(20)}deep.ex`, 'defmodule Deep do\nend\n');
  ws.file('evil.txt', `${'a'.repeat(48)}b\n`);
  return ws;
}

const LONG = 'a'.repeat(4097);

interface Attack {
  name: string;
  tool: 'Glob' | 'LS' | 'Grep';
  input: (ws: Workspace) => Record<string, unknown>;
  /** What must come back: a result or an error, with this text. */
  ok: boolean;
  expect: RegExp | ((ws: Workspace) => string);
}

const GLOB_ATTACKS: Attack[] = [
  { name: '"**/" x200 + nomatch (issue 13)', tool: 'Glob', input: () => ({ pattern: `${'**/'.repeat(200)}nomatch` }), ok: true, expect: /^No files found matching/ },
  { name: '"*a" x12 + "b" (issue 13)', tool: 'Glob', input: () => ({ pattern: `${'*a'.repeat(12)}b` }), ok: true, expect: /^No files found matching/ },
  { name: '"*a" x12 + "b" at any depth', tool: 'Glob', input: () => ({ pattern: `**/${'*a'.repeat(12)}b` }), ok: true, expect: /^No files found matching/ },
  { name: '"**/" x200 + deep.ex finds it', tool: 'Glob', input: () => ({ pattern: `${'**/'.repeat(200)}deep.ex` }), ok: true, expect: (ws) => ws.path(`${`${'a'.repeat(50)}/`.repeat(20)}deep.ex`) },
  { name: '{a,b} x30 (a billion expansions)', tool: 'Glob', input: () => ({ pattern: `${'{a,b}'.repeat(30)}/x` }), ok: true, expect: /^No files found matching/ },
  { name: '"*a" x64 + "b"', tool: 'Glob', input: () => ({ pattern: `${'*a'.repeat(64)}b` }), ok: true, expect: /^No files found matching/ },
  { name: 'a 4,097-character pattern', tool: 'Glob', input: () => ({ pattern: LONG }), ok: false, expect: /^The glob is too long \(4097 characters, at most 4096\)\.$/ },
  // The hostile .gitignore still applies: deps/ and *.log stay out.
  { name: '**/*.ex after all that', tool: 'Glob', input: () => ({ pattern: '**/*.ex' }), ok: true, expect: /^\/.*\.ex$/m },
];

const LS_ATTACKS: Attack[] = [
  { name: 'ignore "*a" x12 + "b"', tool: 'LS', input: (ws) => ({ path: ws.root, ignore: [`${'*a'.repeat(12)}b`] }), ok: true, expect: /^- \/.*\n {2}- \.gitignore/ },
  { name: 'ignore "**/" x200 + x', tool: 'LS', input: (ws) => ({ path: ws.root, ignore: [`${'**/'.repeat(200)}x`] }), ok: true, expect: /\n {2}- lib\/\n/ },
  {
    name: 'ignore: 4,000 hostile patterns',
    tool: 'LS',
    input: (ws) => ({ path: ws.root, ignore: Array.from({ length: 4000 }, (_, k) => `${'*a'.repeat(12)}${k}b`) }),
    ok: true,
    expect: /\n {2}- lib\/\n/,
  },
  { name: 'ignore: 6,000 patterns', tool: 'LS', input: (ws) => ({ path: ws.root, ignore: Array.from({ length: 6000 }, (_, k) => `f${k}`) }), ok: false, expect: /^ignore has 6000 patterns; at most 5000\./ },
  { name: 'ignore: a 4,097-character pattern', tool: 'LS', input: (ws) => ({ path: ws.root, ignore: [LONG] }), ok: false, expect: /^The glob is too long/ },
];

const GREP_ATTACKS: Attack[] = [
  { name: '^(a+)+$ (issue 13)', tool: 'Grep', input: () => ({ pattern: '^(a+)+$' }), ok: false, expect: /^The regular expression ran for more than 3 s on \/.*\/evil\.txt without finishing, so the search was stopped\. .*nested quantifiers such as \(a\+\)\+/ },
  { name: '(a|aa)+$', tool: 'Grep', input: () => ({ pattern: '(a|aa)+c$' }), ok: false, expect: /^The regular expression ran for more than 3 s on / },
  { name: 'glob "*a" x12 + "b"', tool: 'Grep', input: () => ({ pattern: 'defmodule', glob: `${'*a'.repeat(12)}b` }), ok: true, expect: /^No files found for "defmodule"/ },
  { name: 'glob "**/" x200 + "*.ex"', tool: 'Grep', input: () => ({ pattern: 'defmodule', glob: `${'**/'.repeat(200)}*.ex` }), ok: true, expect: /^Found 3 files\n/ },
  { name: 'a plain search still works', tool: 'Grep', input: () => ({ pattern: 'def hello', output_mode: 'content' }), ok: true, expect: (ws) => `${ws.path('lib/app.ex')}:2:  def hello, do: :world` },
];

/** Run the attacks; returns how often a 10 ms timer fired meanwhile (a loop that keeps turning). */
async function runAttacks(attacks: Attack[], ws: Workspace, ctx: ToolContext, label: string): Promise<number> {
  let ticks = 0;
  const probe = setInterval(() => ticks++, 10);
  const { value: results, ms } = await longestBlock(async () => {
    const out: Array<{ ok: boolean; text: string }> = [];
    for (const a of attacks) out.push(await call(a.tool, a.input(ws), ctx));
    return out;
  }).finally(() => clearInterval(probe));
  attacks.forEach((a, i) => {
    const r = results[i]!; // one result for each attack
    assert.equal(r.ok, a.ok, `${label} ${a.name}: ${r.text.slice(0, 300)}`);
    if (typeof a.expect === 'function') assert.equal(r.text, a.expect(ws), `${label} ${a.name}`);
    else assert.match(r.text, a.expect, `${label} ${a.name}`);
  });
  longest[label] = ms;
  assert.ok(ms < BLOCK_BOUND_MS, `${label}: the event loop was blocked for ${ms.toFixed(0)} ms`);
  return ticks;
}

describe('hardening: hostile search patterns', function () {
  this.timeout(120_000);
  after(() => {
    const figures = Object.entries(longest).map(([k, v]) => `${k} ${v.toFixed(1)} ms`);
    if (figures.length) console.log(`      longest event-loop block during the attacks: ${figures.join(', ')}`);
  });

  for (const backend of ['ripgrep', 'js'] as const) {
    it(`Glob (${backend}) answers every hostile pattern, and .gitignore still applies`, async function () {
      if (backend === 'ripgrep' && !rg) this.skip();
      const ws = hostileWorkspace({ ripgrepPath: backend === 'ripgrep' ? rg : null });
      try {
        await runAttacks(GLOB_ATTACKS, ws, ws.ctx, `Glob (${backend})`);
        const all = await call('Glob', { pattern: '**/*' }, ws.ctx);
        assert.doesNotMatch(all.text, /deps\/|debug\.log/);
        assert.match(all.text, /evil\.txt/);
      } finally {
        ws.cleanup();
      }
    });
  }

  it('LS answers hostile and huge ignore lists, or says how many it takes', async () => {
    const ws = hostileWorkspace();
    try {
      await runAttacks(LS_ATTACKS, ws, ws.ctx, 'LS');
    } finally {
      ws.cleanup();
    }
  });

  it("Grep's JS fallback stops a backtracking regex at its per-file limit, and still searches", async () => {
    // A 6 s search limit gives one file 3 s (the walk reaches evil.txt well before, even on a loaded machine).
    const ws = hostileWorkspace({ ripgrepPath: null, services: { searchTimeoutMs: 6000 } });
    try {
      const ticks = await runAttacks(GREP_ATTACKS, ws, ws.ctx, 'Grep (js)');
      // Two regexes ran for 3 s each in the worker: a free loop ticks ~600 times meanwhile, a blocked one once per attack.
      assert.ok(ticks >= 20, `the probe ticked ${ticks} times`);
    } finally {
      ws.cleanup();
    }
  });
});
