/**
 * Model aliases (`sonnet`, `opus`, `haiku`, `inherit`) resolved to a current
 * model id: a settings override map first, then the Models API's list (newest
 * per family), then a fallback table. A full id is used as written. The list
 * comes from an injected function (see modelsApi.ts for the SDK one).
 */

export const MODEL_FAMILIES = ['sonnet', 'opus', 'haiku'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/** Used when the Models API cannot be asked (no key, offline). Reference §5. */
export const FALLBACK_MODELS: Record<ModelFamily, string> = {
  sonnet: 'claude-sonnet-5-5',
  opus: 'claude-opus-5-5',
  haiku: 'claude-haiku-5-5',
};

/** The family `inherit` falls back to when no parent or default model is set. */
export const DEFAULT_FAMILY: ModelFamily = 'sonnet';

/** What the Models API lists (a subset of the SDK's ModelInfo). */
export interface ListedModel {
  id: string;
  created_at?: string;
  /** The model line ("sonnet", "opus", ...) when the API reports it. */
  line?: string | null;
  lifecycle?: 'active' | 'deprecated' | 'retired' | string;
}

export type ListModels = () => Promise<ListedModel[]>;

export interface ResolvedModel {
  /** The model id to send. */
  id: string;
  /** What was asked for (the agent's `model`, or `inherit` when absent). */
  requested: string;
  /** Where the id came from. */
  via: 'override' | 'api' | 'fallback' | 'as-written' | 'inherit';
  /** Why a fallback was used, or other detail worth showing. */
  note?: string;
}

export interface ModelResolverOptions {
  /** Settings map (elixirAgent.modelAliases): alias or id → id (or another alias). */
  overrides?: Record<string, string>;
  /** Lists the available models, newest first (GET /v1/models). Absent: no API key. */
  listModels?: ListModels;
  /** The model `inherit` means when the caller gives no parent (e.g. the elixirAgent.model setting). */
  defaultModel?: string;
  /** How long a failed listing is remembered before asking again (ms). */
  retryAfterMs?: number;
  now?: () => number;
}

const familyOf = (m: ListedModel): string | undefined => {
  if (m.line) return m.line;
  const parts = m.id.toLowerCase().split(/[-_.@]/);
  return MODEL_FAMILIES.find((f) => parts.includes(f));
};

/** The newest model of a family in a list: active before deprecated, then newest `created_at`, then list order. */
export function pickNewest(models: readonly ListedModel[], family: string): string | undefined {
  const candidates = models
    .map((m, index) => ({ m, index }))
    .filter(({ m }) => familyOf(m) === family && m.lifecycle !== 'retired');
  const time = (m: ListedModel): number => {
    const t = m.created_at ? Date.parse(m.created_at) : NaN;
    return Number.isNaN(t) ? -Infinity : t;
  };
  candidates.sort(
    (a, b) =>
      Number(a.m.lifecycle === 'deprecated') - Number(b.m.lifecycle === 'deprecated') || time(b.m) - time(a.m) || a.index - b.index,
  );
  return candidates[0]?.m.id;
}

/** `sonnet[1m]` → sonnet, `opusplan` → opus; otherwise undefined when not an alias. */
export function aliasFamily(model: string): ModelFamily | 'inherit' | undefined {
  const m = model.trim().toLowerCase().replace(/\[1m\]$/, '');
  if (m === 'inherit') return 'inherit';
  if (m === 'opusplan') return 'opus';
  return (MODEL_FAMILIES as readonly string[]).includes(m) ? (m as ModelFamily) : undefined;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Resolves model aliases; caches the Models API's answer for its lifetime. */
export class ModelResolver {
  private listed?: Promise<ListedModel[]>;
  private failure?: { at: number; message: string };

  constructor(private readonly options: ModelResolverOptions = {}) {}

  /** The API's list, asked once; a failure is remembered for `retryAfterMs` (default 60 s). */
  private async models(): Promise<{ models?: ListedModel[]; error?: string }> {
    const { listModels } = this.options;
    if (!listModels) return {};
    const now = this.options.now?.() ?? Date.now();
    if (this.failure && now - this.failure.at < (this.options.retryAfterMs ?? 60_000)) return { error: this.failure.message };
    this.listed ??= listModels();
    try {
      const models = await this.listed;
      this.failure = undefined;
      return { models };
    } catch (err) {
      this.listed = undefined;
      this.failure = { at: now, message: errorText(err) };
      return { error: this.failure.message };
    }
  }

  /**
   * The id for an agent's `model` (undefined = inherit). `parent` is the model
   * `inherit` means here (the conversation's or a setting's), alias or id.
   */
  async resolve(model: string | undefined, parent?: string): Promise<ResolvedModel> {
    const requested = model?.trim() || 'inherit';
    const { id, via, note } = await this.resolveInner(requested, parent, 0);
    return note ? { id, requested, via, note } : { id, requested, via };
  }

  private async resolveInner(model: string, parent: string | undefined, depth: number): Promise<Omit<ResolvedModel, 'requested'>> {
    const overrides = this.options.overrides ?? {};
    const override = overrides[model] ?? overrides[model.toLowerCase()];
    if (override && override.trim() && depth < 4) {
      const target = override.trim();
      if (aliasFamily(target) && target.toLowerCase() !== model.toLowerCase()) {
        const inner = await this.resolveInner(target, parent, depth + 1);
        return { ...inner, via: 'override', note: `${model} → ${target} (elixirAgent.modelAliases)` };
      }
      return { id: target, via: 'override', note: 'elixirAgent.modelAliases' };
    }

    const family = aliasFamily(model);
    if (family === 'inherit') {
      const next = parent?.trim() || this.options.defaultModel?.trim() || DEFAULT_FAMILY;
      if (depth >= 4 || aliasFamily(next) === 'inherit') {
        const inner = await this.resolveInner(DEFAULT_FAMILY, undefined, depth + 1);
        return { ...inner, via: 'inherit' };
      }
      const inner = await this.resolveInner(next, undefined, depth + 1);
      return { ...inner, via: 'inherit' };
    }
    if (!family) return { id: model, via: 'as-written' };

    const { models, error } = await this.models();
    const fromApi = models ? pickNewest(models, family) : undefined;
    if (fromApi) return { id: fromApi, via: 'api' };
    const note = error
      ? `Models API unavailable (${error}); using the built-in table`
      : models
        ? `the Models API lists no ${family} model; using the built-in table`
        : undefined;
    return { id: FALLBACK_MODELS[family], via: 'fallback', note };
  }
}
