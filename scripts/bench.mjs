#!/usr/bin/env node
// `npm run bench`: measures speed, size and memory, prints a table (each
// figure's median, its target, pass/miss and the run-to-run spread) and
// writes bench-results/bench.json. No test asserts on time; this does.
//
// Usage: node scripts/bench.mjs [--runs N] [--only group,group] [--no-build] [--strict]
//   --runs N     runs per figure (default 5); the loop, search and diagnostics
//                groups take several samples per run
//   --only       any of: bundle, activation, loop, webview, search, diagnostics
//   --no-build   use dist/, out/ and elixir-agent.vsix as they are
//   --strict     exit 1 when a target is missed or a figure is not measured
// Steps: `npm run package` (production build + VSIX), `npm run compile-tests`
// (core modules and the scripted model server in out/), then the groups.
// The parts live in scripts/bench/*.mjs; README's "Performance" section
// explains the method and shows the latest figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib/vscode-host-lib.mjs';
import { benchActivation } from './bench/activation.mjs';
import { benchBundle, packageProduction, VSIX } from './bench/bundle.mjs';
import { benchDiagnostics } from './bench/diagnostics.mjs';
import { benchLoop } from './bench/loop.mjs';
import { benchSearch } from './bench/search.mjs';
import { table, toJson, verdict } from './bench/stats.mjs';
import { benchWebview } from './bench/webview.mjs';

const GROUPS = ['bundle', 'diagnostics', 'search', 'loop', 'webview', 'activation'];

function parseArgs(argv) {
  const opts = { runs: 5, only: GROUPS, build: true, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (name === '--runs') opts.runs = Math.max(1, Number.parseInt(value(), 10) || 5);
    else if (name === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (name === '--no-build') opts.build = false;
    else if (name === '--strict') opts.strict = true;
    else throw new Error(`unknown argument ${argv[i]} (see the header of scripts/bench.mjs)`);
  }
  const unknown = opts.only.filter((g) => !GROUPS.includes(g));
  if (unknown.length) throw new Error(`unknown group(s) ${unknown.join(', ')}; known: ${GROUPS.join(', ')}`);
  return opts;
}

const log = (s) => console.log(s);

function git(args) {
  const r = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function machine() {
  const c = cpus();
  return {
    cpu: `${c.length} x ${c[0]?.model ?? 'unknown'}`,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '').length > 0,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const info = machine();
  log(`bench: ${info.cpu}, ${info.memoryGB} GB, Node ${info.node}, load ${info.loadAverageAtStart.join(' ')}, commit ${info.commit}${info.dirty ? ' (with uncommitted changes)' : ''}`);
  log(`bench: groups ${opts.only.join(', ')}; ${opts.runs} run(s)`);

  let packageError;
  if (opts.build) {
    if (opts.only.includes('bundle') || opts.only.includes('activation')) packageError = packageProduction(log);
    if (packageError) log(`bench: ${packageError}`);
    log('bench: npm run compile-tests');
    const r = spawnSync('npm', ['run', 'compile-tests'], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) {
      // tsc still emits; a type error elsewhere in the tree does not stop the benchmark.
      const errors = (r.stdout.match(/error TS\d+/g) ?? []).length;
      log(`bench: compile-tests reported ${errors} type error(s); using what it emitted`);
    }
  } else if (!existsSync(join(repoRoot, 'dist/extension.js'))) {
    throw new Error('dist/ is missing: run without --no-build');
  }

  const figures = [];
  const runners = {
    bundle: () => benchBundle({ packageError: opts.build ? packageError : undefined }),
    diagnostics: () => benchDiagnostics({ runs: opts.runs, log }),
    search: () => benchSearch({ runs: opts.runs, log }),
    loop: () => benchLoop({ runs: opts.runs, log }),
    webview: () => benchWebview({ runs: opts.runs, log }),
    activation: () => benchActivation({ runs: opts.runs, log, vsix: opts.build && packageError ? undefined : VSIX }),
  };
  for (const group of GROUPS.filter((g) => opts.only.includes(g))) {
    try {
      figures.push(...(await runners[group]()));
    } catch (err) {
      log(`bench: group ${group} failed: ${err instanceof Error ? err.stack : String(err)}`);
      figures.push({ id: `${group}.failed`, group, label: group, unit: '', samples: [], notMeasured: `the ${group} benchmark failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
    }
  }

  info.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
  info.seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${table(figures)}\n`);
  const missed = figures.filter((f) => verdict(f) === 'miss');
  const unmeasured = figures.filter((f) => f.notMeasured);
  for (const f of unmeasured) console.log(`not measured: ${f.label.trim()}: ${f.notMeasured}`);
  console.log(`bench: ${figures.filter((f) => verdict(f) === 'pass').length} target(s) met, ${missed.length} missed, ${unmeasured.length} not measured, in ${info.seconds} s (load ${info.loadAverageAtEnd.join(' ')})`);

  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const report = { date: new Date().toISOString(), machine: info, runs: opts.runs, figures: figures.map(toJson) };
  writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`bench: wrote ${join('bench-results', 'bench.json')}`);
  return opts.strict && (missed.length || unmeasured.length) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
