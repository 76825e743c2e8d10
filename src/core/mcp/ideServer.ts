/**
 * Our `ide` MCP server for the Claude Code CLI running in the integrated
 * terminal: the channel Claude Code's own VS Code extension serves
 * (reference.md §3). A WebSocket on 127.0.0.1 with a random port, a lock file
 * `<config dir>/ide/<port>.lock` (mode 0600, directory 0700) holding
 * `{pid, workspaceFolders, ideName, transport: "ws", runningInWindows, authToken}`,
 * and the token checked on every connection (`X-Claude-Code-Ide-Authorization`).
 * Tools are ordinary agent `Tool`s (getDiagnostics, executeCode, openFile,
 * getWorkspaceFolders...); anything not read-only is confirmed by the user first.
 * No vscode here: the editor passes the tools, a ToolContext and a confirm prompt.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { WebSocketServer } from 'ws';
import { WebSocketTransport } from './wsTransport';
import type { McpLogger } from './types';
import { textResult, type ApprovalRequest, type Tool, type ToolContext, type ToolResult } from '../tools/types';
import { claudeConfigDir } from '../util/claudeConfig';

export const IDE_AUTH_HEADER = 'x-claude-code-ide-authorization';

/** `$CLAUDE_CONFIG_DIR/ide`, else `~/.claude/ide`: where the CLI looks for lock files. */
export function defaultLockDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(claudeConfigDir(env), 'ide');
}

export interface IdeLockFile {
  pid: number;
  workspaceFolders: string[];
  ideName: string;
  transport: 'ws';
  runningInWindows: boolean;
  authToken: string;
}

export interface IdeServerOptions {
  /** The tools to serve, named as the model sees them in our chat (`mcp__ide__getDiagnostics`) or plainly (`getDiagnostics`). */
  tools: () => Tool[];
  /** A context for one tool call. */
  context: (signal: AbortSignal) => ToolContext;
  /** Asks the user before a tool that is not read-only runs (executeCode). Without it such tools are refused. */
  confirm?: (tool: Tool, request: ApprovalRequest) => Promise<boolean>;
  workspaceFolders: () => string[];
  ideName: string;
  lockDir?: string;
  version?: string;
  log?: McpLogger;
}

const IDE_PREFIX = 'mcp__ide__';
const plainName = (name: string): string => (name.startsWith(IDE_PREFIX) ? name.slice(IDE_PREFIX.length) : name);

/** getWorkspaceFolders as Claude Code's extension answers it. */
export function workspaceFoldersTool(folders: () => string[]): Tool {
  return {
    name: 'getWorkspaceFolders',
    description: 'Get all workspace folders currently open in the IDE',
    inputSchema: { type: 'object', properties: {} },
    kind: 'read',
    readOnly: true,
    invoke: () => {
      const list = folders();
      return Promise.resolve(
        textResult(
          JSON.stringify({
            success: true,
            folders: list.map((p) => ({ name: path.basename(p), uri: pathToFileURL(p).href, path: p })),
            rootPath: list[0] ?? null,
          }),
        ),
      );
    },
  };
}

function toMcp(result: ToolResult): CallToolResult {
  const content = result.content.map((c) =>
    c.type === 'text' ? { type: 'text' as const, text: c.text } : { type: 'image' as const, data: c.source.data, mimeType: c.source.media_type },
  );
  return result.isError ? { content, isError: true } : { content };
}

