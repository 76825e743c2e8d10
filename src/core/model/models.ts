/**
 * What we know about models without asking the API: context windows and list
 * prices. The Models API (`GET /v1/models/{id}` → max_input_tokens) overrides
 * the window when it answers; prices are Anthropic's public list prices at
 * the time of writing (USD per million tokens), by model line.
 */

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ModelPrice {
  /** USD per million input tokens. */
  input: number;
  output: number;
  /** Writing the prompt cache (5-minute TTL) costs 1.25× input; reading it 0.1×. */
  cacheWrite: number;
  cacheRead: number;
  /** True when the model is not in the table and the price is a guess from its line. */
  estimated: boolean;
}

const price = (input: number, output: number, estimated = false): ModelPrice => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead: input * 0.1,
  estimated,
});

/** Ordered: the first pattern that matches wins. */
const PRICES: Array<[RegExp, ModelPrice]> = [
  [/^claude-opus-4(-[01])?(-\d{8})?$/, price(15, 75)],
  [/^claude-3-opus/, price(15, 75)],
  [/^claude-opus-/, price(5, 25)],
  [/^claude-(3-5|3-7)-sonnet|^claude-sonnet-/, price(3, 15)],
  [/^claude-3-5-haiku|^claude-haiku-3/, price(0.8, 4)],
  [/^claude-3-haiku/, price(0.25, 1.25)],
  [/^claude-haiku-/, price(1, 5)],
];

/** Unknown models (new lines, gateways' names) are priced like Sonnet and flagged as estimates. */
const FALLBACK_PRICE = price(3, 15, true);

export function priceFor(model: string): ModelPrice {
  return PRICES.find(([re]) => re.test(model))?.[1] ?? FALLBACK_PRICE;
}

export function costUsd(model: string, usage: TokenUsage): number {
  const p = priceFor(model);
  const usd =
    (usage.inputTokens * p.input + usage.outputTokens * p.output + usage.cacheWriteTokens * p.cacheWrite + usage.cacheReadTokens * p.cacheRead) /
    1_000_000;
  return Math.round(usd * 1_000_000) / 1_000_000;
}

/** Tokens and cost of a call or a conversation (saved on messages and conversations). */
export interface UsageRecord extends TokenUsage {
  costUsd: number;
}

export function usageRecord(model: string, usage: TokenUsage): UsageRecord {
  return { ...usage, costUsd: costUsd(model, usage) };
}

export const ZERO_USAGE: UsageRecord = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };

export function addUsage(a: UsageRecord, b: UsageRecord): UsageRecord {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    costUsd: Math.round((a.costUsd + b.costUsd) * 1_000_000) / 1_000_000,
  };
}

/** Context window in tokens, from the model id (the Models API may correct it). */
export function contextWindowFor(model: string): number {
  // The 5.x generation: 1M tokens; everything earlier (Haiku 4.5, Sonnet 4.5 ...): 200K.
  if (/^claude-[a-z]+-5(-\d+)*$/.test(model)) return 1_000_000;
  return 200_000;
}
