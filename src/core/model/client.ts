/**
 * The model client: `@anthropic-ai/sdk` 1.x streaming, with our own retry
 * policy (so the user sees "retrying in 4 s" and a stop works during the wait),
 * a stream idle timeout, and errors classified into what the user reads.
 * Pure TypeScript: used by the extension and by `elixir-agent run`.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock, Message, MessageCreateParamsBase, MessageCountTokensParams } from '@anthropic-ai/sdk/resources/messages';
import { classifyError, HeadersTimeoutError, IncompleteStreamError, isTransient, ModelError, noApiKeyError, retryAfterMs, StreamIdleError } from './errors';
import { contextWindowFor } from './models';

export interface ModelLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ModelClientOptions {
  /** Undefined or empty: every call fails with a "set your key" error, and nothing is sent. */
  apiKey: string | undefined;
  /** Empty: Anthropic's API. */
  baseURL?: string;
  /** Automatic retries of transient failures (429, 529, 5xx, connection errors) before anything was streamed. */
  maxRetries?: number;
  /**
   * Time to wait for the response headers, per attempt (default 60 s, at most
   * 300 s, Node's own limit). A stream that has started is governed by the
   * idle timeout instead.
   */
  headersTimeoutMs?: number;
  /** Abort a stream that sends nothing (not even a ping) for this long. */
  idleTimeoutMs?: number;
  /** A retry-after longer than this is not waited for: the error is shown at once. */
  maxRetryWaitMs?: number;
  logger?: ModelLogger;
  /** Test hook: how to wait between attempts (default: a timer that the signal cancels). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What the stream reports as it goes. Indexes are the API's content block indexes. */
export type StreamEvent =
  | { type: 'blockStart'; index: number; block: ContentBlock }
  | { type: 'textDelta'; index: number; text: string }
  | { type: 'thinkingDelta'; index: number; text: string }
  | { type: 'inputJsonDelta'; index: number; partialJson: string }
  | { type: 'blockStop'; index: number; block: ContentBlock }
  | { type: 'retry'; attempt: number; maxRetries: number; delayMs: number; reason: string };

export type StreamParams = Omit<MessageCreateParamsBase, 'stream'>;

export interface TurnResult {
  message: Message;
  requestId?: string;
}

export interface ModelInfoSummary {
  id: string;
  displayName?: string;
  contextWindow: number;
  maxOutputTokens?: number;
}

