/**
 * The Models API (GET /v1/models) through @anthropic-ai/sdk, as a ListModels
 * function for ModelResolver. Kept apart so the resolution logic is tested
 * without the SDK, and so the SDK is only loaded when a key is set.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { ListedModel, ListModels } from './models';

export interface ModelsApiOptions {
  apiKey: string;
  /** A gateway or compatible server; default: ANTHROPIC_BASE_URL, else Anthropic's. */
  baseURL?: string;
  /** Per request, ms (default 10 s): a slow listing must not hold up the chat. */
  timeoutMs?: number;
  /** At most this many models are read (pages of 100). */
  maxModels?: number;
}

export function modelsApiLister(options: ModelsApiOptions): ListModels {
  return async (): Promise<ListedModel[]> => {
    const client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL || undefined,
      timeout: options.timeoutMs ?? 10_000,
      maxRetries: 1,
    });
    const out: ListedModel[] = [];
    const max = options.maxModels ?? 500;
    for await (const m of client.models.list({ limit: 100 })) {
      out.push({ id: m.id, created_at: m.created_at, line: m.line ?? null, lifecycle: m.lifecycle });
      if (out.length >= max) break;
    }
    return out;
  };
}
