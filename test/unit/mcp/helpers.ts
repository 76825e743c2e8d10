/** Real MCP servers for the MCP tests, and event-based waits on the manager. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import type { McpManager } from '../../../src/core/mcp/manager';
import type { McpServerState, McpServerStatus } from '../../../src/core/mcp/types';
import type { ToolContext } from '../../../src/core/tools/types';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const everythingBin = path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const tidewaveScript = path.join(repoRoot, 'out/test/support/tidewaveServer.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

function spawnUntil(cmd: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, port: number): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (ready.test(seen)) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolve({
          child,
          port,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGKILL');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${cmd} ${args.join(' ')} exited (${code}) before it was ready: ${seen}`)));
  });
}

/** server-everything over Streamable HTTP (`/mcp`) or SSE (`/sse`) on a port. */
export async function startEverythingHttp(mode: 'streamableHttp' | 'sse', port?: number): Promise<Spawned> {
  const p = port ?? (await freePort());
  return spawnUntil(process.execPath, [everythingBin, mode], { PORT: String(p) }, /listening on port|running on port/i, p);
}

/** The Tidewave-like server as its own process (so a test can kill it). */
export async function startTidewaveProcess(port?: number): Promise<Spawned> {
  const p = port ?? (await freePort());
  return spawnUntil(process.execPath, [tidewaveScript, '--port', String(p)], {}, /"port":/, p);
}

export function status(manager: McpManager, name: string): McpServerStatus | undefined {
  return manager.states().find((s) => s.name === name);
}

/** Resolves when the server reaches the state (checked on every change event). */
export function waitForState(manager: McpManager, name: string, state: McpServerState, where?: (s: McpServerStatus) => boolean): Promise<McpServerStatus> {
  return new Promise((resolve) => {
    const check = () => {
      const s = status(manager, name);
      if (s && s.state === state && (!where || where(s))) {
        sub.dispose();
        resolve(s);
        return true;
      }
      return false;
    };
    const sub = manager.onDidChange(check);
    check();
  });
}

/** The smallest context an MCP tool needs (it only uses the signal). */
export function toolContext(signal: AbortSignal = new AbortController().signal): ToolContext {
  const notUsed = () => Promise.reject(new Error('not used by MCP tools'));
  return {
    workspaceFolders: [repoRoot],
    cwd: repoRoot,
    signal,
    files: { readText: notUsed, version: notUsed, writeText: notUsed },
    reads: { markRead: () => undefined, lastRead: () => undefined },
    services: {},
  };
}

export function call(manager: McpManager, name: string, input: Record<string, unknown>, signal?: AbortSignal) {
  const tool = manager.tools().find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}; have ${manager.tools().map((t) => t.name).join(', ')}`);
  return tool.invoke(input, toolContext(signal));
}

export const textOf = (r: { content: Array<{ type: string; text?: string }> }): string =>
  r.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
