/**
 * Reaching one MCP server with the official SDK: the transport for its
 * configuration (stdio, SSE or Streamable HTTP), its whole tool list (paged),
 * and the words for what went wrong on the way. McpConnection (connection.ts)
 * keeps the connection alive with these.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool as McpToolDef } from '@modelcontextprotocol/sdk/types.js';
import type { Env } from './config';
import { inheritedEnv } from './expand';
import type { McpServerConfig, McpServerSpec } from './types';
import type { SecretSnapshot } from '../util/heldSecrets';

/** An error as a short phrase for the user ("connection refused", "fetch failed (ENOTFOUND)"). */
export const errorMessage = (err: unknown): string => {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') return 'connection refused';
    if (cause?.code) return `${err.message} (${cause.code})`;
    if (cause?.message) return `${err.message}: ${cause.message}`;
    return err.message;
  }
  return String(err);
};

/** A transport-level failure where the request never reached a live server (safe to retry once). */
export function notDelivered(err: unknown): boolean {
  if (err instanceof StreamableHTTPError) return err.code === 404; // session unknown: the server restarted
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET';
}

/** The server for messages: its command line, or its URL. */
export function targetOf(spec: McpServerSpec): string {
  const c = spec.config;
  return c.type === 'stdio' ? [c.command, ...(c.args ?? [])].join(' ') : c.url;
}

/**
 * The transport for a resolved configuration. A stdio server inherits `env`
 * (minus the secrets) with its own `env` on top; its stderr goes to `onStderr`.
 */
export function createTransport(c: McpServerConfig, env: Env, secrets: SecretSnapshot, onStderr: (text: string) => void): Transport {
  if (c.type === 'stdio') {
    const t = new StdioClientTransport({ command: c.command, args: c.args, env: { ...inheritedEnv(env, secrets), ...c.env }, cwd: c.cwd, stderr: 'pipe' });
    t.stderr?.on('data', (chunk: Buffer) => onStderr(chunk.toString('utf8')));
    return t;
  }
  const requestInit: RequestInit = c.headers ? { headers: c.headers } : {};
  if (c.type === 'sse') return new SSEClientTransport(new URL(c.url), { requestInit });
  // Streamable HTTP. Tidewave answers POSTs with plain JSON and GET with 405: the SDK
  // treats 405 as "no server stream", and never retries it.
  return new StreamableHTTPClientTransport(new URL(c.url), {
    requestInit,
    reconnectionOptions: { initialReconnectionDelay: 1000, maxReconnectionDelay: 30_000, reconnectionDelayGrowFactor: 2, maxRetries: 2 },
  });
}

/** Every tool the server lists (at most 50 pages), or none when it has no tools capability. */
export async function listAllTools(client: Client, timeoutMs: number): Promise<McpToolDef[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const tools: McpToolDef[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
    tools.push(...res.tools);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return tools;
}
