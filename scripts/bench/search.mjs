// Grep and Glob (src/core/tools, through their public invoke()) on a generated
// tree of 10,000 Elixir files in a temp folder, versus `rg` doing the same
// search on the same tree: plain rg for Grep, rg giving Glob's order
// (`--sortr modified`, newest first) for Glob. Each pair (tool, rg) runs back
// to back; the ratio is taken per pair, after a warm-up that fills the page cache.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../lib/vscode-host-lib.mjs';
import { figure, notMeasured } from './stats.mjs';

const require = createRequire(import.meta.url);
export const TREE_FILES = 10_000;

/** 100 contexts x 100 modules; every 10th module is a LiveView with handle_event. */
export function generateTree(root) {
  for (let c = 0; c < 100; c++) {
    const dir = join(root, 'lib', 'shop', `context_${c}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < TREE_FILES / 100; f++) {
      const live = f % 10 === 0;
      const mod = `Shop.Context${c}.${live ? `Item${f}Live` : `Item${f}`}`;
      const body = [
        `defmodule ${mod} do`,
        live ? '  use ShopWeb, :live_view' : '  import Ecto.Query',
        '  alias Shop.Repo',
        '',
        `  @moduledoc "Generated module ${c}/${f} for the benchmark."`,
        '',
        '  def list(filters \\\\ %{}) do',
        `    from(i in "items_${c}", where: i.context == ${c}, select: i.id)`,
        '    |> Repo.all()',
        '  end',
        '',
        '  def get!(id), do: Repo.get!(__MODULE__, id)',
        '',
        live ? '  def handle_event("save", params, socket) do\n    {:noreply, assign(socket, :params, params)}\n  end' : '  def changeset(item, attrs), do: {item, attrs}',
        'end',
        '',
      ].join('\n');
      writeFileSync(join(dir, `item_${f}${live ? '_live' : ''}.ex`), body);
    }
  }
}

function runRg(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn('rg', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    child.stdout.on('data', (d) => (bytes += d.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 || code === 1 ? resolve(bytes) : reject(new Error(`rg ${args.join(' ')} exited ${code}`))));
  });
}

export async function benchSearch({ runs, log }) {
  const group = `Grep and Glob vs rg (${TREE_FILES.toLocaleString('en')} files)`;
  // Glob returns the newest files first, as Claude Code's does, so its
  // baseline is rg giving the same order: `rg --files --sortr modified`
  // (which stats every file, in one thread). Plain, unsorted `rg --files` is shown beside.
  const cases = [
    { id: 'grep.files', label: 'Grep files_with_matches: tool / rg', tool: 'Grep', input: { pattern: 'def handle_event' }, rg: ['--files-with-matches', 'def handle_event', '.'] },
    // 1,000 matching lines: under the tool's output cap, so both do the whole search.
    { id: 'grep.content', label: 'Grep content -n: tool / rg', tool: 'Grep', input: { pattern: 'handle_event\\("save"', output_mode: 'content' }, rg: ['--line-number', 'handle_event\\("save"', '.'] },
    {
      id: 'glob.live',
      label: 'Glob **/*_live.ex: tool / rg --sortr modified (same order)',
      tool: 'Glob',
      input: { pattern: '**/*_live.ex' },
      rg: ['--files', '--sortr', 'modified', '--glob', '*_live.ex', '.'],
      plain: ['--files', '--glob', '*_live.ex', '.'],
    },
    {
      id: 'glob.all',
      label: 'Glob **/*.ex (every file): tool / rg --sortr modified (same order)',
      tool: 'Glob',
      input: { pattern: '**/*.ex' },
      rg: ['--files', '--sortr', 'modified', '--glob', '*.ex', '.'],
      plain: ['--files', '--glob', '*.ex', '.'],
    },
  ];
  const figures = [];
  for (const c of cases) {
    c.ratio = figure({ id: `${c.id}.ratio`, group, label: c.label, unit: 'x', target: { max: 1.2, source: 'issue' } });
    c.toolMs = figure({ id: `${c.id}.tool`, group, label: `  ${c.tool} tool`, unit: 'ms' });
    c.rgMs = figure({ id: `${c.id}.rg`, group, label: c.plain ? '  rg --files --sortr modified --glob' : '  plain rg', unit: 'ms' });
    figures.push(c.ratio, c.toolMs, c.rgMs);
    if (c.plain) {
      c.plainRatio = figure({ id: `${c.id}.ratioPlain`, group, label: '  tool / plain rg --files --glob (unsorted)', unit: 'x' });
      figures.push(c.plainRatio);
    }
  }
  let tools;
  let headless;
  try {
    tools = new Map(require(join(repoRoot, 'out/src/core/tools/registry.js')).builtinTools().map((t) => [t.name, t]));
    headless = require(join(repoRoot, 'out/src/core/tools/headless.js'));
  } catch (err) {
    return figures.map((f) => notMeasured(f, `the compiled tools are missing (npm run compile-tests): ${err.message.split('\n')[0]}`));
  }
  const ctxRg = headless.headlessToolContext({ cwd: '/' }).services.ripgrepPath;
  if (!ctxRg) return figures.map((f) => notMeasured(f, 'no rg on PATH'));

  const root = mkdtempSync(join(tmpdir(), 'elixir-agent-bench-tree-'));
  try {
    const t0 = performance.now();
    generateTree(root);
    log(`search: generated ${TREE_FILES} files in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${runs * 4} pairs per case`);
    const ctx = headless.headlessToolContext({ cwd: root });
    for (let i = 0; i < 3 + runs * 4; i++) {
      for (const c of cases) {
        const a = performance.now();
        const result = await tools.get(c.tool).invoke(c.input, ctx);
        const toolMs = performance.now() - a;
        if (result.isError) throw new Error(`${c.tool} failed: ${result.content[0]?.text}`);
        const b = performance.now();
        await runRg(c.rg, root);
        const rgMs = performance.now() - b;
        let plainMs;
        if (c.plain) {
          const p0 = performance.now();
          await runRg(c.plain, root);
          plainMs = performance.now() - p0;
        }
        if (i < 3) continue;
        c.ratio.samples.push(toolMs / rgMs);
        c.toolMs.samples.push(toolMs);
        c.rgMs.samples.push(rgMs);
        if (c.plain) c.plainRatio.samples.push(toolMs / plainMs);
      }
    }
  } catch (err) {
    return figures.map((f) => notMeasured(f, err.message.split('\n')[0]));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return figures;
}
