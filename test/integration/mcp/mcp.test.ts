/**
 * Suite `mcp` (workspace: test/fixtures/mcp_app, a mix project depending on tidewave).
 * In the real VS Code: Tidewave discovery and a Tidewave-like server, tools
 * called through services.mcp, `.mcp.json` picked up while running, a server
 * killed and back; then our ide server for the Claude Code CLI: the lock
 * file, the token, getDiagnostics over a WebSocket MCP client.
 */
import * as assert from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as vscode from 'vscode';
import type { McpServerStatus } from '../../../src/core/mcp';
import type { IdeLockFile } from '../../../src/core/mcp/ideServer';
import { connectWebSocket } from '../../../src/core/mcp/wsTransport';
import type { ToolContext, ToolResult } from '../../../src/core/tools/types';
import type { ExtensionApi } from '../../../src/extension';
import { COMMANDS, EXTENSION_ID } from '../../../src/vscode/ids';
import type { Runtime } from '../../../src/vscode/runtime';
import { startTidewaveServer, type TidewaveTestServer } from '../../support/tidewaveServer';
import { waitFor } from '../activation/wait';
import { firstFolder } from '../workspace';

const config = () => vscode.workspace.getConfiguration('elixirAgent');
const root = () => firstFolder().uri.fsPath;

/** Resolves when services.mcp reports the server in a state that satisfies `ok` (event-driven). */
function mcpState(rt: Runtime, name: string, ok: (s: McpServerStatus) => boolean): Promise<McpServerStatus> {
  const mcp = rt.services.mcp!;
  return new Promise((resolve) => {
    const check = () => {
      const s = mcp.states().find((x) => x.name === name);
      if (s && ok(s)) {
        sub.dispose();
        resolve(s);
      }
    };
    const sub = mcp.onDidChange(check);
    check();
  });
}

function callTool(rt: Runtime, name: string, input: Record<string, unknown>): Promise<ToolResult> {
  const tool = rt.services.mcp!.tools().find((t) => t.name === name);
  assert.ok(tool, `no tool ${name}`);
  const ctx = { signal: new AbortController().signal, workspaceFolders: [root()], cwd: root(), services: {} } as unknown as ToolContext;
  return tool.invoke(input, ctx);
}