const DEFAULTS = { maxRetries: 3, headersTimeoutMs: 60_000, idleTimeoutMs: 3 * 60_000, maxRetryWaitMs: 60_000 };
/** undici (Node's fetch) gives up on headers after 300 s by itself. */
const MAX_HEADERS_TIMEOUT_MS = 300_000;

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new Anthropic.APIUserAbortError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Anthropic.APIUserAbortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export class ModelClient {
  private readonly sdk: Anthropic | undefined;
  private readonly opts: Required<Omit<ModelClientOptions, 'apiKey' | 'baseURL' | 'logger' | 'sleep'>>;
  private readonly infoCache = new Map<string, Promise<ModelInfoSummary>>();

  constructor(private readonly options: ModelClientOptions) {
    this.opts = {
      maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
      headersTimeoutMs: Math.min(options.headersTimeoutMs && options.headersTimeoutMs > 0 ? options.headersTimeoutMs : DEFAULTS.headersTimeoutMs, MAX_HEADERS_TIMEOUT_MS),
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      maxRetryWaitMs: options.maxRetryWaitMs ?? DEFAULTS.maxRetryWaitMs,
    };
    const log = options.logger;
    this.sdk = options.apiKey
      ? new Anthropic({
          apiKey: options.apiKey,
          baseURL: options.baseURL || 'https://api.anthropic.com',
          maxRetries: 0,
          timeout: this.opts.headersTimeoutMs,
          logLevel: 'warn',
          logger: {
            debug: (m: string) => log?.debug(m),
            info: (m: string) => log?.info(m),
            warn: (m: string, ...rest: unknown[]) => log?.warn([m, ...rest.map(String)].join(' ')),
            error: (m: string, ...rest: unknown[]) => log?.error([m, ...rest.map(String)].join(' ')),
          },
        })
      : undefined;
  }

  get hasApiKey(): boolean {
    return this.sdk !== undefined;
  }

  get baseURL(): string | undefined {
    return this.options.baseURL || undefined;
  }

  /** How long an attempt waits for the response headers. */
  get headersTimeoutMs(): number {
    return this.opts.headersTimeoutMs;
  }

  /**
   * Stream one model response. Transient failures before the first event are
   * retried with backoff (honouring retry-after); anything else throws a
   * ModelError. On abort it throws a ModelError of kind 'aborted'.
   */
  async stream(params: StreamParams, signal: AbortSignal, onEvent: (e: StreamEvent) => void): Promise<TurnResult> {
    const sdk = this.requireSdk();
    const max = this.opts.maxRetries;
    for (let attempt = 1; ; attempt++) {
      let emitted = false;
      try {
        return await this.attempt(sdk, params, signal, (e) => {
          emitted = true;
          onEvent(e);
        });
      } catch (err) {
        if (signal.aborted) throw new ModelError(classifyError(new Anthropic.APIUserAbortError(), this.ctx(params.model, attempt)), { cause: err });
        const wait = retryAfterMs(err);
        const retryable = !emitted && isTransient(err) && attempt <= max;
        if (!retryable || (wait !== undefined && wait > this.opts.maxRetryWaitMs)) {
          const view = classifyError(err, { ...this.ctx(params.model, attempt), retryAfterSeconds: wait !== undefined ? Math.ceil(wait / 1000) : undefined });
          this.options.logger?.warn(`model call failed (${view.kind}${view.status ? ` ${view.status}` : ''}${view.requestId ? ` ${view.requestId}` : ''}): ${view.detail}`);
          throw new ModelError(view, { cause: err });
        }
        const delayMs = wait ?? backoffMs(attempt);
        const reason = classifyError(err, this.ctx(params.model, attempt)).title;
        this.options.logger?.info(`model call: ${reason}; retry ${attempt}/${max} in ${delayMs} ms`);
        onEvent({ type: 'retry', attempt, maxRetries: max, delayMs, reason });
        try {
          await (this.options.sleep ?? defaultSleep)(delayMs, signal);
        } catch {
          throw new ModelError(classifyError(new Anthropic.APIUserAbortError(), this.ctx(params.model, attempt)));
        }
      }
    }
  }

  private async attempt(sdk: Anthropic, params: StreamParams, signal: AbortSignal, onEvent: (e: StreamEvent) => void): Promise<TurnResult> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    let idleFired = false;
    // Until the headers arrive, our own limit (the SDK's timeout would report a
    // generic timeout, and undici's own waits 300 s); after, the idle timeout.
    let headersFired = false;
    const headersTimer = setTimeout(() => {
      headersFired = true;
      controller.abort();
    }, this.opts.headersTimeoutMs);
    const touch = () => {
      clearTimeout(headersTimer);
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idleFired = true;
        controller.abort();
      }, this.opts.idleTimeoutMs);
    };
    // Every chunk of the body (pings included) proves the stream is alive.
    const client = sdk.withOptions({ fetch: watchedFetch(touch), timeout: this.opts.headersTimeoutMs + 5_000 });
    let stopped = false;
    try {
      const stream = client.messages.stream(params as MessageCreateParamsBase, { signal: controller.signal });
      stream.on('streamEvent', (event, snapshot) => {
        switch (event.type) {
          case 'content_block_start':
            onEvent({ type: 'blockStart', index: event.index, block: event.content_block });
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') onEvent({ type: 'textDelta', index: event.index, text: event.delta.text });
            else if (event.delta.type === 'thinking_delta') onEvent({ type: 'thinkingDelta', index: event.index, text: event.delta.thinking });
            else if (event.delta.type === 'input_json_delta') onEvent({ type: 'inputJsonDelta', index: event.index, partialJson: event.delta.partial_json });
            break;
          case 'content_block_stop': {
            const block = snapshot.content[event.index];
            if (block) onEvent({ type: 'blockStop', index: event.index, block });
            break;
          }
          case 'message_stop':
            stopped = true;
            break;
        }
      });
      await stream.done();
      const message = stream.receivedMessages.at(-1);
      if (!stopped || !message) throw new IncompleteStreamError();
      return { message, requestId: stream.request_id ?? undefined };
    } catch (err) {
      if (headersFired && !signal.aborted) throw new HeadersTimeoutError(this.opts.headersTimeoutMs);
      if (idleFired && !signal.aborted) throw new StreamIdleError(this.opts.idleTimeoutMs);
      throw err;
    } finally {
      clearTimeout(headersTimer);
      clearTimeout(idleTimer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Context window and output limit of a model: the Models API when it answers, else the built-in table. */
  modelInfo(model: string): Promise<ModelInfoSummary> {
    let cached = this.infoCache.get(model);
    if (!cached) {
      cached = this.fetchModelInfo(model);
      this.infoCache.set(model, cached);
    }
    return cached;
  }

  private async fetchModelInfo(model: string): Promise<ModelInfoSummary> {
    const fallback = { id: model, contextWindow: contextWindowFor(model) };
    if (!this.sdk) return fallback;
    try {
      const info = await this.sdk.withOptions({ maxRetries: 1, timeout: 15_000 }).models.retrieve(model);
      return {
        id: info.id,
        displayName: info.display_name,
        contextWindow: info.max_input_tokens ?? fallback.contextWindow,
        maxOutputTokens: info.max_tokens ?? undefined,
      };
    } catch (err) {
      this.options.logger?.debug(`model info for ${model} unavailable: ${err instanceof Error ? err.message : String(err)}`);
      return fallback;
    }
  }

  /** Model ids the API offers, newest first. */
  async listModels(signal?: AbortSignal): Promise<Array<{ id: string; displayName: string }>> {
    const sdk = this.requireSdk();
    try {
      const out: Array<{ id: string; displayName: string }> = [];
      for await (const m of sdk.withOptions({ maxRetries: 2 }).models.list({ limit: 100 }, { signal })) out.push({ id: m.id, displayName: m.display_name });
      return out;
    } catch (err) {
      throw new ModelError(classifyError(err, this.ctx(undefined, 1)), { cause: err });
    }
  }

  async countTokens(params: MessageCountTokensParams, signal?: AbortSignal): Promise<number> {
    const sdk = this.requireSdk();
    try {
      const res = await sdk.withOptions({ maxRetries: 2 }).messages.countTokens(params, { signal });
      return res.input_tokens;
    } catch (err) {
      throw new ModelError(classifyError(err, this.ctx(params.model, 1)), { cause: err });
    }
  }

  private requireSdk(): Anthropic {
    if (!this.sdk) throw noApiKeyError();
    return this.sdk;
  }

  private ctx(model: string | undefined, attempts: number) {
    return { model, baseURL: this.baseURL, attempts, timeoutMs: this.opts.headersTimeoutMs, secrets: this.options.apiKey ? [this.options.apiKey] : [] };
  }
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... up to 8 s. */
export function backoffMs(attempt: number): number {
  const base = Math.min(500 * 2 ** (attempt - 1), 8000);
  return Math.round(base * (1 - Math.random() * 0.25));
}

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A fetch that calls `onActivity` when the headers arrive and on every body chunk. */
function watchedFetch(onActivity: () => void): FetchFn {
  return async (input, init) => {
    const res = await fetch(input, init);
    onActivity();
    if (!res.body) return res;
    const watch = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        onActivity();
        ctl.enqueue(chunk);
      },
    });
    return new Response(res.body.pipeThrough(watch), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
