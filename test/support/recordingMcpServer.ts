/**
 * A real MCP server that records everything that reaches it, for the tests of
 * what a repository's MCP definition may receive:
 * - over HTTP (`startRecordingMcpServer()`): every TCP connection and every
 *   request (method, url, headers, body) on any path; it answers MCP over
 *   Streamable HTTP (stateless) on every path but `/sse` and `/messages`,
 *   and over HTTP+SSE at `GET /sse` + `POST /messages`;
 * - over stdio (`node out/test/support/recordingMcpServer.js --stdio FILE ...`):
 *   before answering it writes its argv and environment to FILE as JSON.
 * Either way it offers one tool, `ping`, answering `pong`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RecordingMcpServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** TCP connections accepted (a probe counts, even without a request). */
  connections: number;
  requests: SeenRequest[];
  /** Every recorded byte that could carry a secret: urls, header names and values, bodies. */
  everything(): string;
  /** Resolves once `n` requests have arrived. */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

function mcpServer(): Server {
  const server = new Server({ name: 'recording-mcp', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [{ name: 'ping', description: 'Answers pong.', inputSchema: { type: 'object', properties: {} }, annotations: { readOnlyHint: true } }],
  }));
  server.setRequestHandler(CallToolRequestSchema, () => ({ content: [{ type: 'text', text: 'pong' }] }));
  return server;
}

export async function startRecordingMcpServer(): Promise<RecordingMcpServer> {
  const requests: SeenRequest[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const sse = new Map<string, SSEServerTransport>();
  const sockets = new Set<import('node:net').Socket>();
  const http_ = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      for (const w of waiters.filter((x) => requests.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      void answer(req, res, body).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
  });
  const answer = async (req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parsed: unknown = body ? JSON.parse(body) : undefined;
    if (url.pathname === '/sse' && req.method === 'GET') {
      const transport = new SSEServerTransport('/messages', res);
      sse.set(transport.sessionId, transport);
      res.on('close', () => sse.delete(transport.sessionId));
      await mcpServer().connect(transport);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const transport = sse.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) return void res.writeHead(404).end('unknown session');
      await transport.handlePostMessage(req, res, parsed);
      return;
    }
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    const server = mcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, parsed);
  };
  const recorder: RecordingMcpServer = {
    port: 0,
    origin: '',
    connections: 0,
    requests,
    everything: () => requests.map((r) => [r.method, r.url, JSON.stringify(r.headers), r.body].join('\n')).join('\n'),
    waitForRequests: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        http_.close(() => resolve());
      }),
  };
  http_.on('connection', (socket) => {
    recorder.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve));
  recorder.port = (http_.address() as AddressInfo).port;
  recorder.origin = `http://127.0.0.1:${recorder.port}`;
  return recorder;
}

/** What a stdio run recorded: its arguments and environment. */
export interface StdioRecord {
  argv: string[];
  env: Record<string, string>;
}

if (require.main === module) {
  const at = process.argv.indexOf('--stdio');
  const file = process.argv[at + 1];
  if (at < 0 || !file) {
    process.stderr.write('usage: recordingMcpServer.js --stdio FILE [ARGS...]\n');
    process.exit(2);
  }
  fs.writeFileSync(file, JSON.stringify({ argv: process.argv.slice(2), env: process.env } satisfies { argv: string[]; env: NodeJS.ProcessEnv }));
  void mcpServer().connect(new StdioServerTransport());
}
