/**
 * A local fake of Anthropic's Messages API for tests and benchmarks. It speaks
 * the wire format faithfully (reference.md §5): SSE with `event:`/`data:`
 * lines, message_start, ping, content_block_start/delta/stop (text_delta,
 * input_json_delta split over several deltas, thinking_delta +
 * signature_delta), message_delta with stop_reason and usage, message_stop;
 * a `request-id` header; errors with the API's status codes, JSON bodies and
 * `retry-after`. It validates requests as the API does (auth, version header,
 * tool_use/tool_result pairing and unique tool_use ids, thinking signatures, at most 4 cache_control
 * breakpoints, context window), simulates prompt caching, plays a queue of
 * scripted turns (scriptedTurns.ts) with faults, and records every request.
 *
 * In-process:  const server = await ScriptedModelServer.start(); server.enqueue(turn.text('hi'));
 * Standalone:  node out/test/support/scriptedModelServer.js --port 0 --script script.json
 *              (prints `scripted-model-server listening on http://127.0.0.1:PORT`)
 * Control (standalone, for UI tests): POST /__scripted/turns, GET /__scripted/requests,
 *   POST /__scripted/reset, GET /__scripted/state.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultErrorMessage, errorTypeForStatus, type MessageTurn, type ScriptedBlock, type ScriptedTurn, type ScriptFile } from './scriptedTurns';

export * from './scriptedTurns';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (undefined for GET or an unparsable body). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** What the server answered: the HTTP status, or the fault it played. */
  answeredWith?: string;
}

export interface ModelEntry {
  id: string;
  display_name: string;
  created_at: string;
  max_input_tokens: number;
  max_tokens: number;
}

export interface ServerOptions extends Omit<ScriptFile, 'turns'> {
  port?: number;
  models?: ModelEntry[];
}

/** Newest first, as the Models API lists them. */
export const DEFAULT_MODELS: ModelEntry[] = [
  ['claude-opus-5-5', 'Claude Opus 5.5', '2026-09-30', 1_000_000, 128_000],
  ['claude-sonnet-5-5', 'Claude Sonnet 5.5', '2026-09-30', 1_000_000, 64_000],
  ['claude-haiku-5-5', 'Claude Haiku 5.5', '2026-09-30', 1_000_000, 64_000],
  ['claude-opus-5', 'Claude Opus 5', '2026-05-20', 1_000_000, 128_000],
  ['claude-sonnet-5', 'Claude Sonnet 5', '2026-05-20', 1_000_000, 64_000],
  ['claude-opus-4-8', 'Claude Opus 4.8', '2026-02-10', 200_000, 64_000],
  ['claude-sonnet-4-6', 'Claude Sonnet 4.6', '2026-01-15', 200_000, 64_000],
  ['claude-haiku-4-5', 'Claude Haiku 4.5', '2025-10-01', 200_000, 64_000],
  ['claude-sonnet-4-5', 'Claude Sonnet 4.5', '2025-09-29', 200_000, 64_000],
].map(([id, display_name, date, max_input_tokens, max_tokens]) => ({
  id: id as string,
  display_name: display_name as string,
  created_at: `${date as string}T00:00:00Z`,
  max_input_tokens: max_input_tokens as number,
  max_tokens: max_tokens as number,
}));

const CONTROL = '/__scripted/';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const estimateTokens = (value: unknown) => Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorType = errorTypeForStatus(status),
  ) {
    super(message);
  }
}

