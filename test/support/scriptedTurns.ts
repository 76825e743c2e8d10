/**
 * Scripted turns for the scripted model server (scriptedModelServer.ts): what
 * the fake Messages API answers to each `POST /v1/messages`, in order. Every
 * turn is plain JSON, so a script can also live in a file for the standalone
 * server (`--script file.json`) or be posted to `/__scripted/turns`.
 */

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal';

export type ScriptedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id?: string; name: string; input: unknown }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string };

/** How a stream breaks after `afterEvents` SSE events were sent (message_start and ping count). */
export interface StreamFault {
  kind:
    | 'error-event' // `event: error` with an API error body, then the stream ends (as the API does)
    | 'drop' // the TCP connection is destroyed mid-stream
    | 'malformed' // a data line that is not JSON
    | 'stall' // nothing more is sent; the connection stays open
    | 'end'; // the response ends cleanly without message_delta / message_stop
  afterEvents: number;
  /** For error-event: the API error type (default overloaded_error) and message. */
  errorType?: string;
  message?: string;
}

export interface UsageOverride {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface MessageTurn {
  kind: 'message';
  content: ScriptedBlock[];
  /** Default: tool_use when a tool_use block is present, else end_turn. */
  stopReason?: StopReason;
  usage?: UsageOverride;
  /** Characters per text/thinking delta (default 16). Tool input JSON is always split in several deltas. */
  chunkSize?: number;
  /** Delay between SSE events (slow chunks). */
  chunkDelayMs?: number;
  /** Delay before the response headers (a slow or hanging server). */
  headersDelayMs?: number;
  /** Delay between the response headers and the first event (a slow first token on a stream that has started). */
  firstEventDelayMs?: number;
  fault?: StreamFault;
}

export interface HttpErrorTurn {
  kind: 'http-error';
  status: number;
  /** API error type; default derived from the status (rate_limit_error for 429 ...). */
  errorType?: string;
  message?: string;
  /** `retry-after` header, in seconds. */
  retryAfter?: number;
  /** `retry-after-ms` header. */
  retryAfterMs?: number;
  /** `x-should-retry` header. */
  shouldRetry?: boolean;
  headersDelayMs?: number;
  /** Raw body instead of the API's JSON error (e.g. a gateway's HTML page). */
  rawBody?: string;
}

/** Answers with the text of the last user message ("Echo: ..."). Handy for UI tests and benchmarks. */
export interface EchoTurn {
  kind: 'echo';
  chunkDelayMs?: number;
}

/** Never sends the response headers: the request hangs until the client gives up (timeout) or aborts. */
export interface HangTurn {
  kind: 'hang';
}

export type ScriptedTurn = MessageTurn | HttpErrorTurn | EchoTurn | HangTurn;

/** A script file for the standalone server. */
export interface ScriptFile {
  turns?: ScriptedTurn[];
  /** What to answer when no scripted turn is left: an echo, or a 400 saying the script ran out (default). */
  fallback?: 'echo' | 'error';
  /** The only API key accepted (any non-empty key otherwise). */
  apiKey?: string;
  /** Override every model's max_input_tokens (simulate a small context window). */
  contextWindow?: number;
  /** Minimum prefix (tokens) cached by cache_control (Sonnet: 1024). */
  minCacheTokens?: number;
}

/** Blocks. */
export const block = {
  text: (text: string): ScriptedBlock => ({ type: 'text', text }),
  toolUse: (name: string, input: unknown, id?: string): ScriptedBlock => ({ type: 'tool_use', name, input, id }),
  thinking: (thinking: string, signature?: string): ScriptedBlock => ({ type: 'thinking', thinking, signature }),
};

type MessageOptions = Omit<MessageTurn, 'kind' | 'content'>;

/** Turn builders. */
export const turn = {
  message: (content: ScriptedBlock[], options: MessageOptions = {}): MessageTurn => ({ kind: 'message', content, ...options }),
  text: (text: string, options: MessageOptions = {}): MessageTurn => turn.message([block.text(text)], options),
  /** One tool call (optionally after some text), stop_reason tool_use. */
  toolUse: (name: string, input: unknown, options: MessageOptions & { id?: string; text?: string } = {}): MessageTurn => {
    const { id, text, ...rest } = options;
    return turn.message([...(text ? [block.text(text)] : []), block.toolUse(name, input, id)], rest);
  },
  /** Several tool calls in one turn. */
  toolUses: (calls: Array<{ name: string; input: unknown; id?: string }>, options: MessageOptions & { text?: string } = {}): MessageTurn => {
    const { text, ...rest } = options;
    return turn.message([...(text ? [block.text(text)] : []), ...calls.map((c) => block.toolUse(c.name, c.input, c.id))], rest);
  },
  /** Thinking, then text (and optionally a tool call). */
  thinking: (thinking: string, then: ScriptedBlock[], options: MessageOptions = {}): MessageTurn =>
    turn.message([block.thinking(thinking), ...then], options),
  /** A response cut by max_tokens. */
  maxTokens: (text: string): MessageTurn => turn.message([block.text(text)], { stopReason: 'max_tokens' }),
  httpError: (status: number, options: Omit<HttpErrorTurn, 'kind' | 'status'> = {}): HttpErrorTurn => ({ kind: 'http-error', status, ...options }),
  rateLimited: (retryAfter = 1): HttpErrorTurn => turn.httpError(429, { retryAfter }),
  overloaded: (retryAfter?: number): HttpErrorTurn => turn.httpError(529, { retryAfter }),
  /** `event: error` after the first text delta. */
  streamError: (partialText: string, errorType = 'overloaded_error', message = 'Overloaded'): MessageTurn =>
    turn.message([block.text(partialText)], { chunkSize: 1_000_000, fault: { kind: 'error-event', afterEvents: 4, errorType, message } }),
  /** The connection drops after the first text delta. */
  dropped: (partialText: string): MessageTurn =>
    turn.message([block.text(partialText)], { chunkSize: 1_000_000, fault: { kind: 'drop', afterEvents: 4 } }),
  malformed: (partialText: string): MessageTurn =>
    turn.message([block.text(partialText)], { chunkSize: 1_000_000, fault: { kind: 'malformed', afterEvents: 4 } }),
  /** The stream stops sending after the first text delta and stays open. */
  stall: (partialText: string): MessageTurn =>
    turn.message([block.text(partialText)], { chunkSize: 1_000_000, fault: { kind: 'stall', afterEvents: 4 } }),
  /** The response ends cleanly but without message_stop. */
  truncated: (partialText: string): MessageTurn =>
    turn.message([block.text(partialText)], { chunkSize: 1_000_000, fault: { kind: 'end', afterEvents: 4 } }),
  slow: (text: string, chunkDelayMs: number, chunkSize = 4): MessageTurn => turn.message([block.text(text)], { chunkDelayMs, chunkSize }),
  hang: (): HangTurn => ({ kind: 'hang' }),
  echo: (chunkDelayMs?: number): EchoTurn => ({ kind: 'echo', chunkDelayMs }),
};

/** The API error type the real API uses for a status. */
export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The API's usual message for an error type. */
export function defaultErrorMessage(status: number): string {
  switch (status) {
    case 401:
      return 'invalid x-api-key';
    case 403:
      return 'Your API key does not have permission to use the specified resource.';
    case 404:
      return 'Not found';
    case 429:
      return 'Number of request tokens has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.';
    case 529:
      return 'Overloaded';
    case 500:
      return 'Internal server error';
    default:
      return status >= 500 ? 'Internal server error' : 'Invalid request';
  }
}
