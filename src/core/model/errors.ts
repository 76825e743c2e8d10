/**
 * Every way a model call can fail, turned into what the user reads (the
 * ErrorRecord, kept on the message) plus what the code needs to decide (kind, retry).
 */
import * as Sdk from '@anthropic-ai/sdk';

/** An error as the user reads it, saved on the message it ended. */
export interface ErrorRecord {
  title: string;
  detail: string;
  /** Offer a retry button. */
  retryable: boolean;
  /** A follow-up the user can take: set the API key, continue after max_tokens... */
  action?: 'setApiKey' | 'continue' | 'openSettings';
}

export type ModelErrorKind =
  | 'no-api-key'
  | 'auth' // 401
  | 'permission' // 403
  | 'billing' // 402
  | 'model-not-found' // 404
  | 'rate-limit' // 429 after retries
  | 'overloaded' // 529 after retries
  | 'server' // other 5xx after retries
  | 'network' // connection refused, DNS, offline
  | 'timeout' // no response headers in time (then retried), or the stream went silent
  | 'stream-error' // `event: error` mid-stream
  | 'malformed' // an SSE event that does not parse
  | 'connection-lost' // the connection dropped mid-stream
  | 'incomplete' // the stream ended without message_stop
  | 'context-window' // prompt is too long
  | 'bad-request' // other 400s
  | 'aborted' // the user stopped it
  | 'unknown';

export interface ModelErrorView extends ErrorRecord {
  kind: ModelErrorKind;
  status?: number;
  requestId?: string;
}

/** Context the messages mention. */
export interface ErrorContext {
  model?: string;
  baseURL?: string;
  /** Attempts made (1 = no retry). */
  attempts?: number;
  /** Seconds the server asked us to wait (retry-after), when we gave up because it was too long. */
  retryAfterSeconds?: number;
  timeoutMs?: number;
  /** Strings that must never appear in a message (the API key). */
  secrets?: string[];
}

/** An error the model client throws: already classified. */
export class ModelError extends Error {
  constructor(
    readonly view: ModelErrorView,
    options?: { cause?: unknown },
  ) {
    super(`${view.title}: ${view.detail}`, options);
    this.name = 'ModelError';
  }
  get kind(): ModelErrorKind {
    return this.view.kind;
  }
}

/** Thrown when the stream closes without message_stop. */
export class IncompleteStreamError extends Error {
  constructor() {
    super('the stream ended before message_stop');
    this.name = 'IncompleteStreamError';
  }
}

