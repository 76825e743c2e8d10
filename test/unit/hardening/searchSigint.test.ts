/**
 * Ctrl+C during a long search (issue 13, item 5: "ignore Ctrl+C"). The built
 * CLI (dist/cli.js, rebuilt when older than the sources) runs a Glob whose
 * pattern is `**\/` x200 + nomatch while its ripgrep (a stand-in on PATH)
 * prints a path 40 folders deep and then never finishes, as in a huge tree.
 * Before, matching that one line blocked the process for minutes and SIGINT
 * waited behind it; now the CLI stops: exit 130, "interrupted", the search's
 * ripgrep is gone and no tool result went to the model.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { alive, stalledRipgrep, until } from './searchHelpers';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const KEY = 'sk-ant-hardening-sigint-0001';

/** The newest modification time of the .ts files below `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const newest = Math.max(newestSource(path.join(root, 'src/core')), newestSource(path.join(root, 'src/cli')));
  if (existsSync(cli) && existsSync(path.join(root, 'dist/grepWorker.js')) && statSync(cli).mtimeMs >= newest) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  assert.equal(r.status, 0, 'npm run build failed');
}

describe('hardening: Ctrl+C stops the CLI during a long search', function () {
  this.timeout(120_000);
  let server: ScriptedModelServer;
  let project: string;
  let bin: string;

  before(ensureBuilt);
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-sigint-'));
    bin = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-sigint-bin-'));
    await fs.mkdir(path.join(project, '.claude/agents'), { recursive: true });
    await fs.mkdir(path.join(project, 'lib'));
    await fs.writeFile(path.join(project, 'lib/app.ex'), 'defmodule App do\nend\n');
    await fs.writeFile(path.join(project, '.claude/agents/finder.md'), '---\nname: finder\ndescription: Finds files\ntools: Glob, Grep\n---\nYou find files.\n');
  });
  afterEach(async () => {
    await server.close();
    await fs.rm(project, { recursive: true, force: true });
    await fs.rm(bin, { recursive: true, force: true });
  });

  function runCli(prompt: string, pathEnv: string) {
    const child = spawn(process.execPath, [cli, 'run', '--no-user', '--agent', 'finder', '--cwd', project, prompt], {
      env: { PATH: pathEnv, HOME: os.tmpdir(), ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { stderr: '' };
    child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    return { child, out, exited };
  }

  it('exits 130 at once, and the search it was running is gone', async () => {
    const { pidFile } = stalledRipgrep(bin, `${'a/'.repeat(40)}x.ex`);
    server.enqueue(turn.toolUse('Glob', { pattern: `${'**/'.repeat(200)}nomatch` }, { id: 'toolu_glob' }), turn.text('Nothing found.'));
    const { child, out, exited } = runCli('Find it', `${bin}${path.delimiter}${process.env.PATH}`);
    try {
      // The search is under way once its ripgrep has printed the deep path.
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n') && out.stderr.includes('⏺ Glob'));
      child.kill('SIGINT');
      assert.equal(await exited, 130, out.stderr);
      assert.match(out.stderr, /elixir-agent: interrupted/);
      assert.equal(alive(Number(readFileSync(pidFile, 'utf8'))), false);
      assert.equal(server.messageRequests().length, 1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('without ripgrep, the bundled CLI runs Grep in its worker (dist/grepWorker.js)', async () => {
    server.enqueue(turn.toolUse('Grep', { pattern: 'defmodule \\w+', output_mode: 'content' }, { id: 'toolu_grep' }), turn.text('One module.'));
    // An empty PATH folder: no rg anywhere.
    const { child, out, exited } = runCli('Which modules?', bin);
    try {
      assert.equal(await exited, 0, out.stderr);
      const result = server.messageRequests()[1].messages[2].content[0];
      assert.deepEqual([result.tool_use_id, result.is_error ?? false, result.content[0].text], ['toolu_grep', false, `${path.join(project, 'lib/app.ex')}:1:defmodule App do`]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
