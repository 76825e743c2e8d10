import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMcpManager, McpManager } from '../../../src/core/mcp';
import { startTidewaveServer, TIDEWAVE_TOOLS, type TidewaveTestServer } from '../../support/tidewaveServer';
import { call, freePort, startTidewaveProcess, status, textOf, toolContext, waitForState } from './helpers';

const FAST = { backoff: { initialMs: 50, maxMs: 200 }, healthIntervalMs: 0 };

async function tidewaveProject(port: number): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-project-'));
  await fs.writeFile(
    path.join(dir, 'mix.exs'),
    `defmodule MyApp.MixProject do\n  use Mix.Project\n  defp deps do\n    [\n      {:phoenix, "~> 1.7"},\n      {:tidewave, "~> 0.9", only: :dev}\n    ]\n  end\nend\n`,
  );
  await fs.mkdir(path.join(dir, 'config'));
  await fs.writeFile(path.join(dir, 'config', 'dev.exs'), `config :my_app, MyAppWeb.Endpoint,\n  http: [ip: {127, 0, 0, 1}, port: ${port}],\n  debug_errors: true\n`);
  return dir;
}

describe('MCP against a Tidewave-like server', function () {
  this.timeout(30_000);
  let tw: TidewaveTestServer;
  let manager: McpManager | undefined;

  beforeEach(async () => {
    tw = await startTidewaveServer();
  });
  afterEach(async () => {
    await manager?.dispose();
    manager = undefined;
    await tw.close();
  });

  it('connects despite its quirks and exposes its v0.9 tools with their schemas', async () => {
    manager = new McpManager({ servers: [{ name: 'tidewave', config: { type: 'http', url: tw.url }, source: 'api' }], ...FAST });
    manager.start();
    const s = await waitForState(manager, 'tidewave', 'connected');
    assert.deepEqual(
      { state: s.state, tools: s.tools, serverInfo: s.serverInfo, tidewave: s.tidewave },
      {
        state: 'connected',
        tools: TIDEWAVE_TOOLS.map((t) => `mcp__tidewave__${t.name}`),
        serverInfo: { name: 'Tidewave MCP Server', version: '0.9.0' },
        tidewave: true,
      },
    );
    const getLogs = manager.tools().find((t) => t.name === 'mcp__tidewave__get_logs');
    assert.deepEqual(
      getLogs && { kind: getLogs.kind, readOnly: getLogs.readOnly, schema: getLogs.inputSchema },
      { kind: 'mcp', readOnly: false, schema: TIDEWAVE_TOOLS[0]!.inputSchema },
    );
    // The SDK tried its GET stream once, got 405 and carried on; no request carried an Origin header.
    await tw.waitForRequest((r) => r.method === 'GET');
    assert.deepEqual(tw.requests.map((r) => `${r.method} ${r.status} ${r.rpc.join(',')}`).sort(), [
      'GET 405 ',
      'POST 200 initialize',
      'POST 200 tools/list',
      'POST 202 notifications/initialized',
    ]);
    assert.ok(tw.requests.every((r) => r.headers.origin === undefined));
    assert.equal(tw.requests.at(-1)?.headers['mcp-protocol-version'], '2025-03-26');
  });

  it('returns the server answers as tool results, isError as is_error', async () => {
    manager = new McpManager({ servers: [{ name: 'tidewave', config: { type: 'http', url: tw.url }, source: 'api' }], ...FAST });
    manager.start();
    await waitForState(manager, 'tidewave', 'connected');
    tw.log('error', '** (RuntimeError) boom in MyAppWeb.PageController');
    const logs = await call(manager, 'mcp__tidewave__get_logs', { tail: 2, level: 'error' });
    assert.equal(logs.isError, undefined);
    assert.match(textOf(logs), /\[error\] \*\* \(Ecto\.NoResultsError\)[^\n]*\n[^\n]*\[error\] \*\* \(RuntimeError\) boom in MyAppWeb\.PageController$/);

    const unknown = await call(manager, 'mcp__tidewave__get_source_location', { reference: 'MyApp.Nope' });
    assert.deepEqual(unknown, { content: [{ type: 'text', text: 'Could not find source for MyApp.Nope' }], isError: true });
    const dep = await call(manager, 'mcp__tidewave__get_source_location', { reference: 'dep:phoenix' });
    assert.deepEqual(dep, { content: [{ type: 'text', text: 'deps/phoenix' }] });

    const sql = await call(manager, 'mcp__tidewave__execute_sql_query', { query: 'SELECT id, email FROM users WHERE id = $1', arguments: [2] });
    assert.equal(textOf(sql), '%Postgrex.Result{command: :select, columns: ["id", "email"], rows: [[2, "chris@example.com"]], num_rows: 1}');

    // What the user approves: the exact arguments.
    const tool = manager.tools().find((t) => t.name === 'mcp__tidewave__get_docs');
    assert.ok(tool);
    const approval = await tool.describe?.({ reference: 'Enum.map/2' }, undefined as never);
    assert.deepEqual(approval, { title: 'tidewave: get_docs', command: '{\n  "reference": "Enum.map/2"\n}' });
  });

  it('evaluates Elixir for real with project_eval, and its approval card shows the code', async function () {
    this.timeout(60_000);
    manager = new McpManager({ servers: [{ name: 'tidewave', config: { type: 'http', url: tw.url }, source: 'api' }], ...FAST });
    manager.start();
    await waitForState(manager, 'tidewave', 'connected');
    const tool = manager.tools().find((t) => t.name === 'mcp__tidewave__project_eval');
    assert.ok(tool);
    assert.deepEqual(await tool.describe?.({ code: 'Enum.sum(arguments)' }, undefined as never), { title: 'tidewave: project_eval', command: 'Enum.sum(arguments)' });
    const [ok, failed] = await Promise.all([
      call(manager, 'mcp__tidewave__project_eval', { code: 'IO.puts("hi"); Enum.sum(arguments)', arguments: [1, 2, 3] }),
      call(manager, 'mcp__tidewave__project_eval', { code: 'raise ArgumentError, "nope"' }),
    ]);
    assert.deepEqual(ok, { content: [{ type: 'text', text: 'IO output:\n\nhi\n\n\nResult:\n\n6' }] });
    assert.equal(failed.isError, true);
    assert.match(textOf(failed), /\*\* \(ArgumentError\) nope/);
  });

  it('is discovered from mix.exs and config/dev.exs, waits for the app, and connects when it starts', async () => {
    await tw.close();
    const port = await freePort();
    const dir = await tidewaveProject(port);
    manager = await createMcpManager({ cwd: dir, ...FAST });
    const down = await waitForState(manager, 'tidewave', 'down');
    assert.deepEqual(
      { source: down.source, target: down.target, tools: down.tools, detail: down.detail },
      {
        source: 'tidewave',
        target: `http://127.0.0.1:${port}/tidewave/mcp`,
        tools: [],
        detail: `the Phoenix app is not running (nothing listens at 127.0.0.1:${port}); Tidewave will connect when it starts`,
      },
    );
    assert.deepEqual(manager.tools(), []);
    tw = await startTidewaveServer({ port });
    const up = await waitForState(manager, 'tidewave', 'connected');
    assert.equal(up.tools.length, TIDEWAVE_TOOLS.length);
  });

  it('gives an error result when the app is killed mid-use, then reconnects once it is back', async () => {
    const first = await startTidewaveProcess();
    const url = `http://127.0.0.1:${first.port}/tidewave/mcp`;
    manager = new McpManager({ servers: [{ name: 'tidewave', config: { type: 'http', url }, source: 'api', tidewave: true }], ...FAST });
    manager.start();
    await waitForState(manager, 'tidewave', 'connected');
    const before = await call(manager, 'mcp__tidewave__get_docs', { reference: 'Enum.map/2' });
    assert.match(textOf(before), /^# Enum\.map\/2/);
    const tool = manager.tools().find((t) => t.name === 'mcp__tidewave__get_docs');
    assert.ok(tool);

    await first.stop();
    const failed = await tool.invoke({ reference: 'Enum' }, toolContext());
    assert.equal(failed.isError, true);
    assert.match(textOf(failed), /^MCP server "tidewave" is (not reachable \(connection refused\)|down: )/);
    assert.equal(status(manager, 'tidewave')?.state === 'connected', false);

    const second = await startTidewaveProcess(first.port);
    try {
      await waitForState(manager, 'tidewave', 'connected');
      // The tool object the model already holds works again.
      const after = await tool.invoke({ reference: 'Enum' }, toolContext());
      assert.deepEqual(after, { content: [{ type: 'text', text: '# Enum\n\nFunctions for working with collections (known as enumerables).' }] });
    } finally {
      await second.stop();
    }
  });

  it('retries a down server at once when the model calls it, without waiting for the backoff', async () => {
    manager = new McpManager({
      servers: [{ name: 'tidewave', config: { type: 'http', url: tw.url }, source: 'api' }],
      backoff: { initialMs: 600_000, maxMs: 600_000 },
      healthIntervalMs: 0,
    });
    manager.start();
    await waitForState(manager, 'tidewave', 'connected');
    const tool = manager.tools().find((t) => t.name === 'mcp__tidewave__get_source_location');
    assert.ok(tool);
    await tw.close();
    assert.equal((await tool.invoke({ reference: 'dep:ecto' }, toolContext())).isError, true);
    assert.equal(status(manager, 'tidewave')?.state, 'down');
    tw = await startTidewaveServer({ port: tw.port });
    assert.deepEqual(await tool.invoke({ reference: 'dep:ecto' }, toolContext()), { content: [{ type: 'text', text: 'deps/ecto' }] });
    assert.equal(status(manager, 'tidewave')?.state, 'connected');
  });

  it('refuses what real Tidewave refuses (Origin header, GET, initialize without protocolVersion)', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(tw.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const withOrigin = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { origin: 'http://evil.example' });
    const get = await fetch(tw.url);
    const noVersion = (await (await post({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { capabilities: {} } })).json()) as { error?: { code: number } };
    const notification = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    assert.deepEqual([withOrigin.status, get.status, noVersion.error?.code, notification.status], [403, 405, -32602, 202]);
  });
});