/** Thrown when the response headers do not arrive in time. */
export class HeadersTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response headers within ${seconds(timeoutMs)} s`);
    this.name = 'HeadersTimeoutError';
  }
}

/** "60", "0.5": seconds as the messages show them. */
function seconds(ms: number): string {
  return String(ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000));
}

/** Thrown when the stream sends nothing for too long. */
export class StreamIdleError extends Error {
  constructor(readonly idleMs: number) {
    super(`no data for ${Math.round(idleMs / 1000)} s`);
    this.name = 'StreamIdleError';
  }
}

export function noApiKeyError(): ModelError {
  return new ModelError({
    kind: 'no-api-key',
    title: 'No Anthropic API key',
    detail: 'Set your key with “Elixir Agent: Set Anthropic API Key” (or the ANTHROPIC_API_KEY environment variable). Nothing was sent.',
    retryable: true,
    action: 'setApiKey',
  });
}

const isContextOverflow = (message: string) => /prompt is too long|context window|too many tokens|exceeds? the (model's )?(maximum )?context/i.test(message);

function apiDetail(err: Sdk.APIError): string {
  const message = err.apiMessage ?? (err.error && typeof err.error === 'object' ? undefined : String(err.error ?? ''));
  const type = err.type ? `${err.type}: ` : '';
  return message ? `${type}${message}` : err.status ? `HTTP ${err.status} without an error body` : err.message;
}

function redact(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join('«redacted»');
  return out;
}

/** Classify anything a model call threw. Never includes the API key. */
export function classifyError(err: unknown, ctx: ErrorContext = {}): ModelErrorView {
  const view = classify(err, ctx);
  return { ...view, title: redact(view.title, ctx.secrets), detail: redact(view.detail, ctx.secrets) };
}

function classify(err: unknown, ctx: ErrorContext): ModelErrorView {
  if (err instanceof ModelError) return err.view;
  const tries = ctx.attempts && ctx.attempts > 1 ? ` (tried ${ctx.attempts} times)` : '';
  const where = ctx.baseURL ?? 'https://api.anthropic.com';
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;

  if (err instanceof StreamIdleError) {
    return {
      kind: 'timeout',
      title: 'The answer stalled',
      detail: `The API sent nothing for ${Math.round(err.idleMs / 1000)} s, so the request was stopped. The partial answer is kept.`,
      retryable: true,
    };
  }
  if (err instanceof IncompleteStreamError) {
    return {
      kind: 'incomplete',
      title: 'The answer ended unexpectedly',
      detail: 'The API closed the stream before the message was complete. The partial answer is kept; retry to ask again.',
      retryable: true,
    };
  }
  if (err instanceof Sdk.APIUserAbortError) {
    return { kind: 'aborted', title: 'Stopped', detail: 'The answer was stopped.', retryable: true };
  }
  if (err instanceof HeadersTimeoutError || err instanceof Sdk.APIConnectionTimeoutError) {
    const ms = err instanceof HeadersTimeoutError ? err.timeoutMs : ctx.timeoutMs;
    return {
      kind: 'timeout',
      title: ms ? `The API did not start answering within ${seconds(ms)} s` : 'The API did not answer in time',
      detail: `No response from ${where}${tries}. Check your network connection${ctx.baseURL ? ' and the base URL' : ''}, or try again in a moment.`,
      retryable: true,
    };
  }
  if (err instanceof Sdk.APIConnectionError) {
    const code = connectionCode(err);
    return {
      kind: 'network',
      title: 'Cannot reach the Anthropic API',
      detail: `Could not connect to ${where}${code ? ` (${code})` : ''}${tries}. Check your network connection${ctx.baseURL ? ' and the base URL setting (elixirAgent.baseUrl)' : ''}.`,
      retryable: true,
      action: ctx.baseURL ? 'openSettings' : undefined,
    };
  }
  if (err instanceof Sdk.APIError) {
    const status = err.status;
    const requestId = err.requestID ?? undefined;
    const detail = apiDetail(err);
    const base = { status, requestId };
    if (status === undefined) {
      // An `event: error` in the middle of the stream.
      const overloaded = err.type === 'overloaded_error';
      return {
        ...base,
        kind: 'stream-error',
        title: overloaded ? 'Anthropic’s API became overloaded mid-answer' : 'The API reported an error mid-answer',
        detail: `${detail}. The partial answer is kept; retry to ask again.`,
        retryable: true,
      };
    }
    if (status === 401) {
      return {
        ...base,
        kind: 'auth',
        title: 'The API key was rejected',
        detail: `Anthropic answered 401 (${detail}). Set a valid key with “Elixir Agent: Set Anthropic API Key”.`,
        retryable: true,
        action: 'setApiKey',
      };
    }
    if (status === 403) {
      return { ...base, kind: 'permission', title: 'Not allowed with this API key', detail: `Anthropic answered 403 (${detail}).`, retryable: true, action: 'openSettings' };
    }
    if (status === 402) {
      return { ...base, kind: 'billing', title: 'Billing problem on the Anthropic account', detail: `Anthropic answered 402 (${detail}).`, retryable: true };
    }
    if (status === 404) {
      const model = ctx.model ? `The model “${ctx.model}” was not found` : 'Not found';
      return {
        ...base,
        kind: 'model-not-found',
        title: ctx.model ? `Model not found: ${ctx.model}` : 'Not found (404)',
        detail: `${model} (${detail}). Check the agent’s \`model:\` field or the elixirAgent.model setting${ctx.baseURL ? ', and the base URL' : ''}.`,
        retryable: true,
        action: 'openSettings',
      };
    }
    if ((status === 400 || status === 413) && isContextOverflow(detail)) {
      return {
        ...base,
        kind: 'context-window',
        title: 'The conversation is too long for the model',
        detail: `${detail}. Retry to let the agent shorten and summarize older parts of the conversation, or start a new conversation.`,
        retryable: true,
      };
    }
    if (status === 429) {
      const wait = ctx.retryAfterSeconds ? ` The API asks to wait ${ctx.retryAfterSeconds} s before trying again.` : ' Wait a moment and retry.';
      return { ...base, kind: 'rate-limit', title: 'Rate limit reached', detail: `Anthropic answered 429${tries} (${detail}).${wait}`, retryable: true };
    }
    if (status === 529 || err.type === 'overloaded_error') {
      return { ...base, kind: 'overloaded', title: 'Anthropic’s API is overloaded', detail: `Anthropic answered ${status}${tries} (${detail}). Try again in a moment.`, retryable: true };
    }
    if (status >= 500) {
      return { ...base, kind: 'server', title: `The API failed (${status})`, detail: `${where} answered ${status}${tries} (${detail}). Try again in a moment.`, retryable: true };
    }
    return { ...base, kind: 'bad-request', title: `The API rejected the request (${status})`, detail, retryable: false };
  }
  if (err instanceof Error && (cause instanceof SyntaxError || err instanceof SyntaxError)) {
    return {
      kind: 'malformed',
      title: 'The API sent a malformed stream',
      detail: `An event could not be parsed (${(cause as Error | undefined)?.message ?? err.message}). ${ctx.baseURL ? 'A gateway at the base URL may be altering the stream. ' : ''}The partial answer is kept.`,
      retryable: true,
    };
  }
  if (err instanceof Error && (/terminated|socket|ECONNRESET|other side closed|premature close/i.test(`${err.message} ${String((cause as Error | undefined)?.message ?? '')}`))) {
    return {
      kind: 'connection-lost',
      title: 'The connection was lost mid-answer',
      detail: `The connection to ${where} closed before the answer was complete. The partial answer is kept; retry to ask again.`,
      retryable: true,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'unknown', title: 'The request failed', detail: message, retryable: true };
}

function connectionCode(err: Error): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether a failed attempt may be retried automatically (before anything was shown to the user). */
export function isTransient(err: unknown): boolean {
  if (err instanceof HeadersTimeoutError) return true;
  if (err instanceof Sdk.APIUserAbortError) return false;
  if (err instanceof Sdk.APIConnectionError) return true;
  if (err instanceof Sdk.APIError) {
    const shouldRetry = err.headers?.get('x-should-retry');
    if (shouldRetry === 'true') return true;
    if (shouldRetry === 'false') return false;
    const s = err.status;
    if (s === undefined) return err.type === 'overloaded_error' || err.type === 'api_error';
    return s === 408 || s === 409 || s === 429 || s >= 500;
  }
  return false;
}

/** The wait the server asked for (retry-after-ms, retry-after in seconds or an HTTP date), in ms. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  if (!(err instanceof Sdk.APIError) || !err.headers) return undefined;
  const ms = err.headers.get('retry-after-ms');
  if (ms && !Number.isNaN(Number(ms))) return Math.max(0, Number(ms));
  const ra = err.headers.get('retry-after');
  if (!ra) return undefined;
  if (!Number.isNaN(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
