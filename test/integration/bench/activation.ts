/**
 * Benchmark entry for the real VS Code extension host (not a test: no
 * assertions on time). scripts/bench/activation.mjs starts the test host with
 * this file as `extensionTestsPath`; `run()` measures and writes JSON to
 * ELIXIR_AGENT_BENCH_OUT. Modes (ELIXIR_AGENT_BENCH_MODE):
 *   explicit  the workspace has no Elixir, so nothing activated the extension
 *             at startup: activate it here, then load the runtime through the
 *             extension's API and time both.
 *   startup   the workspace is a mix project: VS Code activated the extension
 *             while the workbench started (workspaceContains); read its figure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../../src/vscode/ids';

interface BenchReport {
  mode: string;
  activeAtStart?: boolean;
  /** activate() from its first line to its return, as the extension measures it. */
  activationMs?: number;
  /** ext.activate() as seen by a caller (VS Code's own work included). */
  activateCallMs?: number;
  /** From activation to a ready runtime (require of dist/runtime.js + createRuntime). */
  runtimeReadyMs?: number;
  /** A second, fresh require of dist/runtime.js: module evaluation alone. */
  runtimeRequireMs?: number;
  /** Files of the extension in the module cache right after activation. */
  loadedAfterActivation?: string[];
  vscodeVersion: string;
  error?: string;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function run(): Promise<void> {
  const mode = process.env.ELIXIR_AGENT_BENCH_MODE ?? 'explicit';
  const report: BenchReport = { mode, vscodeVersion: vscode.version };
  try {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not loaded as a development extension`);
    const dist = path.join(ext.extensionPath, 'dist') + path.sep;
    const ours = (file: string) => file.startsWith(dist);
    report.activeAtStart = ext.isActive;
    if (mode === 'startup') {
      await waitUntil(() => ext.isActive, 'activation at startup');
      report.activationMs = ext.exports.activationMs;
    } else {
      if (ext.isActive) throw new Error('the extension was already active: the workspace must not contain Elixir');
      const t0 = performance.now();
      const api = await ext.activate();
      const activated = performance.now();
      // Taken before the runtime is asked for; the runtime's background start
      // (setTimeout 0) may already have begun, so this shows at most runtime.js.
      report.loadedAfterActivation = Object.keys(require.cache).filter(ours).map((f) => path.relative(ext.extensionPath, f));
      await api.runtime();
      const ready = performance.now();
      report.activationMs = api.activationMs;
      report.activateCallMs = activated - t0;
      report.runtimeReadyMs = ready - activated;
      const runtimeFile = path.join(ext.extensionPath, 'dist', 'runtime.js');
      delete require.cache[require.resolve(runtimeFile)];
      const r0 = performance.now();
      // A fresh evaluation of the bundle, as on first load (the cached one was just dropped).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(runtimeFile);
      report.runtimeRequireMs = performance.now() - r0;
    }
  } catch (err) {
    report.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  const out = process.env.ELIXIR_AGENT_BENCH_OUT;
  if (out) fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.log(`ELIXIR_AGENT_BENCH ${JSON.stringify(report)}`);
  if (report.error) throw new Error(report.error);
}
