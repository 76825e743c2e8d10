/**
 * `elixir-agent run` and the repository's code: compiling (getDiagnostics,
 * diagnostics after an edit) and executeCode run it (mix.exs and macros run at
 * compile time), so they need --trust-project-code. Spawns dist/cli.js
 * against the scripted model server, in a mix project whose mix.exs writes a
 * file when anything loads it, with the machine's real mix.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const KEY = 'sk-ant-cli-trust-test-abcdef';
const UNUSED = 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)';

function ensureBuilt(): void {
  const sources = ['src/cli/run.ts', 'src/cli/main.ts', 'src/core/ide/mixProvider.ts', 'src/core/elixir/mixCompile.ts'].map((f) => statSync(path.join(root, f)).mtimeMs);
  const outputs = ['dist/cli.js', 'dist/cli-commands.js'].map((f) => path.join(root, f));
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= Math.max(...sources))) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  assert.equal(r.status, 0, 'npm run build failed');
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', '--no-user', ...args], { env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The tool_result blocks the model received, by tool_use id, as text; fails the test when one of `ids` has none. */
function results<Id extends string>(server: ScriptedModelServer, ...ids: Id[]): Record<Id, { text: string; isError: boolean }> {
  const out: Record<string, { text: string; isError: boolean }> = {};
  for (const req of server.messageRequests() as Array<{ messages: Array<{ content: unknown }> }>) {
    for (const m of req.messages) {
      for (const b of Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []) {
        if (b.type !== 'tool_result') continue;
        const c = b.content;
        const text = typeof c === 'string' ? c : (c as Array<{ text?: string }>).map((x) => x.text ?? '').join('\n');
        out[String(b.tool_use_id)] = { text, isError: b.is_error === true };
      }
    }
  }
  for (const id of ids) assert.ok(out[id], `a result for ${id} among ${JSON.stringify(Object.keys(out))}`);
  return out;
}

describe('elixir-agent run: the repository’s code runs only with --trust-project-code', function () {
  this.timeout(180_000);
  let server: ScriptedModelServer;
  let project: string;
  let env: Record<string, string>;
  const marker = () => path.join(project, 'mix_exs_ran');
  const macroMarker = () => path.join(project, 'macro_ran');

  before(ensureBuilt);
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-trust-'));
    await fs.mkdir(path.join(project, 'lib'));
    await fs.writeFile(
      path.join(project, 'mix.exs'),
      'File.write!(Path.join(__DIR__, "mix_exs_ran"), "yes")\n\ndefmodule Demo.MixProject do\n  use Mix.Project\n  def project, do: [app: :demo, version: "0.1.0", elixir: "~> 1.14", deps: []]\nend\n',
    );
    await fs.writeFile(path.join(project, 'lib/demo.ex'), 'defmodule Demo do\n  def f(x) do\n    unused = 1\n    x\n  end\nend\n');
    env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url };
  });
  afterEach(async () => {
    await server.close();
    await fs.rm(project, { recursive: true, force: true });
  });

  it('without it: a model allowed to Write cannot get code run through diagnostics or executeCode, and is told how to allow it', async () => {
    const evil = path.join(project, 'lib/evil.ex');
    server.enqueue(
      turn.toolUse('Write', { file_path: evil, content: `defmodule Evil do\n  File.write!(${JSON.stringify(macroMarker())}, "yes")\nend\n` }, { id: 'toolu_write' }),
      turn.toolUse('mcp__ide__getDiagnostics', {}, { id: 'toolu_diag' }),
      turn.toolUse('mcp__ide__executeCode', { code: 'File.write!("x", "y")' }, { id: 'toolu_exec' }),
      turn.text('I could not compile.'),
    );
    const r = await run(['--cwd', project, '--allow-tools', 'Write,mcp__ide__executeCode', 'Fix the compiler warnings'], env);
    assert.equal(r.code, 0, r.stderr);
    const got = results(server, 'toolu_write', 'toolu_diag', 'toolu_exec');
    assert.deepEqual([got.toolu_write.isError, /Diagnostics|compile/i.test(got.toolu_write.text)], [false, false], 'the write is not compiled');
    assert.equal(got.toolu_diag.isError, false);
    assert.match(got.toolu_diag.text, /^The project was not compiled: compiling runs the repository's code .* --trust-project-code .*\nSo there are no compiler diagnostics\. This does NOT mean the code has no problems\.$/s);
    assert.equal(got.toolu_exec.isError, true);
    assert.match(got.toolu_exec.text, /mcp__ide__executeCode runs the repository's code.*--trust-project-code/);
    assert.deepEqual([existsSync(marker()), existsSync(macroMarker()), existsSync(path.join(project, '_build'))], [false, false, false], 'nothing of the project ran');
    const system = (server.messageRequests()[0] as { system: Array<{ text: string }> }).system.map((b) => b.text).join('\n');
    assert.match(system, /the project's code may not run, so nothing is compiled for diagnostics/);
  });

  it('with it: the first getDiagnostics compiles the never-compiled project, and a written Elixir file comes back compiled', async () => {
    const added = path.join(project, 'lib/added.ex');
    server.enqueue(
      turn.toolUse('mcp__ide__getDiagnostics', {}, { id: 'toolu_diag' }),
      turn.toolUse('Write', { file_path: added, content: 'defmodule Added do\n  def g, do: missing_fun()\nend\n' }, { id: 'toolu_write' }),
      turn.text('Done.'),
    );
    const r = await run(['--cwd', project, '--allow-tools', 'Write', '--trust-project-code', 'Fix the compiler warnings'], env);
    assert.equal(r.code, 0, r.stderr);
    const got = results(server, 'toolu_diag', 'toolu_write');
    const [first, ...notes] = got.toolu_diag.text.split('\n');
    assert.deepEqual(
      JSON.parse(first!).map((f: { uri: string; diagnostics: Array<{ message: string; severity: string }> }) => [path.basename(f.uri), f.diagnostics.map((d) => [d.severity, d.message])]),
      [['demo.ex', [['Warning', UNUSED]]]],
    );
    assert.match(notes.join('\n'), /the first compile of this project/);
    assert.match(got.toolu_write.text, /Diagnostics for lib\/added\.ex after this change:\nProblems now reported in added\.ex \(compiled with mix\):\n- Error at line 2:\d+ \[mix\]: undefined function missing_fun\/0/);
    assert.match(r.stderr, /⏺ mcp__ide__getDiagnostics\n⏺ mcp__ide__getDiagnostics first compile of demo \(dependencies included\): it can take minutes\n⏺ mcp__ide__getDiagnostics compiled in [\d.]+ s\n/);
    assert.equal(existsSync(path.join(project, '_build/elixir_agent')), true);
  });

  it('elixir-agent diagnostics DIR is the user’s own request to compile: it compiles', async () => {
    const r = spawnSync(process.execPath, [cli, 'diagnostics', project], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].diagnostics[0].message, UNUSED);
    assert.match(r.stderr, /elixir-agent diagnostics: first compile of demo/);
    assert.equal(existsSync(marker()), true);
  });
});
