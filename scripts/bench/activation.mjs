// Activation in the real VS Code host (the VS Code server of .vscode-test-host,
// its workbench in Chromium): each run starts a fresh host with
// test/integration/bench/activation.ts as the extension tests entry, which
// writes what it measured to a JSON file. The extension is the one the VSIX
// ships, unpacked to a temp folder (production build), loaded as the
// development extension.
//   explicit runs: workspace test/fixtures/no_elixir (nothing activates the
//     extension at startup); the entry activates it and loads the runtime.
//   startup runs: workspace test/fixtures/sample_app (a mix project); VS Code
//     activates the extension while the workbench starts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostPaths, hostVersion, openWorkbench, repoRoot, startServer } from '../lib/vscode-host-lib.mjs';
import { figure, notMeasured } from './stats.mjs';
import { extractVsix } from './vsix.mjs';

const ENTRY = join(repoRoot, 'out/test/integration/bench/activation');

async function oneRun(mode, workspace, extensionPath, log) {
  const temp = mkdtempSync(join(tmpdir(), 'elixir-agent-bench-'));
  const outFile = join(temp, 'activation.json');
  const env = { ...process.env, ELIXIR_AGENT_BENCH_OUT: outFile, ELIXIR_AGENT_BENCH_MODE: mode };
  const server = await startServer({ env });
  let browser;
  try {
    const url = server.url({ workspace: join(repoRoot, workspace), extensionDevelopmentPaths: [extensionPath], extensionTestsPath: ENTRY });
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), 180_000);
      openWorkbench(url, {
        onLog: (type, args) => {
          const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
          if (type === 'error' && /ELIXIR_AGENT_BENCH|elixir-agent|Elixir Agent/i.test(text)) log(`  [host ${type}] ${text.slice(0, 500)}`);
        },
        onExit: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      }).then(
        (w) => (browser = w.browser),
        (err) => resolve(`could not open the workbench: ${err.message}`),
      );
    });
    if (!existsSync(outFile)) throw new Error(`the host wrote no figures (exit: ${code})`);
    const report = JSON.parse(readFileSync(outFile, 'utf8'));
    if (report.error) throw new Error(report.error.split('\n')[0]);
    return report;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

export async function benchActivation({ runs, log, vsix }) {
  const group = 'activation (real VS Code host)';
  const activation = figure({ id: 'activation.explicit', group, label: 'activate() start to return', unit: 'ms', target: { max: 20, source: 'issue' } });
  const startup = figure({ id: 'activation.startup', group, label: 'activate() at workbench startup (mix project)', unit: 'ms', target: { max: 20, source: 'issue' } });
  const call = figure({ id: 'activation.call', group, label: 'ext.activate() seen by a caller', unit: 'ms' });
  const ready = figure({ id: 'activation.runtimeReady', group, label: 'runtime ready after activation (lazy)', unit: 'ms' });
  const requireMs = figure({ id: 'activation.runtimeRequire', group, label: 'require dist/runtime.js alone', unit: 'ms' });
  const all = [activation, startup, call, ready, requireMs];
  try {
    hostPaths();
  } catch (err) {
    return all.map((f) => notMeasured(f, err.message));
  }
  if (!existsSync(`${ENTRY}.js`)) return all.map((f) => notMeasured(f, `${ENTRY}.js is missing (npm run compile-tests failed?)`));
  let unpacked;
  let extensionPath = repoRoot;
  if (vsix && existsSync(vsix)) {
    unpacked = mkdtempSync(join(tmpdir(), 'elixir-agent-bench-vsix-'));
    extensionPath = extractVsix(vsix, unpacked);
  }
  log(`activation: ${hostVersion().text}, ${runs} run(s) per workspace, extension from ${unpacked ? 'the VSIX' : 'the repository (dist/ as built)'}`);
  const failures = [];
  let loaded;
  try {
    for (let i = 0; i < runs; i++) {
      for (const [mode, workspace] of [['explicit', 'test/fixtures/no_elixir'], ['startup', 'test/fixtures/sample_app']]) {
        try {
          const r = await oneRun(mode, workspace, extensionPath, log);
          if (mode === 'explicit') {
            activation.samples.push(r.activationMs);
            call.samples.push(r.activateCallMs);
            ready.samples.push(r.runtimeReadyMs);
            requireMs.samples.push(r.runtimeRequireMs);
            loaded = r.loadedAfterActivation;
          } else {
            startup.samples.push(r.activationMs);
          }
          log(`  run ${i + 1} ${mode}: activate ${r.activationMs.toFixed(2)} ms${r.runtimeReadyMs !== undefined ? `, runtime ready ${r.runtimeReadyMs.toFixed(0)} ms` : ''}`);
        } catch (err) {
          failures.push(`${mode}: ${err.message}`);
          log(`  run ${i + 1} ${mode} failed: ${err.message}`);
        }
      }
    }
  } finally {
    if (unpacked) rmSync(unpacked, { recursive: true, force: true });
  }
  if (!unpacked) activation.note = 'measured on dist/ as built, not on the VSIX';
  if (loaded) activation.extra = { loadedAfterActivation: loaded };
  return all.map((f) => (f.samples.length ? f : notMeasured(f, `every run failed: ${failures[0] ?? 'unknown'}`)));
}
