/**
 * Real runs of the machine's Elixir: mix compile for diagnostics, the
 * executeCode tool, and the `elixir-agent diagnostics` command, each on a
 * fresh copy of test/fixtures/plain_mix.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runMixCompile } from '../../../src/core/elixir/mixCompile';
import { killAll, processesWith, sleepToken } from '../../support/orphans';
import { executeCodeTool } from '../../../src/core/ide';
import type { ToolContext, ToolResult } from '../../../src/core/tools/types';

const repo = path.resolve(__dirname, '../../../..');
const fixture = path.join(repo, 'test/fixtures/plain_mix');
const variants = path.join(repo, 'test/fixtures/compiler-output/variants');
const cli = path.join(repo, 'out/src/cli/main.js');

let tmp: string;
function copyPlainMix(name: string): string {
  const dest = path.join(tmp, name);
  fs.cpSync(fixture, dest, { recursive: true, filter: (src) => !/[\\/](_build|deps)$/.test(src) });
  return dest;
}
const project = (root: string) => ({ root, app: 'plain_mix', apps: [] });
/** [file, line, severity, code], sorted by place (mix prints errors and replayed warnings in no fixed order). */
const brief = (list: Awaited<ReturnType<typeof runMixCompile>>['diagnostics'], root: string) =>
  list.map((d) => [path.relative(root, d.file), d.line, d.severity, d.code]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** The text of a result's first item ('' when it has none or it is not text). */
function firstText(r: ToolResult): string {
  const [first] = r.content;
  return first?.type === 'text' ? first.text : '';
}

function ctx(cwd: string, folder = cwd, signal = new AbortController().signal): ToolContext {
  return {
    workspaceFolders: [folder],
    cwd,
    signal,
    files: { readText: async () => ({ text: '', version: '' }), version: async () => undefined, writeText: async () => undefined },
    reads: { markRead: () => undefined, lastRead: () => undefined },
    services: {},
  };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: tmp });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves once no process of the group is left (polling kill(-pgid, 0), bounded). */
async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

