/**
 * McpManager: every configured MCP server, their states, and their tools as
 * agent `Tool`s named `mcp__<server>__<tool>`. Pure TypeScript (no vscode):
 * the extension and `elixir-agent run` use the same manager.
 */
import type { Tool as McpToolDef } from '@modelcontextprotocol/sdk/types.js';
import { approvalRequestFor, isProjectServer } from './approval';
import type { Env } from './config';
import { McpConnection, type ConnectionOptions } from './connection';
import { isTidewaveUrl } from './tidewave';
import { mcpToolHint, mcpToolName, normalizeMcpName } from './naming';
import type { Disposable, McpApprovalRequest, McpLogger, McpServerSpec, McpServerStatus } from './types';
import { errorResult, type ApprovalRequest, type JsonSchema, type Tool } from '../tools/types';
import { HeldSecrets } from '../util/heldSecrets';

export interface McpManagerOptions {
  servers?: McpServerSpec[];
  /** Workspace trust (default true): stdio servers and the repository's servers are used only when trusted. */
  trusted?: boolean;
  /**
   * Asked before each start of a server the repository declares (`spec.project`), with its
   * exact definition; answer from remembered decisions or ask the user. Without it those
   * servers stay disabled. Servers from the user's own configuration are not asked about.
   */
  approve?: (req: McpApprovalRequest) => boolean | Promise<boolean>;
  /** Shown with a server that was not approved: how to allow it (default: Reconnect MCP Servers asks again). */
  approvalHint?: string;
  /** Environment for `${VAR}` expansion and that stdio servers inherit, minus credentials (default process.env). */
  env?: Env;
  /** Secrets no `${VAR}` expansion may yield (default: the credential variables of `env`). */
  secrets?: HeldSecrets;
  clientInfo?: { name: string; version: string };
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  backoff?: Partial<ConnectionOptions['backoff']>;
  healthIntervalMs?: number;
  log?: McpLogger;
  /** Configuration problems to show beside the states (unreadable `.mcp.json` entries...). */
  problems?: string[];
}

/** Long tool descriptions are cut, as Claude Code does. */
const MAX_DESCRIPTION = 2048;

const sameSpec = (a: McpServerSpec, b: McpServerSpec): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Servers at Tidewave's path get its quirks (a cheap port probe first) and its hints. */
function withDefaults(spec: McpServerSpec): McpServerSpec {
  if (spec.config.type !== 'stdio' && spec.tidewave === undefined && isTidewaveUrl(spec.config.url)) return { ...spec, tidewave: true };
  return spec;
}

/** The arguments of an MCP tool call: the server checks them against its own schema; anything but an object is sent as none. */
function argumentsOf(input: unknown): Record<string, unknown> {
  return input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}

function schemaOf(def: McpToolDef): JsonSchema {
  const s = def.inputSchema as JsonSchema | undefined;
  return s && s.type === 'object' ? s : { type: 'object', properties: {} };
}

/** The exact thing a call will do, for the approval card. */
function approvalFor(server: string, def: McpToolDef, input: Record<string, unknown>): ApprovalRequest {
  const title = `${server}: ${def.title ?? def.name}`;
  for (const key of ['code', 'query', 'command', 'sql']) {
    const v = input[key];
    if (typeof v === 'string' && v.trim()) return { title, command: v };
  }
  const json = JSON.stringify(input, null, 2);
  return { title, command: json.length > 4000 ? `${json.slice(0, 4000)}\n…` : json };
}

export class McpManager implements Disposable {
  private readonly connections = new Map<string, McpConnection>();
  private readonly listeners = new Set<() => void>();
  private readonly toolCache = new Map<string, { generation: number; tools: Tool[] }>();
  private configProblems: string[];
  private readonly opts: ConnectionOptions;
  private started = false;
  private disposed = false;

  constructor(options: McpManagerOptions = {}) {
    this.configProblems = options.problems ?? [];
    this.opts = {
      clientInfo: options.clientInfo ?? { name: 'elixir-agent', version: '0.1.0' },
      trusted: options.trusted ?? true,
      approve: options.approve,
      approvalHint: options.approvalHint ?? 'Reconnect MCP Servers asks again',
      env: options.env ?? process.env,
      secrets: options.secrets ?? new HeldSecrets(options.env ?? process.env),
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      callTimeoutMs: options.callTimeoutMs ?? 120_000,
      backoff: { initialMs: 1000, maxMs: 30_000, maxStdioAttempts: 5, ...options.backoff },
      healthIntervalMs: options.healthIntervalMs ?? 30_000,
      log: options.log,
      onChange: () => this.fire(),
    };
    for (const spec of options.servers ?? []) this.add(spec);
  }