const text = (r: ToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('MCP in the real editor (mcp_app)', function () {
  this.timeout(60_000);
  let rt: Runtime;
  let tw: TidewaveTestServer | undefined;

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    rt = await ext.exports.runtime();
    assert.ok(rt.services.mcp, 'services.mcp is registered');
  });

  after(async () => {
    await config().update('tidewave.port', undefined, vscode.ConfigurationTarget.Global);
    await config().update('ideServer.enabled', undefined, vscode.ConfigurationTarget.Global);
    await fs.rm(path.join(root(), '.mcp.json'), { force: true });
    await tw?.close();
  });

  it('discovers Tidewave from mix.exs and config/dev.exs, and reports it down while the app is not running', async () => {
    const s = await mcpState(rt, 'tidewave', (x) => x.state === 'down' || x.state === 'connected');
    // Port 4000 comes from config/dev.exs. (Were something Tidewave-like on 4000, it would be connected.)
    assert.deepStrictEqual({ source: s.source, target: s.target }, { source: 'tidewave', target: 'http://127.0.0.1:4000/tidewave/mcp' });
  });

  it('connects when the port setting points at the running app, and its tools answer', async () => {
    tw = await startTidewaveServer();
    await config().update('tidewave.port', tw.port, vscode.ConfigurationTarget.Global);
    const s = await mcpState(rt, 'tidewave', (x) => x.state === 'connected' && x.target.includes(`:${tw!.port}/`));
    assert.deepStrictEqual(s.tools, [
      'mcp__tidewave__get_logs',
      'mcp__tidewave__get_source_location',
      'mcp__tidewave__get_docs',
      'mcp__tidewave__project_eval',
      'mcp__tidewave__execute_sql_query',
    ]);
    tw.log('info', 'GET /integration');
    const logs = await callTool(rt, 'mcp__tidewave__get_logs', { tail: 1 });
    assert.match(text(logs), /\[info\] GET \/integration$/);
    const missing = await callTool(rt, 'mcp__tidewave__get_source_location', { reference: 'McpApp.Nope' });
    assert.deepStrictEqual(missing, { content: [{ type: 'text', text: 'Could not find source for McpApp.Nope' }], isError: true });
    assert.deepStrictEqual(
      ['get_package_location', 'get_logs'].map((t) => rt.services.mcp!.toolHint('tidewave', t)),
      ['Tidewave 0.5.0 folded get_package_location into get_source_location: call mcp__tidewave__get_source_location with reference "dep:PACKAGE" (e.g. "dep:phoenix").', undefined],
    );
    // Every request came from the extension host: no Origin header.
    assert.ok(tw.requests.every((r) => r.headers.origin === undefined && r.status !== 403));
  });

  it('picks up a .mcp.json written while running (declared beats discovered, once approved) and reconnects on command', async () => {
    const url = `http://127.0.0.1:${tw!.port}/tidewave/mcp`;
    await fs.writeFile(path.join(root(), '.mcp.json'), JSON.stringify({ mcpServers: { tidewave: { type: 'http', url } } }));
    await mcpState(rt, 'tidewave', (x) => x.source === 'mcp.json' && !!x.needsApproval);
    const req = rt.services.mcp!.approvalRequest('tidewave');
    assert.deepStrictEqual([req?.transport, req?.url], ['http', url]);
    await vscode.commands.executeCommand(COMMANDS.reviewMcpApprovals, { server: 'tidewave', hash: req!.hash, decision: 'allow' });
    await mcpState(rt, 'tidewave', (x) => x.source === 'mcp.json' && x.state === 'connected');
    const before = tw!.requests.filter((r) => r.rpc.includes('initialize')).length;
    await vscode.commands.executeCommand(COMMANDS.reconnectMcp, 'tidewave');
    assert.strictEqual(rt.services.mcp!.states().find((x) => x.name === 'tidewave')?.state, 'connected');
    assert.strictEqual(tw!.requests.filter((r) => r.rpc.includes('initialize')).length, before + 1);
  });

  it('gives the model an error result when the app dies, and reconnects when it is back', async () => {
    const port = tw!.port;
    await tw!.close();
    const failed = await callTool(rt, 'mcp__tidewave__get_docs', { reference: 'Enum.map/2' });
    assert.strictEqual(failed.isError, true, text(failed));
    assert.match(text(failed), /^MCP server "tidewave" is /);
    await mcpState(rt, 'tidewave', (x) => x.state === 'down');
    tw = await startTidewaveServer({ port });
    await mcpState(rt, 'tidewave', (x) => x.state === 'connected');
    const back = await callTool(rt, 'mcp__tidewave__get_docs', { reference: 'Enum.map/2' });
    assert.match(text(back), /^# Enum\.map\/2/);
  });
});

