/**
 * One MCP server: connects with the official SDK (Streamable HTTP, SSE or
 * stdio; the transports are made in transport.ts), lists its tools, calls
 * them with timeouts, and reconnects with backoff when it goes away. Every
 * failure becomes a clear state for the user and a clear is_error result for
 * the model; nothing here throws at callers.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError, type CallToolResult, type Tool as McpToolDef } from '@modelcontextprotocol/sdk/types.js';
import { approvalRequestFor, askApproval, isProjectServer } from './approval';
import { checkUrl, type Env } from './config';
import { resolveConfig } from './expand';
import { convertCallResult } from './result';
import { probeUrl } from './tidewave';
import { createTransport, errorMessage, listAllTools, notDelivered, targetOf } from './transport';
import type { McpApprovalRequest, McpLogger, McpServerSpec, McpServerState } from './types';
import { errorResult, type ToolResult } from '../tools/types';
import type { HeldSecrets } from '../util/heldSecrets';

export interface ConnectionOptions {
  clientInfo: { name: string; version: string };
  /** Workspace trust: stdio servers and the repository's servers are used only when trusted. */
  trusted: boolean;
  /** Asked before a server the repository declares is used; false (or no callback) leaves it disabled. */
  approve?: (req: McpApprovalRequest) => boolean | Promise<boolean>;
  /** What the user can do about a server that was not approved (e.g. the command that reviews approvals). */
  approvalHint: string;
  /** Environment for `${VAR}` expansion, and that stdio servers inherit (minus credentials; their own `env` on top). */
  env: Env;
  /** Secrets no expansion may yield and no stdio server may inherit. */
  secrets: HeldSecrets;
  connectTimeoutMs: number;
  /** Inactivity timeout of a tool call (reset by progress notifications). */
  callTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number; maxStdioAttempts: number };
  /** How often a connected remote server's port is checked (0: never). */
  healthIntervalMs: number;
  log?: McpLogger;
  onChange: () => void;
}

export class McpConnection {
  state: McpServerState = 'connecting';
  detail?: string;
  needsApproval = false;
  tools: McpToolDef[] = [];
  serverInfo?: { name: string; version: string };
  /** Bumped on every (re)connection; tool objects of older generations are stale. */
  generation = 0;

  private client?: Client;
  private stdio?: StdioClientTransport;
  private attempts = 0;
  private retryTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private connecting?: Promise<void>;
  private disposed = false;
  private stderrTail = '';

  constructor(
    readonly spec: McpServerSpec,
    private readonly opts: ConnectionOptions,
  ) {
    // A server that cannot start shows why at once, before any attempt.
    if (spec.problem) {
      this.state = 'disabled';
      this.detail = spec.problem;
    }
  }

  /** Process id of the running stdio server. */
  get pid(): number | undefined {
    return this.client && this.stdio ? (this.stdio.pid ?? undefined) : undefined;
  }

  get target(): string {
    return targetOf(this.spec);
  }

