#!/usr/bin/env node
// Runs the integration suites inside a real VS Code, through @vscode/test-electron's
// runTests. The suites are listed in test/integration/suites.json:
//   { "name": "agents",                      suite name (node scripts/run-integration.mjs agents)
//     "workspace": "test/fixtures/sample_app", folder or .code-workspace file, relative to the repo
//     "tests": "agents",                     optional: folder or .test.ts file under test/integration
//                                            (default: the suite's name)
//     "env": { "ELIXIR_AGENT_X": "1" },      optional: environment of VS Code and the tests
//     "settings": { "elixirAgent.model": "haiku" },  optional: user settings for the run
//     "copyWorkspace": true }                optional: open a temporary copy of the workspace
//                                            (same folder name), so tests may edit files freely
// Restricted Mode: "env": { "ELIXIR_AGENT_WORKSPACE_TRUST": "restricted" } (test host only;
// runTests always passes --disable-workspace-trust to a desktop VS Code).
//
// VS Code: scripts/vscode-host.mjs (the VS Code server of .vscode-test-host in Chromium),
// or a desktop VS Code when ELIXIR_AGENT_VSCODE_EXECUTABLE points to its executable.
// Usage: node scripts/run-integration.mjs [suite ...] [--list]
// Prints each suite's result and a last line `ELIXIR_AGENT_RESULT passed=N failed=N pending=N`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { copyWorkspace, repoRoot, writeUserSettings } from './lib/vscode-host-lib.mjs';

const suitesFile = join(repoRoot, 'test/integration/suites.json');

function loadSuites() {
  const suites = JSON.parse(readFileSync(suitesFile, 'utf8'));
  if (!Array.isArray(suites)) throw new Error(`${suitesFile}: expected an array of suites`);
  const names = new Set();
  for (const s of suites) {
    if (typeof s.name !== 'string' || typeof s.workspace !== 'string') throw new Error(`${suitesFile}: every suite needs a "name" and a "workspace": ${JSON.stringify(s)}`);
    if (names.has(s.name)) throw new Error(`${suitesFile}: suite "${s.name}" is listed twice`);
    names.add(s.name);
  }
  return suites;
}

function ensureBuilt() {
  const steps = [
    [join(repoRoot, 'dist/extension.js'), ['run', 'build']],
    [join(repoRoot, 'out/test/integration/index.js'), ['run', 'compile-tests']],
  ];
  for (const [file, args] of steps) {
    if (existsSync(file)) continue;
    console.log(`${file} is missing: npm ${args.join(' ')}`);
    const r = spawnSync('npm', args, { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed`);
  }
}

async function runSuite(suite, vscodeExecutablePath) {
  const fixture = resolve(repoRoot, suite.workspace);
  if (!existsSync(fixture)) throw new Error(`suite ${suite.name}: workspace ${fixture} does not exist`);
  const copy = suite.copyWorkspace ? copyWorkspace(fixture) : undefined;
  const workspace = copy?.path ?? fixture;
  const temp = mkdtempSync(join(tmpdir(), `elixir-agent-${suite.name}-`));
  const resultFile = join(temp, 'result.json');
  const userDataDir = join(temp, 'user-data');
  writeUserSettings(userDataDir, suite.settings ?? {});
  const started = Date.now();
  let exitCode = 0;
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out/test/integration/index'),
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDir}`, `--extensions-dir=${join(temp, 'extensions')}`],
      extensionTestsEnv: {
        ...(suite.env ?? {}),
        ELIXIR_AGENT_HOST_PASS_ENV: Object.keys(suite.env ?? {}).join(','),
        ELIXIR_AGENT_SUITE: suite.name,
        ELIXIR_AGENT_TESTS: suite.tests ?? suite.name,
        ELIXIR_AGENT_RESULT_FILE: resultFile,
      },
    });
  } catch (err) {
    exitCode = typeof err?.code === 'number' ? err.code : 1;
    if (!(err && err.name === 'TestRunFailedError')) console.error(`suite ${suite.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let result;
  if (existsSync(resultFile)) {
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } else {
    // The runner never reported: VS Code or the extension host failed. A failure, never a silent pass.
    result = { suite: suite.name, passed: 0, failed: 1, pending: 0, failures: [{ title: `suite ${suite.name} did not report (VS Code exited with ${exitCode})`, error: '' }] };
  }
  if (exitCode !== 0 && result.failed === 0) {
    result.failed = 1;
    result.failures.push({ title: `suite ${suite.name}: VS Code exited with ${exitCode} although every test passed`, error: '' });
  }
  rmSync(temp, { recursive: true, force: true });
  copy?.cleanup();
  return { ...result, seconds };
}

async function main() {
  const args = process.argv.slice(2);
  const suites = loadSuites();
  if (args.includes('--list')) {
    for (const s of suites) console.log(`${s.name}\t${s.workspace}`);
    return 0;
  }
  const wanted = args.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !suites.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  const selected = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;

  ensureBuilt();
  const vscodeExecutablePath = process.env.ELIXIR_AGENT_VSCODE_EXECUTABLE || join(repoRoot, 'scripts/vscode-host.mjs');
  console.log(`integration: ${selected.length} suite(s) in ${vscodeExecutablePath}`);

  const results = [];
  for (const suite of selected) {
    console.log(`\n=== suite ${suite.name} (${suite.workspace}) ===`);
    results.push(await runSuite(suite, vscodeExecutablePath));
  }

  const total = { passed: 0, failed: 0, pending: 0 };
  console.log('\n=== integration results ===');
  for (const r of results) {
    total.passed += r.passed;
    total.failed += r.failed;
    total.pending += r.pending;
    console.log(`${r.failed ? 'FAIL' : 'ok  '} ${r.suite.padEnd(16)} ${r.passed} passed, ${r.failed} failed, ${r.pending} pending (${r.seconds} s)`);
    for (const f of r.failures) console.log(`       - ${f.title}`);
  }
  console.log(`ELIXIR_AGENT_RESULT passed=${total.passed} failed=${total.failed} pending=${total.pending}`);
  return total.failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`run-integration: ${err instanceof Error ? err.message : String(err)}`);
    console.log('ELIXIR_AGENT_RESULT passed=0 failed=1 pending=0');
    process.exit(1);
  },
);
