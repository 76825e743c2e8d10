/**
 * `elixir-agent diagnostics` with more diagnostics than --max: the note on
 * stderr tells a person at a terminal what the CLI itself accepts (--file,
 * --max), and --file gives all of one file. Real mix on a copy of
 * test/fixtures/plain_mix with a second module full of warnings.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = path.resolve(__dirname, '../../../..');
const cli = path.join(repo, 'out/src/cli/main.js');

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'diagnostics', ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const NOISY = `defmodule PlainMix.Noisy do
  def one(a, b) do
    unused = a
    also_unused = b
    :ok
  end
end
`;

describe('elixir-agent diagnostics: capped results', function () {
  this.timeout(180_000);
  let tmp: string;
  let root: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-diag-cli-'));
    root = path.join(tmp, 'plain_mix');
    fs.cpSync(path.join(repo, 'test/fixtures/plain_mix'), root, { recursive: true, filter: (src) => !/[\\/](_build|deps)$/.test(src) });
    fs.writeFileSync(path.join(root, 'lib/plain_mix/noisy.ex'), NOISY);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('says how to see the rest with the options the CLI has, and --file gives all of one file', async () => {
    const capped = await runCli([root, '--max', '1'], tmp);
    assert.equal(capped.code, 0, capped.stderr);
    assert.equal((JSON.parse(capped.stdout) as unknown[]).length, 1);
    const note = capped.stderr.trim().split('\n').at(-1);
    // Which warning is kept depends on the order mix compiles the files in.
    assert.match(note ?? '', /^Showing 1 of 3 diagnostics, most severe first\. Left out: 2 warnings in (1 file|2 files)\. Run again with --file PATH to get all of one file, or raise --max\.$/);

    const one = await runCli([root, '--file', 'plain_mix/lib/plain_mix/noisy.ex'], tmp);
    assert.equal(one.code, 0, one.stderr);
    const files = JSON.parse(one.stdout) as Array<{ uri: string; diagnostics: Array<{ message: string }> }>;
    assert.deepEqual(
      files.map((f) => [f.uri, f.diagnostics.map((d) => d.message.split(' ')[1]).sort()]),
      [[pathToFileURL(path.join(root, 'lib/plain_mix/noisy.ex')).href, ['"also_unused"', '"unused"']]],
    );
    const stillCapped = await runCli([root, '--file', path.join(root, 'lib/plain_mix/noisy.ex'), '--max', '1'], tmp);
    assert.match(stillCapped.stderr, /Left out: 1 warning in 1 file\. Raise --max to see more\.\n?$/);
    const usage = await runCli([root, '--file'], tmp);
    assert.deepEqual([usage.code, usage.stderr.split('\n')[0]], [2, 'elixir-agent diagnostics: --file needs a path']);
  });
});