export class ScriptedModelServer extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedTurn[] = [];
  private readonly server: http.Server;
  private readonly signatures = new Set<string>();
  private readonly cache = new Map<string, number>();
  private port = 0;

  private constructor(private options: ServerOptions) {
    super();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendError(res, new ApiFailure(500, String(err)));
        else res.destroy();
      });
    });
  }

  static async start(options: ServerOptions = {}): Promise<ScriptedModelServer> {
    const server = new ScriptedModelServer(options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    server.port = (server.server.address() as AddressInfo).port;
    return server;
  }

  /** The base URL to give the SDK / the `elixirAgent.baseUrl` setting. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  enqueue(...turns: ScriptedTurn[]): this {
    this.queue.push(...turns);
    return this;
  }

  /** Turns not served yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** Bodies of every `POST /v1/messages`, in order. */
  messageRequests(): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages').map((r) => r.body);
  }

  /** Resolves once at least `count` requests to `path` were received (waits on events, no polling). */
  waitForRequests(count: number, path = '/v1/messages'): Promise<RecordedRequest[]> {
    const matching = () => this.requests.filter((r) => r.path === path);
    return new Promise((resolve) => {
      const check = () => {
        if (matching().length >= count) {
          this.off('request', check);
          resolve(matching());
        }
      };
      this.on('request', check);
      check();
    });
  }

  setOptions(options: Partial<ServerOptions>): void {
    this.options = { ...this.options, ...options };
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
    this.cache.clear();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- HTTP ---

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith(CONTROL)) return this.control(url.pathname.slice(CONTROL.length), req.method ?? 'GET', raw, res);

    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, headers: lowerHeaders(req.headers), body };
    this.requests.push(record);
    this.emit('request', record);

    try {
      this.checkHeaders(record.headers);
      if (raw && body === undefined) throw new ApiFailure(400, 'There was an error parsing the body of your request: invalid JSON');
      if (req.method === 'GET' && url.pathname === '/v1/models') return this.sendJson(res, 200, this.modelsPage(url));
      const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && modelMatch) return this.sendJson(res, 200, this.modelInfo(decodeURIComponent(modelMatch[1]!)));
      if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens') {
        this.validateMessages(body, false);
        return this.sendJson(res, 200, { input_tokens: this.promptTokens(body as object) });
      }
      if (req.method === 'POST' && url.pathname === '/v1/messages') return await this.messages(body, record, res);
      throw new ApiFailure(404, `Not found: ${req.method} ${url.pathname}`);
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      record.answeredWith = String(err.status);
      this.sendError(res, err);
    }
  }

  private control(command: string, method: string, raw: string, res: http.ServerResponse): void {
    if (command === 'turns' && method === 'POST') {
      const parsed = JSON.parse(raw) as ScriptedTurn | ScriptedTurn[];
      this.enqueue(...(Array.isArray(parsed) ? parsed : [parsed]));
      return this.sendJson(res, 200, { pending: this.queue.length });
    }
    if (command === 'requests') return this.sendJson(res, 200, this.requests);
    if (command === 'reset' && method === 'POST') {
      this.reset();
      return this.sendJson(res, 200, { ok: true });
    }
    if (command === 'state') return this.sendJson(res, 200, { pending: this.queue.length, requests: this.requests.length });
    if (command === 'options' && method === 'POST') {
      this.setOptions(JSON.parse(raw) as Partial<ServerOptions>);
      return this.sendJson(res, 200, { ok: true });
    }
    this.sendJson(res, 404, { error: `unknown control command ${command}` });
  }

  private checkHeaders(headers: Record<string, string>): void {
    const key = headers['x-api-key'] ?? /^Bearer (.+)$/i.exec(headers['authorization'] ?? '')?.[1];
    if (!key) throw new ApiFailure(401, 'x-api-key header is required');
    if (this.options.apiKey !== undefined && key !== this.options.apiKey) throw new ApiFailure(401, 'invalid x-api-key');
    if (!headers['anthropic-version']) throw new ApiFailure(400, 'anthropic-version: header is required');
  }

  private models(): ModelEntry[] {
    const models = this.options.models ?? DEFAULT_MODELS;
    const window = this.options.contextWindow;
    return window ? models.map((m) => ({ ...m, max_input_tokens: window })) : models;
  }

  private modelInfo(id: string) {
    const model = this.models().find((m) => m.id === id);
    if (!model) throw new ApiFailure(404, `model: ${id}`);
    return { type: 'model', ...model };
  }

  private modelsPage(url: URL) {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const data = this.models().slice(0, limit).map((m) => ({ type: 'model', ...m }));
    return { data, has_more: this.models().length > limit, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }

  // --- Messages ---

  private async messages(body: any, record: RecordedRequest, res: http.ServerResponse): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
    this.validateMessages(body, true);
    const next = this.queue.shift() ?? (this.options.fallback === 'echo' ? ({ kind: 'echo' } as ScriptedTurn) : undefined);
    if (!next) throw new ApiFailure(400, 'scripted model server: no scripted turn left for this request');
    this.emit('turn', next);

    if ('headersDelayMs' in next && next.headersDelayMs) await sleep(next.headersDelayMs);
    if (next.kind === 'hang') {
      record.answeredWith = 'hang';
      await new Promise<void>((resolve) => res.once('close', resolve));
      return;
    }
    if (next.kind === 'http-error') {
      record.answeredWith = String(next.status);
      return this.sendScriptedError(res, next);
    }
    const turn: MessageTurn = next.kind === 'echo' ? echoTurn(body, next.chunkDelayMs) : next;
    const message = this.buildMessage(body, turn);
    if (body.stream !== true) {
      record.answeredWith = '200';
      return this.sendJson(res, 200, message);
    }
    record.answeredWith = turn.fault ? `fault:${turn.fault.kind}` : '200';
    await this.stream(res, message, turn);
  }

  private buildMessage(body: any, turn: MessageTurn) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const content = turn.content.map((b) => this.toContentBlock(b));
    const hasToolUse = content.some((b) => b.type === 'tool_use');
    const { read, created, input } = this.cacheUsage(body);
    const usage = {
      input_tokens: input,
      cache_creation_input_tokens: created,
      cache_read_input_tokens: read,
      output_tokens: estimateTokens(content),
      service_tier: 'standard',
      ...turn.usage,
    };
    return {
      id: newId('msg'),
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: turn.stopReason ?? (hasToolUse ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage,
    };
  }

  private toContentBlock(b: ScriptedBlock): Record<string, unknown> {
    switch (b.type) {
      case 'text':
        return { type: 'text', text: b.text };
      case 'tool_use':
        return { type: 'tool_use', id: b.id ?? newId('toolu'), name: b.name, input: b.input };
      case 'thinking': {
        const signature = b.signature ?? createHash('sha256').update(`${b.thinking}:${randomBytes(8).toString('hex')}`).digest('base64');
        this.signatures.add(signature);
        return { type: 'thinking', thinking: b.thinking, signature };
      }
      case 'redacted_thinking':
        return { type: 'redacted_thinking', data: b.data };
    }
  }

  private async stream(res: http.ServerResponse, message: ReturnType<ScriptedModelServer['buildMessage']>, turn: MessageTurn): Promise<void> {
    const events = sseEvents(message, turn.chunkSize ?? 16);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'request-id': newId('req'),
    });
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    let closed = false;
    res.once('close', () => (closed = true));
    if (turn.firstEventDelayMs) await sleep(turn.firstEventDelayMs);
    const fault = turn.fault;
    for (const [i, event] of events.entries()) {
      if (closed) break;
      if (fault && i === fault.afterEvents) return this.playFault(res, fault);
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
    }
    if (fault && !closed) return this.playFault(res, fault);
    res.end();
  }

  private async playFault(res: http.ServerResponse, fault: NonNullable<MessageTurn['fault']>): Promise<void> {
    switch (fault.kind) {
      case 'error-event': {
        const error = { type: 'error', error: { type: fault.errorType ?? 'overloaded_error', message: fault.message ?? 'Overloaded' }, request_id: newId('req') };
        res.end(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
        return;
      }
      case 'drop':
        // Let what was written reach the client first, as on a real network.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        res.socket?.destroy();
        return;
      case 'malformed':
        res.end('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n');
        return;
      case 'end':
        res.end();
        return;
      case 'stall':
        await new Promise<void>((resolve) => res.once('close', resolve));
        return;
    }
  }

  private sendScriptedError(res: http.ServerResponse, turn: Extract<ScriptedTurn, { kind: 'http-error' }>): void {
    const headers: Record<string, string> = {};
    if (turn.retryAfter !== undefined) headers['retry-after'] = String(turn.retryAfter);
    if (turn.retryAfterMs !== undefined) headers['retry-after-ms'] = String(turn.retryAfterMs);
    if (turn.shouldRetry !== undefined) headers['x-should-retry'] = String(turn.shouldRetry);
    if (turn.rawBody !== undefined) {
      res.writeHead(turn.status, { 'content-type': 'text/html', 'request-id': newId('req'), ...headers });
      res.end(turn.rawBody);
      return;
    }
    this.sendError(res, new ApiFailure(turn.status, turn.message ?? defaultErrorMessage(turn.status), turn.errorType), headers);
  }

  private sendError(res: http.ServerResponse, err: ApiFailure, headers: Record<string, string> = {}): void {
    const requestId = newId('req');
    res.writeHead(err.status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
    res.end(JSON.stringify({ type: 'error', error: { type: err.errorType, message: err.message }, request_id: requestId }));
  }

  private sendJson(res: http.ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req') });
    res.end(JSON.stringify(value));
  }

  // --- Validation, as the API does it ---

  private validateMessages(body: any, needsMaxTokens: boolean): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!body || typeof body !== 'object') throw new ApiFailure(400, 'body: Input should be an object');
    if (typeof body.model !== 'string' || !body.model) throw new ApiFailure(400, 'model: Field required');
    const model = this.models().find((m) => m.id === body.model);
    if (!model) throw new ApiFailure(404, `model: ${body.model}`);
    if (needsMaxTokens && !(Number.isInteger(body.max_tokens) && body.max_tokens > 0)) throw new ApiFailure(400, 'max_tokens: Field required');
    if (needsMaxTokens && body.max_tokens > model.max_tokens) {
      throw new ApiFailure(400, `max_tokens: ${body.max_tokens} > ${model.max_tokens}, which is the maximum allowed number of output tokens for ${model.id}`);
    }
    for (const gone of ['temperature', 'top_p', 'top_k']) {
      if (gone in body) throw new ApiFailure(400, `${gone}: Extra inputs are not permitted`);
    }
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw new ApiFailure(400, 'messages: at least one message is required');
    if (messages[0].role !== 'user') throw new ApiFailure(400, 'messages: first message must use the "user" role');

    const tools: any[] = body.tools ?? []; // eslint-disable-line @typescript-eslint/no-explicit-any
    const names = new Set<string>();
    tools.forEach((t, i) => {
      if (typeof t.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(t.name)) throw new ApiFailure(400, `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
      if (!t.input_schema || t.input_schema.type !== 'object') throw new ApiFailure(400, `tools.${i}.custom.input_schema.type: Input should be 'object'`);
      if (names.has(t.name)) throw new ApiFailure(400, 'tools: Tool names must be unique.');
      names.add(t.name);
    });

    // tool_use ids are unique across the whole request ("messages.1.content.2: `tool_use` ids must be unique").
    const toolUseIds = new Set<string>();
    messages.forEach((m: { content: unknown }, i: number) => {
      if (!Array.isArray(m.content)) return;
      (m.content as Array<{ type: string; id?: string }>).forEach((b, j) => {
        if (b.type !== 'tool_use') return;
        if (toolUseIds.has(b.id as string)) throw new ApiFailure(400, `messages.${i}.content.${j}: \`tool_use\` ids must be unique`);
        toolUseIds.add(b.id as string);
      });
    });

    let breakpoints = tools.filter((t) => t.cache_control).length;
    const system = typeof body.system === 'string' ? [] : (body.system ?? []);
    breakpoints += system.filter((b: { cache_control?: unknown }) => b.cache_control).length;
    messages.forEach((m: { role: string; content: unknown }, i: number) => {
      if (m.role !== 'user' && m.role !== 'assistant') throw new ApiFailure(400, `messages.${i}.role: Input should be 'user' or 'assistant'`);
      const content = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content as any[]); // eslint-disable-line @typescript-eslint/no-explicit-any
      if (!Array.isArray(content)) throw new ApiFailure(400, `messages.${i}.content: Input should be a valid list`);
      if (content.length === 0 && !(i === messages.length - 1 && m.role === 'assistant')) throw new ApiFailure(400, `messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
      content.forEach((b, j) => {
        if (b.cache_control) breakpoints++;
        if (b.type === 'text' && !b.text) throw new ApiFailure(400, `messages.${i}.content.${j}.text: text content blocks must be non-empty`);
        if (b.type === 'thinking' && (m.role !== 'assistant' || !this.signatures.has(b.signature))) {
          throw new ApiFailure(400, `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
        }
        if (b.type === 'thinking' && b.cache_control) throw new ApiFailure(400, `messages.${i}.content.${j}.thinking.cache_control: Extra inputs are not permitted`);
      });
      this.checkToolPairing(messages, m, i);
    });
    if (breakpoints > 4) throw new ApiFailure(400, `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`);
    const tokens = this.promptTokens(body);
    if (needsMaxTokens && tokens > model.max_input_tokens) throw new ApiFailure(400, `prompt is too long: ${tokens} tokens > ${model.max_input_tokens} maximum`);
  }

  /** Checks `m`, which is `messages[i]`, against its neighbours. */
  private checkToolPairing(messages: Array<{ role: string; content: unknown }>, m: { role: string; content: unknown }, i: number): void {
    const blocks = (m: { content: unknown } | undefined) => (m && Array.isArray(m.content) ? (m.content as Array<{ type: string; id?: string; tool_use_id?: string }>) : []);
    if (m.role === 'assistant') {
      const uses = blocks(m).filter((b) => b.type === 'tool_use').map((b) => b.id as string);
      if (uses.length === 0) return;
      const next = messages[i + 1];
      if (!next) return; // a trailing assistant message (prefill) may not have results yet
      const results = new Set(blocks(next).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
      const missing = uses.filter((id) => !results.has(id));
      if (next.role !== 'user' || missing.length) {
        throw new ApiFailure(400, `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
      }
      const firstOther = blocks(next).findIndex((b) => b.type !== 'tool_result');
      const lastResult = blocks(next).map((b) => b.type).lastIndexOf('tool_result');
      if (firstOther !== -1 && firstOther < lastResult) throw new ApiFailure(400, `messages.${i + 1}: \`tool_result\` blocks must come first in the user message content.`);
    } else {
      const prev = messages[i - 1];
      const uses = new Set(blocks(prev).filter((b) => b.type === 'tool_use').map((b) => b.id));
      const answered = new Set<string | undefined>();
      blocks(m).forEach((b, j) => {
        if (b.type === 'tool_result' && answered.has(b.tool_use_id)) {
          throw new ApiFailure(400, `messages.${i}.content.${j}: each \`tool_use\` must have a single result. Found multiple \`tool_result\` blocks with id: ${b.tool_use_id}`);
        }
        if (b.type === 'tool_result') answered.add(b.tool_use_id);
        if (b.type === 'tool_result' && !uses.has(b.tool_use_id)) {
          throw new ApiFailure(400, `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
        }
      });
    }
  }

  private promptTokens(body: { system?: unknown; messages?: unknown; tools?: unknown }): number {
    return estimateTokens({ system: body.system, messages: body.messages, tools: body.tools });
  }

  /** Prompt caching: prefixes ending at a cache_control breakpoint are written, then read when a later request repeats them. */
  private cacheUsage(body: any): { read: number; created: number; input: number } { // eslint-disable-line @typescript-eslint/no-explicit-any
    const parts: Array<{ value: unknown; breakpoint: boolean }> = [];
    const strip = (b: Record<string, unknown>) => {
      const { cache_control: _omit, ...rest } = b;
      return rest;
    };
    for (const t of body.tools ?? []) parts.push({ value: strip(t), breakpoint: !!t.cache_control });
    const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system ?? []);
    for (const b of system) parts.push({ value: strip(b), breakpoint: !!b.cache_control });
    for (const m of body.messages) {
      const content = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
      for (const b of content) parts.push({ value: [m.role, strip(b)], breakpoint: !!b.cache_control });
    }
    const total = estimateTokens(parts.map((p) => p.value));
    const min = this.options.minCacheTokens ?? 1024;
    const prefixes: Array<{ hash: string; tokens: number }> = [];
    parts.forEach((p, i) => {
      if (!p.breakpoint) return;
      const prefix = parts.slice(0, i + 1).map((q) => q.value);
      prefixes.push({ hash: createHash('sha256').update(`${body.model}\n${JSON.stringify(prefix)}`).digest('hex'), tokens: estimateTokens(prefix) });
    });
    let read = 0;
    for (const p of [...prefixes].reverse()) {
      if (this.cache.has(p.hash)) {
        read = p.tokens;
        break;
      }
    }
    const last = prefixes.at(-1);
    let created = 0;
    if (last && last.tokens >= min) {
      created = Math.max(0, last.tokens - read);
      for (const p of prefixes) if (p.tokens >= min) this.cache.set(p.hash, p.tokens);
    }
    return { read, created, input: Math.max(1, total - read - created) };
  }
}

/** The SSE events of a message, as the API streams them. */
function sseEvents(message: ReturnType<ScriptedModelServer['buildMessage']>, chunkSize: number): Array<Record<string, unknown> & { type: string }> {
  const chunks = (s: string, size: number) => {
    const out: string[] = [];
    for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
    return out.length ? out : [''];
  };
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens, service_tier } = message.usage;
  const events: Array<Record<string, unknown> & { type: string }> = [
    {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens: 1, service_tier } },
    },
    { type: 'ping' },
  ];
  message.content.forEach((b, index) => {
    if (b.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const text of chunks(b.text as string, chunkSize)) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else if (b.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
      const json = JSON.stringify(b.input ?? {});
      const pieces = ['', ...chunks(json, Math.max(1, Math.ceil(json.length / 3)))];
      for (const partial_json of pieces) events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
    } else if (b.type === 'thinking') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const thinking of chunks(b.thinking as string, chunkSize)) events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: b.signature } });
    } else {
      events.push({ type: 'content_block_start', index, content_block: b });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens } });
  events.push({ type: 'message_stop' });
  return events;
}

function echoTurn(body: { messages: Array<{ role: string; content: unknown }> }, chunkDelayMs?: number): MessageTurn {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  const text =
    typeof last?.content === 'string'
      ? last.content
      : ((last?.content as Array<{ type: string; text?: string }>) ?? [])
          .filter((b) => b.type === 'text')
          .map((b) => b.text)
          .join('\n');
  return { kind: 'message', content: [{ type: 'text', text: `Echo: ${text}` }], chunkDelayMs, chunkSize: 8 };
}

function lowerHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Standalone: `node scriptedModelServer.js [--port N] [--script file.json] [--fallback echo|error] [--api-key KEY]`. */
async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scriptPath = arg('--script');
  const script: ScriptFile = scriptPath ? (JSON.parse(readFileSync(scriptPath, 'utf8')) as ScriptFile) : {};
  const parsed = Array.isArray(script) ? { turns: script as ScriptedTurn[] } : script;
  const { turns = [], ...options } = parsed;
  const fallback = (arg('--fallback') as ScriptFile['fallback']) ?? options.fallback;
  const server = await ScriptedModelServer.start({ ...options, fallback, apiKey: arg('--api-key') ?? options.apiKey, port: Number(arg('--port') ?? 0) });
  server.enqueue(...turns);
  console.log(`scripted-model-server listening on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