  /** Connects now (or joins a connection in progress). Never throws. */
  connect(): Promise<void> {
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** A fresh attempt now, forgetting the backoff and a previous refusal. */
  async reconnect(): Promise<void> {
    this.attempts = 0;
    this.needsApproval = false;
    await this.connecting;
    await this.closeClient();
    await this.connect();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.clearTimers();
    await this.closeClient();
  }

  /** Calls a tool; every failure is an is_error result that says what happened. */
  async callTool(tool: string, args: Record<string, unknown>, signal?: AbortSignal, retried = false): Promise<ToolResult> {
    const server = this.spec.name;
    if (this.connecting) await this.connecting;
    // A remote server that was down (e.g. the Phoenix app not started yet) gets one fresh attempt
    // now rather than at its next backoff tick: the model wants it and the check is cheap.
    if (this.state === 'down' && this.spec.config.type !== 'stdio' && !this.disposed) await this.connect();
    const client = this.client;
    if (!client || this.state !== 'connected') {
      return errorResult(`MCP server "${server}" is ${this.state}${this.detail ? `: ${this.detail}` : ''}. The tool ${tool} could not be called.`);
    }
    const timeout = this.timeoutFor(tool, args);
    try {
      const result = (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout,
        resetTimeoutOnProgress: true,
        maxTotalTimeout: Math.max(timeout, 10 * 60_000),
      })) as CallToolResult;
      return convertCallResult(result);
    } catch (err) {
      if (signal?.aborted) return errorResult(`The call to ${tool} on MCP server "${server}" was cancelled.`);
      if (err instanceof McpError) {
        if (err.code === ErrorCode.RequestTimeout) {
          const took = timeout < 2000 ? `${timeout} ms` : `${Math.round(timeout / 1000)} s`;
          return errorResult(`MCP server "${server}" did not answer ${tool} within ${took}; the call was cancelled.`);
        }
        if (err.code === ErrorCode.ConnectionClosed) {
          this.lost(`the connection closed during a call to ${tool}`, client);
          return errorResult(`MCP server "${server}" closed the connection while running ${tool} (it may have crashed or restarted). Reconnecting; the call may or may not have taken effect.`);
        }
        return errorResult(`MCP server "${server}" returned an error for ${tool}: ${err.message}`);
      }
      const why = errorMessage(err);
      this.lost(why, client);
      if (!retried && notDelivered(err)) {
        await this.connect();
        if (this.state === 'connected') return this.callTool(tool, args, signal, true);
      }
      return errorResult(
        `MCP server "${server}" is not reachable (${why}) at ${this.target}. The tool ${tool} did not run; the extension keeps trying to reconnect.`,
      );
    }
  }

  private timeoutFor(tool: string, args: Record<string, unknown>): number {
    const def = this.tools.find((t) => t.name === tool);
    const own = args.timeout;
    // Tools such as Tidewave's project_eval take their own timeout (ms): give them that plus a margin.
    if (typeof own === 'number' && own > 0 && def?.inputSchema.properties && 'timeout' in def.inputSchema.properties) {
      return Math.max(this.opts.callTimeoutMs, own + 10_000);
    }
    return this.opts.callTimeoutMs;
  }

  private set(state: McpServerState, detail?: string): void {
    if (this.disposed) return;
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    this.opts.onChange();
  }

  private async doConnect(): Promise<void> {
    this.clearTimers();
    if (this.disposed) return;
    const gen = ++this.generation;
    await this.closeClient();
    const { spec } = this;
    if (spec.problem) return this.set('disabled', spec.problem);
    const project = isProjectServer(spec);
    if (!this.opts.trusted && (project || spec.config.type === 'stdio')) {
      return this.set('disabled', project ? 'servers the repository declares are used only in a trusted workspace (Restricted Mode)' : 'stdio servers start only in a trusted workspace (Restricted Mode)');
    }
    // Nothing is expanded, resolved, probed or started before the approval.
    if (project && !(await this.approve())) return;
    if (gen !== this.generation || this.disposed) return;
    const secrets = await this.opts.secrets.snapshot();
    const config = resolveConfig(spec, this.opts.env, secrets, checkUrl);
    if (gen !== this.generation || this.disposed) return;
    if (typeof config === 'string') {
      this.opts.log?.warn(`MCP ${spec.name}: ${config}`);
      return this.set('disabled', config);
    }
    if (config.type !== 'stdio' && spec.tidewave && !(await probeUrl(config.url))) {
      // Cheap check before a full handshake: is anything listening on the app's port?
      if (gen !== this.generation) return;
      this.attempts++;
      this.set('down', `the Phoenix app is not running (nothing listens at ${new URL(config.url).host}); Tidewave will connect when it starts`);
      this.scheduleRetry();
      return;
    }
    if (gen !== this.generation || this.disposed) return;
    this.set('connecting', `connecting to ${this.target}`);
    let client: Client | undefined;
    try {
      client = new Client(this.opts.clientInfo, {
        capabilities: {},
        listChanged: {
          tools: {
            onChanged: (err, tools) => {
              if (err || !tools || this.client !== client) return;
              this.tools = tools;
              this.generation++;
              this.opts.onChange();
            },
          },
        },
      });
      const connected = client;
      client.onclose = () => {
        if (this.client === connected) this.lost(`the connection closed${this.stderrSuffix()}`, connected);
      };
      client.onerror = (err) => this.opts.log?.warn(`MCP ${spec.name}: ${errorMessage(err)}`);
      this.stderrTail = '';
      const transport = createTransport(config, this.opts.env, secrets, (text) => {
        this.stderrTail = (this.stderrTail + text).slice(-2000);
      });
      this.stdio = transport instanceof StdioClientTransport ? transport : undefined;
      await client.connect(transport, { timeout: this.opts.connectTimeoutMs });
      const tools = await listAllTools(client, this.opts.connectTimeoutMs);
      if (gen !== this.generation || this.disposed) {
        await client.close().catch(() => undefined);
        return;
      }
      this.client = client;
      this.tools = tools;
      this.attempts = 0;
      const info = client.getServerVersion();
      this.serverInfo = info ? { name: info.name, version: info.version } : undefined;
      const what = info ? `${info.name} ${info.version}` : this.target;
      this.opts.log?.info(`MCP ${spec.name}: connected to ${what}, ${tools.length} tool${tools.length === 1 ? '' : 's'}`);
      this.set('connected', `${what}, ${tools.length} tool${tools.length === 1 ? '' : 's'}`);
      if (config.type !== 'stdio') this.startHealth(client, config.url);
    } catch (err) {
      await client?.close().catch(() => undefined);
      if (gen !== this.generation || this.disposed) return;
      this.attempts++;
      const why = `${errorMessage(err)}${this.stderrSuffix()}`;
      this.opts.log?.warn(`MCP ${spec.name}: could not connect to ${this.target}: ${why}`);
      this.set('down', `could not connect: ${why}`);
      this.scheduleRetry();
    }
  }

  private async approve(): Promise<boolean> {
    const req = approvalRequestFor(this.spec, (n) => this.opts.secrets.isSecretName(n));
    const declared = `the repository declares it${this.spec.origin ? ` in ${this.spec.origin}` : ''}`;
    const ok = await askApproval(req, this.opts.approve, {
      // Only a question to the user shows as waiting; a remembered (or headless) decision answers at once.
      waiting: () => {
        this.needsApproval = true;
        this.set('disabled', `awaiting your approval: ${declared}; nothing is sent or started until you allow it`);
      },
      failed: (err) => this.opts.log?.warn(`MCP ${this.spec.name}: approval failed: ${errorMessage(err)}`),
    });
    this.needsApproval = !ok;
    if (!ok) this.set('disabled', `not approved: ${declared} (${this.opts.approvalHint})`);
    return ok;
  }

  private stderrSuffix(): string {
    const lines = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    return lines ? ` (stderr: ${lines.slice(-400)})` : '';
  }

  /** The connection broke: drop the client, say so, and retry with backoff. */
  private lost(why: string, client: Client): void {
    if (this.client !== client || this.disposed) return;
    this.client = undefined;
    this.tools = [];
    this.generation++;
    this.clearTimers();
    void client.close().catch(() => undefined);
    this.opts.log?.warn(`MCP ${this.spec.name}: ${why}; reconnecting`);
    this.attempts = Math.max(this.attempts, 1);
    this.set('down', `${why}; reconnecting`);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.disposed) return;
    const { initialMs, maxMs, maxStdioAttempts } = this.opts.backoff;
    if (this.spec.config.type === 'stdio' && this.attempts >= maxStdioAttempts) {
      this.set('down', `${this.detail ?? 'failed'} (gave up after ${this.attempts} attempts; run Reconnect MCP Servers to try again)`);
      return;
    }
    const delay = Math.min(maxMs, initialMs * 2 ** Math.max(0, this.attempts - 1));
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private startHealth(client: Client, url: string): void {
    if (this.opts.healthIntervalMs <= 0) return;
    this.healthTimer = setInterval(() => {
      void probeUrl(url).then((alive) => {
        if (!alive) this.lost(`${new URL(url).host} stopped accepting connections`, client);
      });
    }, this.opts.healthIntervalMs);
    this.healthTimer.unref();
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.retryTimer = this.healthTimer = undefined;
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.tools = [];
    if (client) await client.close().catch(() => undefined);
  }
}