  /** Starts connecting every server (idempotent). */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    for (const c of this.connections.values()) void c.connect();
  }

  /** Replaces the server list: unchanged servers keep their connection, removed ones are closed. */
  async setServers(servers: McpServerSpec[], problems: string[] = []): Promise<void> {
    this.configProblems = problems;
    const wanted = new Map(servers.map((s) => [s.name, s]));
    const closing: Promise<void>[] = [];
    for (const [name, conn] of this.connections) {
      const next = wanted.get(name);
      if (!next || !sameSpec(withDefaults(next), conn.spec)) {
        this.connections.delete(name);
        this.toolCache.delete(name);
        closing.push(conn.dispose());
      }
    }
    await Promise.all(closing);
    for (const spec of servers) {
      if (this.connections.has(spec.name)) continue;
      const conn = this.add(spec);
      if (this.started) void conn.connect();
    }
    this.fire();
  }

  /** Trust changed (e.g. the user trusted the workspace): stdio and repository servers get another chance. */
  async setTrusted(trusted: boolean): Promise<void> {
    if (this.opts.trusted === trusted) return;
    this.opts.trusted = trusted;
    await Promise.all([...this.connections.values()].filter((c) => isProjectServer(c.spec) || c.spec.config.type === 'stdio').map((c) => c.reconnect()));
  }

  /** The approval a repository server needs (its exact definition), or undefined for the user's own servers. */
  approvalRequest(name: string): McpApprovalRequest | undefined {
    const conn = this.find(name);
    return conn && isProjectServer(conn.spec) ? approvalRequestFor(conn.spec, (n) => this.opts.secrets.isSecretName(n)) : undefined;
  }

  /** Tools of the connected servers, as agent tools. */
  tools(): Tool[] {
    const out: Tool[] = [];
    for (const conn of this.connections.values()) {
      if (conn.state !== 'connected') continue;
      let cached = this.toolCache.get(conn.spec.name);
      if (!cached || cached.generation !== conn.generation) {
        cached = { generation: conn.generation, tools: conn.tools.map((def) => this.wrap(conn, def)) };
        this.toolCache.set(conn.spec.name, cached);
      }
      out.push(...cached.tools);
    }
    return out;
  }

  /** Every known server with its state and its tools' model-facing names. */
  states(): McpServerStatus[] {
    return [...this.connections.values()].map((c) => {
      const status: McpServerStatus = {
        name: c.spec.name,
        state: c.state,
        detail: c.detail,
        tools: c.state === 'connected' ? c.tools.map((t) => mcpToolName(c.spec.name, t.name)) : [],
        serverTools: c.state === 'connected' ? c.tools.map((t) => t.name) : [],
        source: c.spec.source,
        transport: c.spec.config.type,
        target: c.target,
      };
      if (c.needsApproval) status.needsApproval = true;
      if (isProjectServer(c.spec)) status.project = true;
      if (c.serverInfo) status.serverInfo = c.serverInfo;
      if (c.spec.tidewave) status.tidewave = true;
      if (c.pid !== undefined) status.pid = c.pid;
      return status;
    });
  }

  /** Problems in the configuration (entries that could not be read), for the status details. */
  problems(): string[] {
    return [...this.configProblems];
  }

  /**
   * A hint for a persona's tool name the server does not offer right now:
   * Tidewave's renamed and removed tools, a near name, or the server's tool list.
   */
  toolHint(server: string, tool: string): string | undefined {
    const conn = this.find(server);
    const available = conn?.state === 'connected' ? conn.tools.map((t) => normalizeMcpName(t.name)) : undefined;
    return mcpToolHint(conn?.spec.tidewave ? 'tidewave' : server, tool, available);
  }

  onDidChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Reconnects one server (by name) or all of them, now. */
  async reconnect(name?: string): Promise<void> {
    const targets = name === undefined ? [...this.connections.values()] : [this.find(name)].filter((c): c is McpConnection => !!c);
    if (name !== undefined && targets.length === 0) throw new Error(`no MCP server named "${name}"`);
    this.started = true;
    await Promise.all(targets.map((c) => c.reconnect()));
  }

  /** Resolves once no server is still connecting (or after timeoutMs). For headless runs. */
  whenSettled(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if ([...this.connections.values()].every((c) => c.state !== 'connecting')) done();
      };
      const sub = this.onDidChange(check);
      const timer = setTimeout(() => done(), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      check();
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    this.listeners.clear();
    await Promise.all(all.map((c) => c.dispose()));
  }

  private find(server: string): McpConnection | undefined {
    return this.connections.get(server) ?? [...this.connections.values()].find((c) => normalizeMcpName(c.spec.name) === normalizeMcpName(server));
  }

  private add(spec: McpServerSpec): McpConnection {
    const conn = new McpConnection(withDefaults(spec), this.opts);
    this.connections.set(spec.name, conn);
    return conn;
  }

  private fire(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (err) {
        this.opts.log?.error(`MCP change listener failed: ${String(err)}`);
      }
    }
  }

  private wrap(conn: McpConnection, def: McpToolDef): Tool {
    const server = conn.spec.name;
    const description = (def.description ?? def.title ?? `Tool ${def.name} of the MCP server ${server}.`).trim();
    return {
      name: mcpToolName(server, def.name),
      description: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description,
      inputSchema: schemaOf(def),
      kind: 'mcp',
      readOnly: def.annotations?.readOnlyHint === true,
      describe: (input) => Promise.resolve(approvalFor(server, def, argumentsOf(input))),
      invoke: (input, ctx) => {
        // The server may have been reconfigured since this tool object was made.
        const current = this.connections.get(server);
        if (!current) return Promise.resolve(errorResult(`The MCP server "${server}" is no longer configured.`));
        return current.callTool(def.name, argumentsOf(input), ctx.signal);
      },
    };
  }
}