describe('the ide server for the Claude Code CLI (real editor)', function () {
  this.timeout(60_000);
  let rt: Runtime;
  let configDir: string;
  let previousConfigDir: string | undefined;
  let diagnostics: vscode.DiagnosticCollection;

  before(async () => {
    rt = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.exports.runtime();
    configDir = await fs.mkdtemp(path.join(os.tmpdir(), 'claude-config-'));
    // The extension host is this process: the lock file goes to $CLAUDE_CONFIG_DIR/ide.
    previousConfigDir = process.env.CLAUDE_CONFIG_DIR;
    process.env.CLAUDE_CONFIG_DIR = configDir;
    diagnostics = vscode.languages.createDiagnosticCollection('mcp-suite');
  });
  after(async () => {
    diagnostics.dispose();
    await config().update('ideServer.enabled', undefined, vscode.ConfigurationTarget.Global);
    if (previousConfigDir === undefined) delete process.env.CLAUDE_CONFIG_DIR;
    else process.env.CLAUDE_CONFIG_DIR = previousConfigDir;
  });

  async function connect(token: string, port: number): Promise<Client> {
    const client = new Client({ name: 'claude-code-cli-test', version: '1' });
    await client.connect(await connectWebSocket(`ws://127.0.0.1:${port}`, { 'X-Claude-Code-Ide-Authorization': token }));
    return client;
  }

  it('starts when enabled: a 0600 lock file with the token, and the terminal environment', async () => {
    assert.strictEqual(rt.services.ideServer!.current(), undefined, 'off by default');
    await config().update('ideServer.enabled', true, vscode.ConfigurationTarget.Global);
    await waitFor(() => rt.services.ideServer!.current() !== undefined, 'the ide server to start');
    const { port, lockFile } = rt.services.ideServer!.current()!;
    assert.strictEqual(lockFile, path.join(configDir, 'ide', `${port}.lock`));
    const lock = JSON.parse(await fs.readFile(lockFile, 'utf8')) as IdeLockFile;
    assert.deepStrictEqual(
      { pid: lock.pid, folders: lock.workspaceFolders, transport: lock.transport, token: /^[0-9a-f-]{36}$/.test(lock.authToken), mode: (await fs.stat(lockFile)).mode & 0o777 },
      { pid: process.pid, folders: [root()], transport: 'ws', token: true, mode: 0o600 },
    );
    const env = rt.context.environmentVariableCollection;
    assert.deepStrictEqual([env.get('CLAUDE_CODE_SSE_PORT')?.value, env.get('ENABLE_IDE_INTEGRATION')?.value], [String(port), 'true']);
  });

  it('serves the editor diagnostics to a client holding the token, and opens files', async () => {
    const { port, lockFile } = rt.services.ideServer!.current()!;
    const lock = JSON.parse(await fs.readFile(lockFile, 'utf8')) as IdeLockFile;
    const file = vscode.Uri.file(path.join(root(), 'lib', 'mcp_app.ex'));
    const diag = new vscode.Diagnostic(new vscode.Range(3, 6, 3, 11), 'undefined function wrold/0', vscode.DiagnosticSeverity.Error);
    diag.source = 'mcp-suite';
    diagnostics.set(file, [diag]);
    const client = await connect(lock.authToken, port);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      assert.deepStrictEqual(names, ['getDiagnostics', 'executeCode', 'openFile', 'getWorkspaceFolders']);
      const result = await client.callTool({ name: 'getDiagnostics', arguments: { uri: file.toString() } });
      const [first] = result.content as Array<{ text: string }>;
      assert.ok(first, 'getDiagnostics answers with content');
      const files = JSON.parse(first.text) as Array<{ uri: string; diagnostics: unknown[] }>;
      assert.deepStrictEqual(files, [
        {
          uri: file.toString(),
          diagnostics: [{ message: 'undefined function wrold/0', severity: 'Error', range: { start: { line: 3, character: 6 }, end: { line: 3, character: 11 } }, source: 'mcp-suite' }],
        },
      ]);
      const opened = await client.callTool({ name: 'openFile', arguments: { filePath: file.fsPath, startText: 'def hello' } });
      assert.deepStrictEqual(opened.content, [{ type: 'text', text: `Opened file: ${file.fsPath}` }]);
      const editor = vscode.window.activeTextEditor;
      assert.deepStrictEqual([editor?.document.uri.fsPath, editor?.document.getText(editor.selection)], [file.fsPath, 'def hello']);
    } finally {
      await client.close();
    }
  });

  it('refuses a wrong token, and removes the lock file and the environment when disabled', async () => {
    const { port, lockFile } = rt.services.ideServer!.current()!;
    await assert.rejects(connect('00000000-0000-0000-0000-000000000000', port), /HTTP 401/);
    await config().update('ideServer.enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor(() => rt.services.ideServer!.current() === undefined, 'the ide server to stop');
    await assert.rejects(fs.stat(lockFile), { code: 'ENOENT' });
    assert.strictEqual(rt.context.environmentVariableCollection.get('CLAUDE_CODE_SSE_PORT'), undefined);
  });
});
