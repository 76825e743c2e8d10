/**
 * Keeping a conversation inside the model's context window: estimates the
 * prompt (calibrated on what the API reported), shortens older tool results,
 * then summarizes older messages; learns the real window from a "prompt is
 * too long" error and compacts harder on the next try.
 */
import type { TextBlockParam, Tool as ApiTool } from '@anthropic-ai/sdk/resources/messages';
import type { ModelClient } from '../model/client';
import { classifyError } from '../model/errors';
import { promptBudget, shortenOldToolResults, TokenEstimator } from './context';
import { toApiMessages, type ConversationRecord } from './conversation';
import { chooseCut, summarizeMessages, transcript } from './summarize';
import { usageFromApi, type UsageTotals } from './usageTotals';

/** What is sent with every request: the prompt's fixed part. */
export interface RequestFrame {
  system: TextBlockParam[];
  tools: ApiTool[];
}

/** A request as sent (for calibrating the estimate). */
type SentRequest = { system?: unknown; tools?: unknown; messages: unknown };

export class ContextFitter {
  private readonly estimator = new TokenEstimator();
  private compactHarder = false;
  /** The window the API reported in a "prompt is too long" error. */
  private learnedWindow?: number;

  constructor(
    private readonly record: ConversationRecord,
    private readonly usage: UsageTotals,
    private readonly save: () => Promise<void>,
  ) {}

  /** The window to fit in: the configured one, or the smaller one the API reported. */
  window(configured: number): number {
    return Math.min(configured, this.learnedWindow ?? Infinity);
  }

  /**
   * Makes room for an answer of `maxTokens` in `window` (less after an
   * overflow): shortens older tool results, then summarizes older messages.
   * `notice` tells the user what was done.
   */
  async fit(
    frame: RequestFrame,
    budget: { window: number; maxTokens: number },
    model: { client: ModelClient; id: string },
    signal: AbortSignal,
    notice: (text: string) => void,
  ): Promise<void> {
    const limit = promptBudget({ contextWindow: budget.window, maxOutputTokens: budget.maxTokens });
    await this.shrink(frame, this.compactHarder ? Math.round(limit * 0.6) : limit, model, signal, notice);
    this.compactHarder = false;
  }

  /** The API answered: how many prompt tokens `request` really was. */
  measured(request: SentRequest, promptTokens: number): void {
    this.estimator.calibrate({ system: request.system, tools: request.tools, messages: request.messages }, promptTokens);
  }

  /** "prompt is too long: 210000 tokens > 200000 maximum": the real window, and a calibration point; the next fit compacts harder. */
  overflowed(detail: string, request: SentRequest): void {
    this.compactHarder = true;
    const m = /(\d+) tokens > (\d+) maximum/.exec(detail);
    if (!m) return;
    this.learnedWindow = Number(m[2]);
    this.measured(request, Number(m[1]));
  }

  /** Keeps the prompt under `limit` tokens. */
  private async shrink(frame: RequestFrame, limit: number, model: { client: ModelClient; id: string }, signal: AbortSignal, notice: (text: string) => void): Promise<void> {
    const size = () => this.estimator.estimate({ system: frame.system, tools: frame.tools, messages: toApiMessages(this.record) });
    if (size() <= limit) return;
    const shortened = shortenOldToolResults(this.record, () => size() <= limit);
    if (shortened) notice(`${shortened} older tool result${shortened > 1 ? 's were' : ' was'} shortened to keep the conversation within the model’s context window.`);
    if (size() <= limit) return this.save();

    const cut = chooseCut(this.record, Math.round(limit * 0.4), (m) => this.estimator.estimate([m.content, m.toolResults ?? []]));
    const through = this.record.messages[cut]; // none when cut is -1: nothing worth summarizing
    if (!through) return;
    const from = this.record.summary ? this.record.messages.findIndex((m) => m.view.id === this.record.summary!.throughMessageId) + 1 : 0;
    const text = transcript(this.record.messages.slice(from, cut + 1), this.record.summary?.text, Math.round(limit * 2));
    try {
      const { summary, usage } = await summarizeMessages(model.client, model.id, text, signal);
      this.record.summary = { text: summary, throughMessageId: through.view.id, createdAt: Date.now() };
      this.usage.add(usageFromApi(model.id, usage));
      notice('The earlier part of this conversation was summarized to fit the model’s context window. The full history stays visible here; the model sees the summary.');
      await this.save();
    } catch (err) {
      if (signal.aborted) throw err;
      const view = classifyError(err);
      notice(`The conversation is near the model’s context window and older messages could not be summarized (${view.title}). Sending it as it is.`);
    }
  }
}
