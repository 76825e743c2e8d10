/**
 * One assistant answer as it streams: builds what the user sees (text,
 * thinking, tool cards, notices, sent as ChatEvent deltas) and what goes
 * back to the API from the stream's events, then ends it as done (with the
 * tool calls to run), stopped (what arrived is kept) or failed (shown with
 * the error, never sent back).
 */
import type { ContentBlock, ContentBlockParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ErrorRecord } from '../model/errors';
import type { ChatEvent } from './events';
import type { BlockRecord, ToolCallRecord } from './records';
import type { StreamEvent } from '../model/client';
import type { ModelErrorView } from '../model/errors';
import type { ConversationRecord, StoredMessage } from './conversation';
import { malformedResult, newToolCallRecord, STOPPED_BEFORE_RUN, ToolUseIds, type PendingCall } from './toolCalls';
import { usageFromApi, type ApiUsage, type UsageTotals } from './usageTotals';

/** `callId`: the tool_use id used for a tool call (the model's, unless it repeated one). */
type Partial_ = { api: ContentBlock | undefined; viewIndex?: number; text: string; json: string; done?: ContentBlock; callId?: string };

/** The completed response, as the stream returns it. */
export interface CompletedResponse {
  content: ContentBlock[];
  usage: ApiUsage;
  stop_reason: string | null;
}

export interface AnswerContext {
  /** The conversation the answer belongs to (for the tool_use ids already taken). */
  record: ConversationRecord;
  /** The workspace folders, to show tool paths relative to them. */
  folders: string[];
  emit(message: ChatEvent): void;
}

export class StreamedAnswer {
  /** The stream's blocks by index. */
  private readonly blocks = new Map<number, Partial_>();
  /** The tool cards shown, by tool_use id. */
  readonly cards = new Map<string, ToolCallRecord>();
  private ids?: ToolUseIds;

  /** `stored`: the assistant message, already in the conversation. */
  constructor(
    readonly stored: StoredMessage,
    private readonly ctx: AnswerContext,
  ) {}

  get id(): string {
    return this.stored.view.id;
  }

  /** Nothing of the answer has arrived yet. */
  get empty(): boolean {
    return this.blocks.size === 0;
  }

  notice(text: string): void {
    this.addBlock({ kind: 'notice', text });
  }

  onEvent(e: StreamEvent): void {
    const id = this.id;
    switch (e.type) {
      case 'retry':
        this.notice(`${e.reason}. Retrying in ${Math.max(1, Math.round(e.delayMs / 1000))} s (attempt ${e.attempt + 1} of ${e.maxRetries + 1})…`);
        return;
      case 'blockStart': {
        const p: Partial_ = { api: e.block, text: '', json: '' };
        this.blocks.set(e.index, p);
        if (e.block.type === 'text') p.viewIndex = this.addBlock({ kind: 'text', text: '' });
        else if (e.block.type === 'thinking') p.viewIndex = this.addBlock({ kind: 'thinking', text: '' });
        else if (e.block.type === 'redacted_thinking') p.viewIndex = this.addBlock({ kind: 'thinking', text: '(redacted thinking)' });
        else if (e.block.type === 'tool_use') {
          p.callId = this.toolIds().claim(e.block.id);
          const card = newToolCallRecord({ id: p.callId, name: e.block.name, input: {} }, this.ctx.folders);
          this.cards.set(p.callId, card);
          p.viewIndex = this.addBlock({ kind: 'tool', call: card });
        }
        return;
      }
      case 'textDelta':
      case 'thinkingDelta': {
        const p = this.blocks.get(e.index);
        if (!p || p.viewIndex === undefined) return;
        p.text += e.text;
        const block = this.stored.view.blocks[p.viewIndex] as { text: string };
        block.text += e.text;
        this.ctx.emit({ type: 'textDelta', messageId: id, blockIndex: p.viewIndex, text: e.text });
        return;
      }
      case 'inputJsonDelta': {
        const p = this.blocks.get(e.index);
        if (p) p.json += e.partialJson;
        return;
      }
      case 'blockStop': {
        const p = this.blocks.get(e.index);
        if (!p) return;
        p.done = e.block;
        if (e.block.type === 'tool_use') {
          const card = this.cards.get(p.callId ?? e.block.id);
          if (!card) return;
          const parsed = parseJson(p.json);
          Object.assign(card, newToolCallRecord({ id: card.id, name: e.block.name, input: parsed.ok ? parsed.value : e.block.input }, this.ctx.folders));
          this.ctx.emit({ type: 'toolUpdated', messageId: id, call: { ...card } });
        }
        return;
      }
    }
  }

