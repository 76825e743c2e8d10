// Grep and Glob (src/core/tools, through their public invoke()) on a generated
// tree of 10,000 Elixir files in a temp folder, versus plain `rg` doing the
// same search on the same tree. Each pair (tool, rg) runs back to back; the
// ratio is taken per pair, after a warm-up that fills the page cache.
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
  const cases = [
    { id: 'grep.files', label: 'Grep files_with_matches', tool: 'Grep', input: { pattern: 'def handle_event' }, rg: ['--files-with-matches', 'def handle_event', '.'] },
    // 1,000 matching lines: under the tool's output cap, so both do the whole search.
    { id: 'grep.content', label: 'Grep content -n', tool: 'Grep', input: { pattern: 'handle_event\\("save"', output_mode: 'content' }, rg: ['--line-number', 'handle_event\\("save"', '.'] },
    // Glob returns the newest files first, so it stats every match; plain rg
    // does not sort. `rg --sortr modified` (same order, single-threaded) is shown beside.
    { id: 'glob.live', label: 'Glob **/*_live.ex', tool: 'Glob', input: { pattern: '**/*_live.ex' }, rg: ['--files', '--glob', '*_live.ex', '.'], sorted: true },
    { id: 'glob.all', label: 'Glob **/*.ex (every file)', tool: 'Glob', input: { pattern: '**/*.ex' }, rg: ['--files', '--glob', '*.ex', '.'], sorted: true },
  ];
  const figures = [];
  for (const c of cases) {
    figures.push(figure({ id: `${c.id}.ratio`, group, label: `${c.label}: tool / rg`, unit: 'x', target: { max: 1.2, source: 'issue' } }));
    figures.push(figure({ id: `${c.id}.tool`, group, label: `  ${c.tool} tool`, unit: 'ms' }));
    figures.push(figure({ id: `${c.id}.rg`, group, label: '  plain rg', unit: 'ms' }));
    if (c.sorted) {
      c.sortedRatio = figure({ id: `${c.id}.ratioSorted`, group, label: '  tool / rg --sortr modified (same order)', unit: 'x' });
      figures.push(c.sortedRatio);
    }
  }
  const slot = (c, k) => figures.filter((f) => f.id.startsWith(`${c.id}.`))[k];
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
        let sortedMs;
        if (c.sorted) {
          const s0 = performance.now();
          await runRg([...c.rg.slice(0, -1), '--sortr', 'modified', '.'], root);
          sortedMs = performance.now() - s0;
        }
        if (i < 3) continue;
        slot(c, 0).samples.push(toolMs / rgMs);
        slot(c, 1).samples.push(toolMs);
        slot(c, 2).samples.push(rgMs);
        if (c.sorted) c.sortedRatio.samples.push(toolMs / sortedMs);
      }
    }
  } catch (err) {
    return figures.map((f) => notMeasured(f, err.message.split('\n')[0]));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  for (const c of cases) delete c.sortedRatio;
  return figures;
}
