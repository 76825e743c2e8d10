/**
 * MCP over a WebSocket (one JSON-RPC message per text frame), as Claude
 * Code's `ide` channel speaks it. Wraps an open `ws` socket; the server side
 * gets one per accepted connection, the client side from connectWebSocket.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';

export class WebSocketTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private started = false;
  private closed = false;

  constructor(private readonly socket: WebSocket) {}

  start(): Promise<void> {
    if (this.started) throw new Error('WebSocketTransport already started');
    this.started = true;
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) return this.onerror?.(new Error('binary WebSocket frames are not MCP messages'));
      let parsed: JSONRPCMessage;
      try {
        parsed = JSONRPCMessageSchema.parse(JSON.parse(data.toString()));
      } catch (err) {
        this.onerror?.(new Error(`invalid MCP message: ${err instanceof Error ? err.message : String(err)}`));
        return;
      }
      this.onmessage?.(parsed);
    });
    this.socket.on('error', (err) => this.onerror?.(err));
    this.socket.on('close', () => this.finish());
    if (this.socket.readyState !== WebSocket.OPEN) this.finish();
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== WebSocket.OPEN) return reject(new Error('the WebSocket is not open'));
      this.socket.send(JSON.stringify(message), (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    this.finish();
    return Promise.resolve();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

/** Opens a client WebSocket (with headers, e.g. the ide channel's token) and wraps it. */
export function connectWebSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocketTransport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'mcp', { headers });
    socket.once('open', () => {
      socket.removeAllListeners('error');
      resolve(new WebSocketTransport(socket));
    });
    socket.once('unexpected-response', (_req, res) => {
      reject(new Error(`WebSocket connection refused: HTTP ${res.statusCode}`));
      socket.terminate();
    });
    socket.once('error', reject);
  });
}