const sameToken = (given: string | undefined, token: string): boolean => {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

export class IdeServer {
  readonly token = randomUUID();
  readonly lockDir: string;
  private wss?: WebSocketServer;
  private portNumber = 0;
  private readonly transports = new Set<WebSocketTransport>();
  private readonly onExit = () => this.removeLockSync();

  constructor(private readonly opts: IdeServerOptions) {
    this.lockDir = opts.lockDir ?? defaultLockDir();
  }

  get port(): number {
    return this.portNumber;
  }

  get lockFile(): string {
    return path.join(this.lockDir, `${this.portNumber}.lock`);
  }

  /** Number of CLI connections now. */
  get connections(): number {
    return this.transports.size;
  }

  async start(): Promise<void> {
    if (this.wss) return;
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
        const header = info.req.headers[IDE_AUTH_HEADER];
        const ok = sameToken(Array.isArray(header) ? header[0] : header, this.token);
        if (!ok) this.opts.log?.warn(`ide server: refused a connection without the right token from ${info.req.socket.remoteAddress ?? '?'}`);
        done(ok, ok ? undefined : 401, ok ? undefined : 'Unauthorized');
      },
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    wss.on('error', (err) => this.opts.log?.error(`ide server: ${err.message}`));
    wss.on('connection', (socket) => void this.serve(new WebSocketTransport(socket)));
    this.wss = wss;
    this.portNumber = (wss.address() as AddressInfo).port;
    await this.cleanStaleLocks();
    await this.writeLock();
    process.on('exit', this.onExit);
    this.opts.log?.info(`ide server: listening on 127.0.0.1:${this.portNumber}, lock file ${this.lockFile}`);
  }

  /** Rewrites the lock file (e.g. when workspace folders change). */
  async writeLock(): Promise<void> {
    if (!this.wss) return;
    const lock: IdeLockFile = {
      pid: process.pid,
      workspaceFolders: this.opts.workspaceFolders(),
      ideName: this.opts.ideName,
      transport: 'ws',
      runningInWindows: process.platform === 'win32',
      authToken: this.token,
    };
    await fs.promises.mkdir(this.lockDir, { recursive: true, mode: 0o700 });
    const tmp = `${this.lockFile}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(lock), { mode: 0o600 });
    await fs.promises.chmod(tmp, 0o600);
    await fs.promises.rename(tmp, this.lockFile);
  }

  async dispose(): Promise<void> {
    process.off('exit', this.onExit);
    const wss = this.wss;
    this.wss = undefined;
    this.removeLockSync();
    await Promise.all([...this.transports].map((t) => t.close()));
    if (wss) {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  }

  private removeLockSync(): void {
    if (!this.portNumber) return;
    try {
      fs.unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }

  /** Lock files an earlier run of ours left behind when its process died. */
  private async cleanStaleLocks(): Promise<void> {
    let names: string[] = [];
    try {
      names = await fs.promises.readdir(this.lockDir);
    } catch {
      return;
    }
    for (const name of names.filter((n) => n.endsWith('.lock'))) {
      const file = path.join(this.lockDir, name);
      try {
        const lock = JSON.parse(await fs.promises.readFile(file, 'utf8')) as Partial<IdeLockFile>;
        if (lock.ideName !== this.opts.ideName || typeof lock.pid !== 'number' || isAlive(lock.pid)) continue;
        await fs.promises.unlink(file);
      } catch {
        // not ours or unreadable: leave it
      }
    }
  }

  private tools(): Map<string, Tool> {
    const map = new Map<string, Tool>();
    for (const t of this.opts.tools()) map.set(plainName(t.name), t);
    return map;
  }

  private async serve(transport: WebSocketTransport): Promise<void> {
    const server = new Server({ name: 'elixir-agent-ide', version: this.opts.version ?? '0.1.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [...this.tools()].map(([name, t]) => ({
        name,
        description: t.description,
        inputSchema: t.inputSchema,
        annotations: { readOnlyHint: t.readOnly },
      })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
      const name = req.params.name;
      const tool = this.tools().get(name);
      if (!tool) return { content: [{ type: 'text', text: `Unknown tool: ${name}` }], isError: true };
      const input = (req.params.arguments ?? {}) as Record<string, unknown>;
      const ctx = this.opts.context(extra.signal);
      try {
        if (!tool.readOnly) {
          const request = (await tool.describe?.(input, ctx)) ?? { title: `${name} ${JSON.stringify(input)}` };
          const ok = this.opts.confirm ? await this.opts.confirm(tool, request) : false;
          if (!ok) return { content: [{ type: 'text', text: `The user declined to run ${name}.` }], isError: true };
        }
        return toMcp(await tool.invoke(input, ctx));
      } catch (err) {
        return { content: [{ type: 'text', text: `${name} failed: ${err instanceof Error ? err.message : String(err)}` }], isError: true };
      }
    });
    this.transports.add(transport);
    server.onclose = () => this.transports.delete(transport);
    server.onerror = (err) => this.opts.log?.warn(`ide server: ${err.message}`);
    try {
      await server.connect(transport);
      this.opts.log?.info('ide server: a Claude Code CLI connected');
    } catch (err) {
      this.transports.delete(transport);
      this.opts.log?.warn(`ide server: connection failed: ${String(err)}`);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
