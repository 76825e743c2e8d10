import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { IdeServer, workspaceFoldersTool, type IdeLockFile } from '../../../src/core/mcp/ideServer';
import { connectWebSocket } from '../../../src/core/mcp/wsTransport';
import type { ApprovalRequest, FileDiagnostics, Tool } from '../../../src/core/tools/types';
import { textResult } from '../../../src/core/tools/types';
import { textOf, toolContext } from './helpers';

const DIAGNOSTICS: FileDiagnostics[] = [
  {
    uri: 'file:///work/app/lib/app.ex',
    diagnostics: [{ message: 'undefined function foo/0', severity: 'Error', range: { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } }, source: 'mix compile' }],
  },
];

/** Stand-ins with the ide tools' names and schemas; they read what the server passes them (the ToolContext). */
function ideToolsForTest(ran: string[]): Tool[] {
  return [
    {
      name: 'mcp__ide__getDiagnostics',
      description: 'Get language diagnostics from VS Code',
      inputSchema: { type: 'object', properties: { uri: { type: 'string' } } },
      kind: 'read',
      readOnly: true,
      invoke: async (input: { uri?: string }, ctx) => textResult(JSON.stringify(await ctx.services.diagnostics!.get(input.uri))),
    } as Tool,
    {
      name: 'mcp__ide__executeCode',
      description: 'Evaluate Elixir code in the project',
      inputSchema: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
      kind: 'execute',
      readOnly: false,
      describe: (input: { code: string }) => Promise.resolve({ title: 'Evaluate Elixir', command: input.code }),
      invoke: (input: { code: string }) => {
        ran.push(input.code);
        return Promise.resolve(textResult('3'));
      },
    } as Tool,
  ];
}

describe('the ide MCP server for the Claude Code CLI', function () {
  this.timeout(20_000);
  let lockDir: string;
  let server: IdeServer;
  let asked: ApprovalRequest[];
  let allow: boolean;
  let ran: string[];

  beforeEach(async () => {
    lockDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'ide-lock-')), 'ide');
    asked = [];
    ran = [];
    allow = false;
    server = new IdeServer({
      tools: () => [...ideToolsForTest(ran), workspaceFoldersTool(() => ['/work/app'])],
      context: (signal) => {
        const ctx = toolContext(signal);
        ctx.services.diagnostics = { get: (uri) => Promise.resolve(uri ? DIAGNOSTICS.filter((d) => d.uri === uri) : DIAGNOSTICS) };
        return ctx;
      },
      confirm: (_tool, req) => {
        asked.push(req);
        return Promise.resolve(allow);
      },
      workspaceFolders: () => ['/work/app'],
      ideName: 'Elixir Agent (test)',
      lockDir,
    });
    await server.start();
  });
  afterEach(() => server.dispose());

  async function connect(token: string | undefined): Promise<Client> {
    const transport = await connectWebSocket(`ws://127.0.0.1:${server.port}`, token === undefined ? {} : { 'X-Claude-Code-Ide-Authorization': token });
    const client = new Client({ name: 'claude-code-test', version: '1' });
    await client.connect(transport);
    return client;
  }

  it('writes a private lock file the CLI can use, and removes it on dispose', async () => {
    const lock = JSON.parse(await fs.readFile(server.lockFile, 'utf8')) as IdeLockFile;
    assert.deepEqual(lock, {
      pid: process.pid,
      workspaceFolders: ['/work/app'],
      ideName: 'Elixir Agent (test)',
      transport: 'ws',
      runningInWindows: false,
      authToken: server.token,
    });
    assert.equal(path.basename(server.lockFile), `${server.port}.lock`);
    assert.equal((await fs.stat(server.lockFile)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(lockDir)).mode & 0o777, 0o700);
    const file = server.lockFile;
    await server.dispose();
    await assert.rejects(fs.stat(file), { code: 'ENOENT' });
  });

  it('serves the diagnostics and workspace folders to a client holding the lock file token', async () => {
    const lock = JSON.parse(await fs.readFile(server.lockFile, 'utf8')) as IdeLockFile;
    const client = await connect(lock.authToken);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((t) => [t.name, t.annotations?.readOnlyHint]),
        [
          ['getDiagnostics', true],
          ['executeCode', false],
          ['getWorkspaceFolders', true],
        ],
      );
      const all = await client.callTool({ name: 'getDiagnostics', arguments: {} });
      assert.deepEqual(JSON.parse(textOf(all as { content: Array<{ type: string; text?: string }> })), DIAGNOSTICS);
      const none = await client.callTool({ name: 'getDiagnostics', arguments: { uri: 'file:///work/app/lib/other.ex' } });
      assert.deepEqual(none.content, [{ type: 'text', text: '[]' }]);
      const folders = await client.callTool({ name: 'getWorkspaceFolders', arguments: {} });
      assert.deepEqual(JSON.parse(textOf(folders as { content: Array<{ type: string; text?: string }> })), {
        success: true,
        folders: [{ name: 'app', uri: 'file:///work/app', path: '/work/app' }],
        rootPath: '/work/app',
      });
      assert.equal(server.connections, 1);
    } finally {
      await client.close();
    }
  });

  it('asks the user before executeCode and honours the answer', async () => {
    const client = await connect(server.token);
    try {
      const declined = await client.callTool({ name: 'executeCode', arguments: { code: '1 + 2' } });
      allow = true;
      const accepted = await client.callTool({ name: 'executeCode', arguments: { code: '1 + 2' } });
      const unknown = await client.callTool({ name: 'openDiff', arguments: {} });
      assert.deepEqual(
        { declined, accepted, unknown, asked, ran },
        {
          declined: { content: [{ type: 'text', text: 'The user declined to run executeCode.' }], isError: true },
          accepted: { content: [{ type: 'text', text: '3' }] },
          unknown: { content: [{ type: 'text', text: 'Unknown tool: openDiff' }], isError: true },
          asked: [
            { title: 'Evaluate Elixir', command: '1 + 2' },
            { title: 'Evaluate Elixir', command: '1 + 2' },
          ],
          ran: ['1 + 2'],
        },
      );
    } finally {
      await client.close();
    }
  });

  it('refuses connections with a wrong or missing token', async () => {
    await assert.rejects(connect('not-the-token'), /WebSocket connection refused: HTTP 401/);
    await assert.rejects(connect(undefined), /WebSocket connection refused: HTTP 401/);
    await assert.rejects(connect(server.token.slice(0, -1)), /HTTP 401/);
    assert.equal(server.connections, 0);
  });

  it('cleans up lock files its own earlier runs left behind, never others', async () => {
    const dead = path.join(lockDir, '1.lock');
    const foreign = path.join(lockDir, '2.lock');
    await fs.writeFile(dead, JSON.stringify({ pid: 2 ** 22 + 12345, ideName: 'Elixir Agent (test)', transport: 'ws', authToken: 'x', workspaceFolders: [] }));
    await fs.writeFile(foreign, JSON.stringify({ pid: 2 ** 22 + 12345, ideName: 'Visual Studio Code', transport: 'ws', authToken: 'y', workspaceFolders: [] }));
    await server.dispose();
    await server.start();
    assert.deepEqual((await fs.readdir(lockDir)).sort(), ['2.lock', `${server.port}.lock`].sort());
  });
});