  /** A completed answer: content for the API, usage (counted in `totals`), and the tool calls to run. */
  complete(message: CompletedResponse, settings: { model: string; maxTokens: number }, totals: UsageTotals): PendingCall[] {
    const stored = this.stored;
    const calls: PendingCall[] = [];
    const content: ContentBlockParam[] = [];
    message.content.forEach((b, index) => {
      if (b.type !== 'tool_use') {
        const param = toParam(b);
        if (param) content.push(param);
        return;
      }
      const id = this.blocks.get(index)?.callId ?? this.toolIds().claim(b.id);
      const json = this.blocks.get(index)?.json ?? '';
      const parsed = parseJson(json);
      if (!parsed.ok && message.stop_reason === 'max_tokens') {
        this.setCard(id, { status: 'cancelled', isError: true, output: 'Not run: the answer reached max_tokens before this tool call was complete.' });
        return;
      }
      content.push({ type: 'tool_use', id, name: b.name, input: parsed.ok ? parsed.value : (b.input ?? {}) });
      calls.push({ id, name: b.name, input: parsed.ok ? parsed.value : b.input, inputError: parsed.ok ? undefined : parsed.error });
      if (!this.cards.has(id)) {
        // A block the stream did not announce (should not happen): show it anyway.
        const card = newToolCallRecord({ id, name: b.name, input: b.input }, this.ctx.folders);
        this.cards.set(id, card);
        this.addBlock({ kind: 'tool', call: card });
      }
    });
    // Repeated tool_use ids: the calls cannot be told apart, so none runs; each gets its own error result.
    const problem = this.toolIds().problem(message.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])));
    if (problem && calls.length) {
      for (const call of calls) call.rejected = malformedResult(problem);
      this.notice(`The model sent a malformed response: ${problem}. None of its tool calls ran; the model was told so.`);
    }
    stored.content = content;
    stored.stopReason = message.stop_reason;
    const usage = usageFromApi(settings.model, message.usage);
    stored.view.usage = usage;
    stored.view.status = 'done';
    totals.add(usage);
    let error: ErrorRecord | undefined;
    if (message.stop_reason === 'max_tokens' && calls.length === 0) {
      error = {
        title: 'The answer reached the output limit',
        detail: `The model stopped at max_tokens (${settings.maxTokens}, the elixirAgent.maxTokens setting). Continue to let it pick up where it stopped.`,
        retryable: false,
        action: 'continue',
      };
    } else if (message.stop_reason === 'refusal') {
      error = { title: 'The model declined to answer', detail: 'The model stopped with a refusal. Rephrase the request or start a new conversation.', retryable: true };
    }
    stored.view.error = error;
    this.ctx.emit({ type: 'messageUpdated', messageId: stored.view.id, status: 'done', usage, error });
    return calls;
  }

  /** The user stopped the stream: keep what arrived, mark it stopped. */
  stopped(): void {
    const stored = this.stored;
    const content: ContentBlockParam[] = [];
    const results: ToolResultBlockParam[] = [];
    for (const [, p] of [...this.blocks.entries()].sort((a, b) => a[0] - b[0])) {
      if (p.done) {
        const param = toParam(p.done);
        if (p.done.type === 'tool_use') {
          const id = p.callId ?? p.done.id;
          const parsed = parseJson(p.json);
          if (!parsed.ok) {
            this.setCard(id, { status: 'cancelled', isError: true, output: STOPPED_BEFORE_RUN });
            continue;
          }
          content.push({ type: 'tool_use', id, name: p.done.name, input: parsed.value });
          results.push({ type: 'tool_result', tool_use_id: id, is_error: true, content: STOPPED_BEFORE_RUN });
          this.setCard(id, { status: 'cancelled', isError: true, output: STOPPED_BEFORE_RUN });
        } else if (param) content.push(param);
      } else if (p.api?.type === 'text' && p.text.trim()) {
        content.push({ type: 'text', text: p.text });
      } else if (p.api?.type === 'tool_use') {
        this.setCard(p.callId ?? p.api.id, { status: 'cancelled', isError: true, output: STOPPED_BEFORE_RUN });
      }
    }
    stored.content = content;
    if (results.length) stored.toolResults = results;
    stored.view.status = 'stopped';
    this.ctx.emit({ type: 'messageUpdated', messageId: stored.view.id, status: 'stopped' });
  }

  /** The user stopped the answer's tool calls (the answer itself is complete): mark it stopped. */
  stoppedInTools(): void {
    this.stored.view.status = 'stopped';
    this.ctx.emit({ type: 'messageUpdated', messageId: this.id, status: 'stopped', usage: this.stored.view.usage });
  }

  /** A failed answer: shown with the error and a retry, never sent back to the API. */
  failed(view: ModelErrorView | ErrorRecord): void {
    const stored = this.stored;
    const { kind: _kind, status: _status, requestId, ...rest } = view as ModelErrorView;
    const error: ErrorRecord = { ...rest, detail: requestId ? `${rest.detail} (request ${requestId})` : rest.detail };
    for (const card of this.cards.values()) if (card.status === 'pending') this.setCard(card.id, { status: 'cancelled' });
    stored.excluded = true;
    stored.view.status = 'error';
    stored.view.error = error;
    this.ctx.emit({ type: 'messageUpdated', messageId: stored.view.id, status: 'error', error });
  }

  /** The tool_use ids taken in this conversation (earlier turns and this answer so far). */
  private toolIds(): ToolUseIds {
    this.ids ??= new ToolUseIds(
      new Set(this.ctx.record.messages.filter((m) => m !== this.stored).flatMap((m) => m.content.flatMap((b) => (typeof b === 'object' && b.type === 'tool_use' ? [b.id] : [])))),
    );
    return this.ids;
  }

  private addBlock(block: BlockRecord): number {
    this.stored.view.blocks.push(block);
    this.ctx.emit({ type: 'blockAdded', messageId: this.id, block });
    return this.stored.view.blocks.length - 1;
  }

  private setCard(id: string, patch: Partial<ToolCallRecord>): void {
    const card = this.cards.get(id);
    if (!card) return;
    Object.assign(card, patch);
    this.ctx.emit({ type: 'toolUpdated', messageId: this.id, call: { ...card } });
  }
}

function parseJson(json: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (!json.trim()) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** A response block as a request block (what is sent back). */
function toParam(b: ContentBlock): ContentBlockParam | undefined {
  switch (b.type) {
    case 'text':
      return b.text ? { type: 'text', text: b.text } : undefined;
    case 'thinking':
      return b.signature ? { type: 'thinking', thinking: b.thinking, signature: b.signature } : undefined;
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: b.data };
    case 'tool_use':
      return { type: 'tool_use', id: b.id, name: b.name, input: b.input ?? {} };
    default:
      return undefined;
  }
}
