#!/usr/bin/env node
// Runs the UI tests (test/ui/**/*.test.ts) with mocha: each test file drives
// the real VS Code of the test host in Chromium through test/ui/harness.ts.
// Screenshots go to test-results/screenshots/.
// Usage: node scripts/run-ui.mjs [mocha args, e.g. --grep "chat view"]
// Builds dist/ when missing; always compiles test/ui (tsc -p test/ui/tsconfig.json).
// Prints a last line `ELIXIR_AGENT_RESULT passed=N failed=N pending=N`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostPaths, hostVersion, repoRoot } from './lib/vscode-host-lib.mjs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  return r.status ?? 1;
}

function fail(message) {
  console.error(`run-ui: ${message}`);
  console.log('ELIXIR_AGENT_RESULT passed=0 failed=1 pending=0');
  process.exit(1);
}

try {
  hostPaths();
} catch (err) {
  fail(err.message);
}
if (!existsSync(join(repoRoot, 'dist/extension.js')) && run('npm', ['run', 'build']) !== 0) fail('npm run build failed');
if (run(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'test/ui/tsconfig.json']) !== 0) fail('test/ui does not compile');

// The compiled tests whose source still exists (tsc never deletes stale outputs).
const outDir = join(repoRoot, 'out/test/ui');
const files = readdirSync(outDir, { recursive: true })
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => {
    const live = existsSync(join(repoRoot, 'test/ui', f.replace(/\.js$/, '.ts')));
    if (!live) console.log(`skipping out/test/ui/${f}: its source no longer exists`);
    return live;
  })
  .sort()
  .map((f) => join(outDir, f));
if (files.length === 0) fail('no UI tests found in test/ui');

const config = JSON.parse(readFileSync(join(repoRoot, '.mocharc.ui.json'), 'utf8'));
console.log(`ui: ${hostVersion().text}`);
const code = run(join(repoRoot, 'node_modules/.bin/mocha'), [
  '--timeout', String(config.timeout ?? 180000),
  '--reporter', join(repoRoot, 'scripts/mocha-summary-reporter.js'),
  ...process.argv.slice(2),
  ...files,
]);
process.exit(code);
