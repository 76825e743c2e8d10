// What a warm `elixir-agent diagnostics` costs over a plain warm `mix
// compile`, on a library the size of jason (generated: elixirLibrary.mjs, no
// network). Both build paths are compiled first (mix's _build/dev, the CLI's
// _build/elixir_agent); then pairs run back to back, in alternating order, and
// each pair gives one difference, in wall time and (Linux) in CPU time of
// the process trees, which a loaded machine inflates far less. Needs mix on
// PATH and dist/cli.js.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../lib/vscode-host-lib.mjs';
import { writeElixirLibrary } from './elixirLibrary.mjs';
import { figure, median, notMeasured } from './stats.mjs';

/**
 * CPU time (user + system, ms) of the children this process has waited for,
 * from /proc/self/stat (cutime, cstime): a child's whole tree, node and the
 * BEAM alike. Undefined off Linux.
 */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS;
  } catch {
    return undefined;
  }
}
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

function timed(command, args, cwd) {
  const cpu = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, MIX_ENV: 'dev' } });
  const ms = performance.now() - start;
  if (r.error) throw r.error;
  const after = childrenCpuMs();
  return { ms, cpuMs: cpu === undefined || after === undefined ? undefined : after - cpu, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function benchMixOverhead({ runs, log }) {
  const group = 'diagnostics';
  const fields = {
    id: 'diagnostics.cliOverhead',
    group,
    label: 'warm `elixir-agent diagnostics` over warm `mix compile`, jason-sized library',
    unit: 'ms',
    target: { max: 300, source: 'issue' },
  };
  const mixFig = figure({ id: 'diagnostics.mixWarm', group, label: 'of which: warm `mix compile` itself', unit: 'ms' });
  const cpuFig = figure({
    id: 'diagnostics.cliOverheadCpu',
    group,
    label: 'the same in CPU time of the process tree (less sensitive to load)',
    unit: 'ms',
    target: { max: 300, source: 'budget' },
  });
  const cli = join(repoRoot, 'dist/cli.js');
  if (!existsSync(cli)) return [notMeasured(fields, 'dist/cli.js is missing (npm run build)')];
  if (spawnSync('mix', ['--version'], { encoding: 'utf8' }).error) return [notMeasured(fields, 'mix is not on PATH')];

  const dir = mkdtempSync(join(tmpdir(), 'ea-bench-jsonish-'));
  try {
    const lines = writeElixirLibrary(dir);
    const production = !readFileSync(join(repoRoot, 'dist/cli-diagnostics.js'), 'utf8').includes('sourceMappingURL');
    log(`diagnostics: a ${lines}-line library in ${dir}; warming both build paths`);
    const warmMix = timed('mix', ['compile'], dir);
    const warmCli = timed(process.execPath, [cli, 'diagnostics', dir], dir);
    if (warmMix.status !== 0 || warmCli.status !== 0) throw new Error(`the library did not compile: ${warmMix.stderr}${warmCli.stderr}`.slice(0, 500));
    if (JSON.parse(warmCli.stdout).length !== 0) throw new Error(`the library has diagnostics: ${warmCli.stdout.slice(0, 300)}`);
    const overhead = figure(fields);
    const pairs = Math.max(15, runs * 4);
    for (let i = 0; i < 2 + pairs; i++) {
      const mixFirst = i % 2 === 0;
      const a = mixFirst ? timed('mix', ['compile'], dir) : timed(process.execPath, [cli, 'diagnostics', dir], dir);
      const b = mixFirst ? timed(process.execPath, [cli, 'diagnostics', dir], dir) : timed('mix', ['compile'], dir);
      const [m, c] = mixFirst ? [a, b] : [b, a];
      if (i < 2) continue;
      overhead.samples.push(c.ms - m.ms);
      mixFig.samples.push(m.ms);
      if (c.cpuMs !== undefined && m.cpuMs !== undefined) cpuFig.samples.push(c.cpuMs - m.cpuMs);
    }
    overhead.extra = { libraryLines: lines, pairs, cliBuild: production ? 'production' : 'development', mixMedianMs: median(mixFig.samples) };
    log(
      `diagnostics: warm mix compile ${median(mixFig.samples).toFixed(0)} ms, elixir-agent diagnostics +${median(overhead.samples).toFixed(0)} ms` +
        `${cpuFig.samples.length ? `, +${median(cpuFig.samples).toFixed(0)} ms of CPU` : ''} (${production ? 'production' : 'development'} build)`,
    );
    return cpuFig.samples.length ? [overhead, cpuFig, mixFig] : [overhead, mixFig];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