describe('real mix runs (Elixir on this machine)', function () {
  this.timeout(120_000);
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-mix-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("compiles into its own build path, reports the warning, then an error, then clears what was fixed", async () => {
    const root = copyPlainMix('compile');
    const first = await runMixCompile({ project: project(root) });
    assert.deepEqual([first.exitCode, brief(first.diagnostics, root)], [0, [['lib/plain_mix/counter.ex', 5, 'warning', undefined]]]);
    assert.deepEqual(fs.readdirSync(path.join(root, '_build')), ['elixir_agent'], "the user's _build/dev is left alone");

    fs.copyFileSync(path.join(variants, 'broken.ex'), path.join(root, 'lib/plain_mix/broken.ex'));
    const broken = await runMixCompile({ project: project(root) });
    assert.notEqual(broken.exitCode, 0);
    assert.deepEqual(brief(broken.diagnostics, root), [
      ['lib/plain_mix/broken.ex', 3, 'error', 'CompileError'],
      ['lib/plain_mix/counter.ex', 5, 'warning', undefined],
    ]);

    fs.rmSync(path.join(root, 'lib/plain_mix/broken.ex'));
    const fixed = await runMixCompile({ project: project(root) });
    // Incremental, yet complete: --all-warnings replays the unchanged file's warning.
    assert.deepEqual([fixed.exitCode, brief(fixed.diagnostics, root)], [0, [['lib/plain_mix/counter.ex', 5, 'warning', undefined]]]);
  });

  it('cancelling stops the whole process tree and reports nothing', async () => {
    const root = copyPlainMix('cancel');
    const ac = new AbortController();
    let pgid = 0;
    const result = await runMixCompile({
      project: project(root),
      extraArgs: ['--force'],
      signal: ac.signal,
      onSpawn: (pid) => (pgid = pid),
      onOutput: () => ac.abort(), // the BEAM is up and compiling
    });
    assert.deepEqual([result.cancelled, result.diagnostics], [true, []]);
    assert.ok(pgid > 0);
    if (process.platform !== 'win32') assert.equal(await groupGone(pgid), true, 'no process of the compile is left');
  });

  it('a missing mix executable is a clear error', async () => {
    await assert.rejects(runMixCompile({ project: project(tmp), mixCommand: '/nonexistent/mix' }), /'\/nonexistent\/mix' was not found/);
  });

  describe('mcp__ide__executeCode', () => {
    it('evaluates in the project with mix run: result, output, exit status', async () => {
      const root = copyPlainMix('eval');
      const tool = executeCodeTool();
      const approval = await tool.describe!({ code: 'PlainMix.hello("Ada")' }, ctx(path.join(root, 'lib'), root));
      assert.deepEqual(approval, {
        title: 'Evaluate Elixir with mix run in eval',
        command: 'PlainMix.hello("Ada")',
        warning: 'Starts your application (supervision tree, repos) in a new VM and runs the code there.',
        askEveryTime: true,
      });
      const ok = await tool.invoke({ code: 'IO.puts("side output")\nPlainMix.hello("Ada")' }, ctx(path.join(root, 'lib'), root));
      const text = firstText(ok);
      assert.equal(ok.isError, undefined);
      assert.match(text, /^Exit status 0 \([\d.]+ s, mix run in .*eval\)\.\n\nResult:\n"Hello, Ada!"\n\nOutput:\n[\s\S]*side output/);
      assert.equal(ok.display?.exitCode, 0);

      const failed = await tool.invoke({ code: 'raise "boom"' }, ctx(root));
      const failedText = firstText(failed);
      assert.equal(failed.isError, true);
      assert.match(failedText, /^Exit status 1 [\s\S]*Errors and warnings:\n[\s\S]*\*\* \(RuntimeError\) boom/);
      assert.doesNotMatch(failedText, /Result:/);
    });

    it('outside a project it uses elixir; bad input, timeouts and the Tidewave hint', async () => {
      const plain = fs.mkdtempSync(path.join(tmp, 'no-project-'));
      let tidewave = false;
      const tool = executeCodeTool({ isTidewaveConnected: () => tidewave });
      // A short timeout only where it is meant to fire (a loaded machine may take seconds to start a VM).
      const impatient = executeCodeTool({ timeoutMs: 3000 });
      const r = await tool.invoke({ code: 'Enum.sum([1, 2, 3])' }, ctx(plain));
      assert.match(firstText(r), /^Exit status 0 \([\d.]+ s, elixir in .*\)\.\n\nResult:\n6$/);

      const slow = await impatient.invoke({ code: 'Process.sleep(:infinity)' }, ctx(plain));
      assert.deepEqual([slow.isError, firstText(slow).split('\n')[0]], [true, 'Timed out after 3 s; the process was stopped.']);

      // What the code starts and leaves running is stopped when the run ends, and the result says so.
      const token = sleepToken();
      try {
        const daemon = await tool.invoke({ code: `System.cmd("sh", ["-c", "setsid sleep ${token} >/dev/null 2>&1 &"])\n:started` }, ctx(plain));
        const daemonText = firstText(daemon);
        assert.match(daemonText, new RegExp(`^Exit status 0 .*\\n\\nThe code left 1 process running \\(\`sleep ${token.replace('.', '\\.')}\` \\(pid \\d+\\)\\); stopped, since nothing a run starts outlives it\\.\\n\\nResult:\\n:started$`));
        assert.deepEqual(processesWith(token), []);
      } finally {
        killAll(token);
      }

      const empty = await tool.invoke({ code: '  ' }, ctx(plain));
      assert.deepEqual([empty.isError, empty.content[0]], [true, { type: 'text', text: 'Parameter code must be a non-empty string of Elixir code.' }]);

      assert.doesNotMatch(tool.description, /project_eval/);
      tidewave = true;
      assert.match(tool.description, /mcp__tidewave__project_eval evaluates code inside the RUNNING app/);
    });
  });

  describe('elixir-agent diagnostics', () => {
    it('prints exactly the getDiagnostics JSON; exit 0 with warnings only, 1 with errors, 2 without a project', async () => {
      const root = copyPlainMix('cli');
      const clean = await runCli(['diagnostics', root]);
      const counter = pathToFileURL(path.join(root, 'lib/plain_mix/counter.ex')).href;
      assert.equal(clean.code, 0, clean.stderr);
      assert.deepEqual(JSON.parse(clean.stdout), [
        {
          uri: counter,
          diagnostics: [
            {
              message: 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)',
              severity: 'Warning',
              range: { start: { line: 4, character: 4 }, end: { line: 4, character: 41 } },
              source: 'mix',
            },
          ],
        },
      ]);
      assert.equal(clean.stdout.trim().split('\n').length, 1, 'stdout holds the JSON only');

      fs.copyFileSync(path.join(variants, 'broken.ex'), path.join(root, 'lib/plain_mix/broken.ex'));
      const broken = await runCli(['diagnostics', root]);
      assert.equal(broken.code, 1);
      const files = JSON.parse(broken.stdout) as Array<{ uri: string; diagnostics: Array<{ severity: string; code?: string; range: unknown }> }>;
      const brokenFile = files.find((f) => f.uri.endsWith('/broken.ex'));
      assert.deepEqual(brokenFile?.diagnostics.map((d) => [d.severity, d.code, d.range]), [
        ['Error', 'CompileError', { start: { line: 2, character: 4 }, end: { line: 2, character: 19 } }],
      ]);

      const none = await runCli(['diagnostics', path.join(root, 'lib')]);
      assert.deepEqual([none.code, none.stdout], [2, '']);
      assert.match(none.stderr, /no mix project \(mix\.exs\) in .*lib/);
      const usage = await runCli(['diagnostics', '--bogus']);
      assert.deepEqual([usage.code, /unknown option --bogus/.test(usage.stderr)], [2, true]);
    });
  });
});
