/**
 * What a conversation has used: the one place that updates its token and
 * cost totals (answers and summaries alike) and tells the listeners, with
 * how full the context window was at the last answer.
 */
import type { UsageRecord } from '../model/models';
import type { ChatEvent } from './events';
import { addUsage, usageRecord, ZERO_USAGE } from '../model/models';
import type { ConversationRecord } from './conversation';

/** Usage as the Messages API reports it. */
export interface ApiUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** The API's usage as the conversation shows and counts it (tokens and cost for `model`). */
export function usageFromApi(model: string, u: ApiUsage): UsageRecord {
  return usageRecord(model, {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
  });
}

export class UsageTotals {
  private contextFill = 0;

  constructor(
    private readonly record: ConversationRecord,
    private readonly emit: (message: ChatEvent) => void,
  ) {}

  /** How full the context window was at the last answer (0 to 1). */
  get fill(): number {
    return this.contextFill;
  }

  /** An answer came back: its prompt and output tokens against the window it was sent for. */
  measured(u: ApiUsage, window: number): void {
    const prompt = promptTokens(u);
    this.contextFill = Math.min(1, (prompt + u.output_tokens) / window);
  }

  /** Adds one request's usage to the conversation's totals. */
  add(usage: UsageRecord): void {
    this.record.totals = addUsage(this.record.totals ?? ZERO_USAGE, usage);
    this.emit({ type: 'totals', totals: this.record.totals, contextFill: this.contextFill });
  }
}

/** Every token of the prompt, cached or not. */
export function promptTokens(u: ApiUsage): number {
  return u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
}
