/**
 * The built CLI (dist/cli.js) for the hardening suites: built when missing or
 * older than any source file, spawned with a clean environment (no inherited
 * API key), its output collected.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '../../../..');
export const cli = path.join(root, 'dist/cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  if (existsSync(cli) && statSync(cli).mtimeMs >= newestSource(path.join(root, 'src'))) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  assert.equal(r.status, 0, 'npm run build failed');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Collects a spawned CLI's output until it exits. */
export function collect(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `node dist/cli.js ARGS` with only PATH, HOME and `env` in its environment. */
export function spawnCli(args: string[], env: Record<string, string | undefined>, home: string, stdio: StdioOptions = ['ignore', 'pipe', 'pipe']): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, HOME: home, ...env }, stdio });
}

export function runCli(args: string[], env: Record<string, string | undefined>, home: string): Promise<CliResult> {
  return collect(spawnCli(args, env, home));
}
