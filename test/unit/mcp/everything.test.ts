import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMcpManager, McpManager } from '../../../src/core/mcp';
import type { McpApprovalRequest, McpServerSpec } from '../../../src/core/mcp/types';
import { call, everythingBin, repoRoot, startEverythingHttp, status, textOf, waitForState } from './helpers';

const FAST = { backoff: { initialMs: 50, maxMs: 200, maxStdioAttempts: 3 }, healthIntervalMs: 0 };

const stdioSpec = (extra: Partial<{ env: Record<string, string> }> = {}): McpServerSpec => ({
  name: 'everything',
  config: { type: 'stdio', command: process.execPath, args: [everythingBin, 'stdio'], cwd: repoRoot, ...extra },
  source: 'mcp.json',
  origin: '/project/.mcp.json',
});

describe('MCP against the reference server (server-everything)', function () {
  this.timeout(30_000);
  let manager: McpManager | undefined;
  afterEach(async () => {
    await manager?.dispose();
    manager = undefined;
  });

  describe('over stdio', () => {
    it('starts once approved, maps annotations, passes results and isError through', async () => {
      const asked: McpApprovalRequest[] = [];
      manager = new McpManager({ servers: [stdioSpec({ env: { EA_TEST: 'from-mcp-json' } })], approve: (r) => (asked.push(r), true), ...FAST });
      manager.start();
      const s = await waitForState(manager, 'everything', 'connected');
      assert.deepEqual(
        asked.map((r) => ({ name: r.name, transport: r.transport, command: r.command, args: r.args, cwd: r.cwd, env: r.envNames, origin: r.origin, hash: r.hash.length })),
        [{ name: 'everything', transport: 'stdio', command: process.execPath, args: [everythingBin, 'stdio'], cwd: repoRoot, env: ['EA_TEST'], origin: '/project/.mcp.json', hash: 32 }],
      );
      assert.ok(s.tools.includes('mcp__everything__echo') && s.tools.includes('mcp__everything__get-sum'), s.tools.join());
      assert.deepEqual(s.serverTools, s.tools.map((t) => t.replace(/^mcp__everything__/, '')));
      const byName = new Map(manager.tools().map((t) => [t.name, t]));
      assert.deepEqual(
        ['mcp__everything__echo', 'mcp__everything__gzip-file-as-resource'].map((n) => {
          const t = byName.get(n);
          return t && { kind: t.kind, readOnly: t.readOnly, required: t.inputSchema.required };
        }),
        [
          { kind: 'mcp', readOnly: true, required: ['message'] },
          { kind: 'mcp', readOnly: false, required: undefined },
        ],
      );

      const [echo, env, bad, image] = await Promise.all([
        call(manager, 'mcp__everything__echo', { message: 'hello' }),
        call(manager, 'mcp__everything__get-env', {}),
        call(manager, 'mcp__everything__get-sum', { a: 1 }),
        call(manager, 'mcp__everything__get-tiny-image', {}),
      ]);
      assert.deepEqual(echo, { content: [{ type: 'text', text: 'Echo: hello' }] });
      // The server inherits the environment plus its own env from .mcp.json.
      assert.equal((JSON.parse(textOf(env)) as Record<string, string>).EA_TEST, 'from-mcp-json');
      assert.equal(bad.isError, true);
      assert.match(textOf(bad), /Input validation error/);
      assert.deepEqual(
        image.content.map((c) => (c.type === 'image' ? `image ${c.source.media_type}` : 'text')),
        ['text', 'image image/png', 'text'],
      );
      // Stopped with the manager (the extension's dispose).
      const pid = serverPid(manager);
      await manager.dispose();
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    });

    it('starts from a project .mcp.json headless (createMcpManager), with ${VAR} expansion', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mcp-headless-'));
      await fs.writeFile(
        path.join(dir, '.mcp.json'),
        JSON.stringify({ mcpServers: { everything: { command: '${EA_NODE}', args: ['${EA_BIN}', 'stdio'], env: { EA_FROM: '${EA_FROM:-default}' } } } }),
      );
      manager = await createMcpManager({ cwd: dir, approve: () => true, env: { ...process.env, EA_NODE: process.execPath, EA_BIN: everythingBin }, ...FAST });
      await manager.whenSettled();
      assert.deepEqual(
        manager.states().map((s) => ({ name: s.name, state: s.state, source: s.source, target: s.target })),
        // The status shows the definition as declared, not the values.
        [{ name: 'everything', state: 'connected', source: 'mcp.json', target: '${EA_NODE} ${EA_BIN} stdio' }],
      );
      const env = JSON.parse(textOf(await call(manager, 'mcp__everything__get-env', {}))) as Record<string, string>;
      assert.deepEqual([env.EA_FROM, env.EA_BIN], ['default', everythingBin]);
    });

    it('stays disabled in an untrusted workspace and until the user approves it', async () => {
      manager = new McpManager({ servers: [stdioSpec()], trusted: false, approve: () => true, ...FAST });
      manager.start();
      const untrusted = await waitForState(manager, 'everything', 'disabled');
      assert.deepEqual(
        { detail: untrusted.detail, tools: manager.tools() },
        { detail: 'servers the repository declares are used only in a trusted workspace (Restricted Mode)', tools: [] },
      );
      await manager.dispose();

      let answer = false;
      manager = new McpManager({ servers: [stdioSpec()], approve: () => answer, ...FAST });
      manager.start();
      const refused = await waitForState(manager, 'everything', 'disabled', (s) => !!s.detail?.startsWith('not approved'));
      assert.equal(refused.needsApproval, true);
      answer = true;
      await manager.reconnect('everything');
      assert.equal(status(manager, 'everything')?.state, 'connected');
    });

    it('gives an error result when the server dies mid-call, then restarts it', async () => {
      manager = new McpManager({ servers: [stdioSpec()], approve: () => true, ...FAST });
      manager.start();
      await waitForState(manager, 'everything', 'connected');
      const env = JSON.parse(textOf(await call(manager, 'mcp__everything__get-env', {}))) as Record<string, string>;
      assert.ok(env.PATH);
      const pidBefore = serverPid(manager);
      const running = call(manager, 'mcp__everything__trigger-long-running-operation', { duration: 20, steps: 20 });
      process.kill(pidBefore, 'SIGKILL');
      const result = await running;
      assert.equal(result.isError, true);
      assert.match(textOf(result), /^MCP server "everything" closed the connection while running trigger-long-running-operation/);
      await waitForState(manager, 'everything', 'connected');
      assert.notEqual(serverPid(manager), pidBefore);
      assert.deepEqual(await call(manager, 'mcp__everything__echo', { message: 'back' }), { content: [{ type: 'text', text: 'Echo: back' }] });
    });

    it('times out a call that takes too long, and cancels on abort', async () => {
      manager = new McpManager({ servers: [stdioSpec()], approve: () => true, callTimeoutMs: 300, ...FAST });
      manager.start();
      await waitForState(manager, 'everything', 'connected');
      const slow = await call(manager, 'mcp__everything__trigger-long-running-operation', { duration: 5, steps: 1 });
      assert.deepEqual(slow, {
        content: [{ type: 'text', text: 'MCP server "everything" did not answer trigger-long-running-operation within 300 ms; the call was cancelled.' }],
        isError: true,
      });
      const ac = new AbortController();
      const pending = call(manager, 'mcp__everything__trigger-long-running-operation', { duration: 5, steps: 1 }, ac.signal);
      ac.abort();
      assert.match(textOf(await pending), /was cancelled\.$/);
      // The server is still fine afterwards.
      assert.equal(status(manager, 'everything')?.state, 'connected');
    });

    it('reports a command that cannot start, with a bounded number of retries', async () => {
      manager = new McpManager({
        servers: [{ name: 'broken', config: { type: 'stdio', command: '/nonexistent/mcp-server', args: [] }, source: 'settings' }],
        approve: () => true,
        ...FAST,
      });
      manager.start();
      const s = await waitForState(manager, 'broken', 'down', (x) => !!x.detail?.includes('gave up after 3 attempts'));
      assert.match(s.detail ?? '', /ENOENT/);
      assert.deepEqual(manager.tools(), []);
    });
  });

  for (const mode of ['streamableHttp', 'sse'] as const) {
    describe(`over ${mode === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP'}`, () => {
      it('connects, calls tools, and recovers after the server restarts', async () => {
        let server = await startEverythingHttp(mode);
        const url = `http://127.0.0.1:${server.port}/${mode === 'sse' ? 'sse' : 'mcp'}`;
        try {
          manager = new McpManager({ servers: [{ name: 'ref', config: { type: mode === 'sse' ? 'sse' : 'http', url }, source: 'settings' }], ...FAST });
          manager.start();
          const s = await waitForState(manager, 'ref', 'connected');
          assert.deepEqual({ transport: s.transport, target: s.target, serverInfo: s.serverInfo?.name }, { transport: mode === 'sse' ? 'sse' : 'http', target: url, serverInfo: 'mcp-servers/everything' });
          assert.deepEqual(await call(manager, 'mcp__ref__get-sum', { a: 2, b: 3 }), { content: [{ type: 'text', text: 'The sum of 2 and 3 is 5.' }] });

          await server.stop();
          const down = await call(manager, 'mcp__ref__echo', { message: 'x' });
          assert.equal(down.isError, true);
          server = await startEverythingHttp(mode, server.port);
          await waitForState(manager, 'ref', 'connected');
          // A new session on the restarted server.
          assert.deepEqual(await call(manager, 'mcp__ref__echo', { message: 'again' }), { content: [{ type: 'text', text: 'Echo: again' }] });
        } finally {
          await server.stop();
        }
      });
    });
  }
});

function serverPid(manager: McpManager): number {
  const pid = status(manager, 'everything')?.pid;
  assert.ok(pid);
  return pid;
}
