/**
 * The agent loop for one conversation. It streams the model's answer, runs the
 * tools it asks for (policy, approval, parallel reads), feeds the results
 * back, and goes on until the model ends its turn, the user stops it, or the
 * turn limit is reached. Everything the user sees goes out as HostMessage
 * deltas; every completed message is saved. Failures become an inline error
 * with a retry, and never damage the conversation: a failed answer is shown
 * but not sent back, a stopped one is kept and marked as stopped.
 * Pure TypeScript (no vscode): the extension and `elixir-agent run` share it.
 */
import type { ContentBlock, ContentBlockParam, MessageCreateParamsBase, TextBlockParam, Tool as ApiTool, ThinkingConfigParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { BackgroundTaskView, BlockView, ErrorView, HostMessage, MessageView, ToolCallView } from '../../shared/protocol';
import type { ModelClient, ModelLogger, StreamEvent } from '../model/client';
import { classifyError, ModelError, noApiKeyError, type ModelErrorView } from '../model/errors';
import { ZERO_USAGE } from '../model/models';
import { BackgroundTasks, type BackgroundTaskInfo } from '../tools/backgroundTasks';
import { MemoryReadTracker } from '../tools/nodeFiles';
import type { ApprovalPolicy, FileAccess, Tool, ToolServices } from '../tools/types';
import { withCacheBreakpoints } from './context';
import { ContextFitter } from './contextFitter';
import { awaitsAnswer, newConversation, newMessageId, titleFrom, toApiMessages, type ConversationRecord, type StoredMessage } from './conversation';
import { OrderedSaver } from './orderedSaver';
import { promptTokens, usageFromApi, UsageTotals } from './usageTotals';
import { malformedResult, newToolCallView, runToolCalls, STOPPED_BEFORE_RUN, ToolUseIds, type Approver, type PendingCall } from './toolCalls';

export interface LoopSettings {
  /** The resolved model id. */
  model: string;
  maxTokens: number;
  maxTurns: number;
  /** Cap per tool result sent to the model (characters). */
  maxToolResultChars?: number;
  /** Overrides the model's context window (else the Models API, else the built-in table). */
  contextWindow?: number;
  thinking?: ThinkingConfigParam;
}

/** What a run needs, resolved when it starts (the persona, tools or settings may have changed). */
export interface RunSetup {
  system: TextBlockParam[];
  tools: Tool[];
  settings: LoopSettings;
}

export interface ToolEnvironment {
  workspaceFolders: string[];
  cwd: string;
  files: FileAccess;
  services: ToolServices;
}

export interface SessionDeps {
  /** The model client for this run (a fresh one picks up a changed key or base URL). */
  client(): ModelClient;
  setup(): Promise<RunSetup>;
  policy: ApprovalPolicy;
  approve: Approver;
  /** Folders, file access and editor services for the tools (read at each run: folders can change). */
  toolEnv(): ToolEnvironment;
  /** Saves the conversation (called as each message completes). */
  save?(record: ConversationRecord): Promise<void>;
  emit?(message: HostMessage): void;
  log?: ModelLogger;
}

export const CONTINUE_PROMPT = 'Continue from where you stopped.';
const DEFAULT_MAX_TOOL_RESULT_CHARS = 60_000;

/** `callId`: the tool_use id used for a tool call (the model's, unless it repeated one). */
type Partial_ = { api: ContentBlock | undefined; viewIndex?: number; text: string; json: string; done?: ContentBlock; callId?: string };

interface Live {
  stored: StoredMessage;
  blocks: Map<number, Partial_>;
  cards: Map<string, ToolCallView>;
  ids?: ToolUseIds;
}

export class ChatSession {
  private record: ConversationRecord;
  private running?: { controller: AbortController; done: Promise<void> };
  private readonly allowed = new Set<string>();
  private readonly reads = new MemoryReadTracker();
  private readonly saver: OrderedSaver;
  private readonly fitter: ContextFitter;
  private folders: string[] = [];
  private readonly usage: UsageTotals;

  /** This conversation's background shells: they end with it (dispose). */
  readonly background = new BackgroundTasks();

  constructor(
    private readonly deps: SessionDeps,
    record?: ConversationRecord,
  ) {
    this.record = record ? normalizeInterrupted(record) : newConversation();
    this.saver = new OrderedSaver(this.record, deps.save, deps.log);
    this.usage = new UsageTotals(this.record, (m) => this.emit(m));
    this.fitter = new ContextFitter(this.record, this.usage, () => this.persist());
    this.background.onChange((tasks) => this.emit({ type: 'backgroundTasks', tasks: tasks.map(backgroundView) }));
  }

  backgroundViews(): BackgroundTaskView[] {
    return this.background.list().map(backgroundView);
  }

  /** The conversation ends (another is opened, the window closes, the CLI exits): stop the answer and every background shell. */
  async dispose(why = 'conversation ended'): Promise<BackgroundTaskInfo[]> {
    await this.stop();
    return this.background.dispose(why);
  }

  get conversation(): ConversationRecord {
    return this.record;
  }

  get id(): string {
    return this.record.id;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get fill(): number {
    return this.usage.fill;
  }

  views(): MessageView[] {
    return this.record.messages.map((m) => m.view);
  }

  /** Sends a user message (stopping a running answer first) and resolves when the answer is complete. */
  async send(text: string, context: string[] = []): Promise<void> {
    await this.stop();
    const trimmed = text.trim();
    if (!trimmed) return;
    const content: ContentBlockParam[] = [...context.filter((c) => c.trim()).map((c) => ({ type: 'text' as const, text: c })), { type: 'text', text: trimmed }];
    if (!this.record.messages.some((m) => m.view.role === 'user')) this.record.title = titleFrom(trimmed);
    this.addMessage({ view: { id: newMessageId(), role: 'user', blocks: [{ kind: 'text', text: trimmed }], status: 'done', createdAt: Date.now() }, content });
    await this.persist();
    await this.run();
  }

  /** Asks again after a failed or stopped answer. */
  async retry(): Promise<void> {
    await this.stop();
    const last = this.record.messages.at(-1);
    if (last?.view.role === 'assistant' && last.view.status === 'stopped' && !awaitsAnswer(this.record)) last.excluded = true;
    if (!awaitsAnswer(this.record)) return;
    await this.run();
  }

  /** Goes on after max_tokens or the turn limit. */
  async continue(): Promise<void> {
    await this.stop();
    if (!awaitsAnswer(this.record)) {
      if (!this.record.messages.length) return;
      this.addMessage({ view: { id: newMessageId(), role: 'user', blocks: [{ kind: 'text', text: CONTINUE_PROMPT }], status: 'done', createdAt: Date.now() }, content: [{ type: 'text', text: CONTINUE_PROMPT }] });
      await this.persist();
    }
    await this.run();
  }

  /** Stops the running answer (stream aborted, running tool cancelled) and waits until it has settled. */
  async stop(): Promise<void> {
    const r = this.running;
    if (!r) return;
    r.controller.abort();
    await r.done;
  }

  /** Waits for pending saves. */
  async flush(): Promise<void> {
    await this.saver.flush();
  }

  rename(title: string): void {
    this.record.title = title.trim() || this.record.title;
    void this.persist();
  }

  // --- the loop ---

  private run(): Promise<void> {
    const controller = new AbortController();
    const done = this.loop(controller.signal)
      .catch((err: unknown) => {
        this.deps.log?.error(`chat loop failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        const view = classifyError(err);
        const live = this.record.messages.at(-1);
        if (live?.view.role === 'assistant' && live.view.status === 'streaming') this.finishError({ stored: live, blocks: new Map(), cards: new Map() }, view);
        else this.addMessage({ view: { id: newMessageId(), role: 'assistant', blocks: [], status: 'error', error: view, createdAt: Date.now() }, content: [], excluded: true });
      })
      .then(() => this.persist())
      .finally(() => {
        this.running = undefined;
        this.emit({ type: 'busy', busy: false });
      });
    this.running = { controller, done };
    this.emit({ type: 'busy', busy: true });
    return done;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const setup = await this.deps.setup();
    const client = this.deps.client();
    const { settings } = setup;
    if (!client.hasApiKey) return this.finishError(this.startAssistant(settings.model), noApiKeyError().view);
    const info = await client.modelInfo(settings.model);
    const configured = settings.contextWindow ?? info.contextWindow;
    const toolMap = new Map(setup.tools.map((t) => [t.name, t]));
    const given = this.deps.toolEnv();
    const env = { ...given, services: { ...given.services, background: this.background } };
    this.folders = env.workspaceFolders;
    const apiTools: ApiTool[] = setup.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema as ApiTool['input_schema'] }));

    for (let turn = 1; ; turn++) {
      if (turn > settings.maxTurns) {
        this.markTurnLimit(settings.maxTurns);
        return;
      }
      const live = this.startAssistant(settings.model);
      let result;
      for (let attempt = 1; ; attempt++) {
        const window = this.fitter.window(configured);
        await this.fitter.fit({ system: setup.system, tools: apiTools }, { window, maxTokens: settings.maxTokens }, { client, id: settings.model }, signal, (text) => this.notice(live, text));
        const prepared = withCacheBreakpoints(setup.system, apiTools, toApiMessages(this.record));
        const params: Omit<MessageCreateParamsBase, 'stream'> = {
          model: settings.model,
          max_tokens: settings.maxTokens,
          system: prepared.system,
          messages: prepared.messages,
          ...(prepared.tools.length ? { tools: prepared.tools } : {}),
          ...(settings.thinking ? { thinking: settings.thinking } : {}),
        };
        try {
          result = await client.stream(params, signal, (e) => this.onEvent(live, e));
          this.fitter.measured(params, promptTokens(result.message.usage));
          this.usage.measured(result.message.usage, window);
          break;
        } catch (err) {
          const view = err instanceof ModelError ? err.view : classifyError(err);
          if (view.kind === 'aborted' || signal.aborted) return this.finishStopped(live);
          if (view.kind === 'context-window') {
            this.fitter.overflowed(view.detail, params);
            // Nothing shown yet: try once more, compacted harder.
            if (attempt === 1 && live.blocks.size === 0) continue;
          }
          return this.finishError(live, view);
        }
      }
      const calls = this.finishAnswer(live, result.message, settings);
      await this.persist();
      if (calls.length === 0) return;

      const results = await runToolCalls(
        calls,
        live.cards,
        {
          tools: toolMap,
          policy: this.deps.policy,
          approve: this.deps.approve,
          context: (s, onOutput, onProgress) => ({ ...env, signal: s, reads: this.reads, onOutput, onProgress }),
          allowedForConversation: this.allowed,
          maxResultChars: settings.maxToolResultChars ?? DEFAULT_MAX_TOOL_RESULT_CHARS,
          workspaceFolders: env.workspaceFolders,
          update: (call) => this.emit({ type: 'toolUpdated', messageId: live.stored.view.id, call }),
        },
        signal,
      );
      live.stored.toolResults = results;
      if (signal.aborted) {
        live.stored.view.status = 'stopped';
        this.emit({ type: 'messageUpdated', messageId: live.stored.view.id, status: 'stopped', usage: live.stored.view.usage });
        return;
      }
      await this.persist();
    }
  }

  /** The tool_use ids taken in this conversation (earlier turns and this answer so far). */
  private toolIds(live: Live): ToolUseIds {
    live.ids ??= new ToolUseIds(
      new Set(this.record.messages.filter((m) => m !== live.stored).flatMap((m) => m.content.flatMap((b) => (typeof b === 'object' && b.type === 'tool_use' ? [b.id] : [])))),
    );
    return live.ids;
  }

  private startAssistant(model: string): Live {
    const stored: StoredMessage = { view: { id: newMessageId(), role: 'assistant', blocks: [], status: 'streaming', createdAt: Date.now() }, content: [], model };
    this.addMessage(stored);
    return { stored, blocks: new Map(), cards: new Map() };
  }

  private addBlock(live: Live, block: BlockView): number {
    live.stored.view.blocks.push(block);
    this.emit({ type: 'blockAdded', messageId: live.stored.view.id, block });
    return live.stored.view.blocks.length - 1;
  }

  private notice(live: Live, text: string): void {
    this.addBlock(live, { kind: 'notice', text });
  }

  private onEvent(live: Live, e: StreamEvent): void {
    const id = live.stored.view.id;
    switch (e.type) {
      case 'retry':
        this.notice(live, `${e.reason}. Retrying in ${Math.max(1, Math.round(e.delayMs / 1000))} s (attempt ${e.attempt + 1} of ${e.maxRetries + 1})…`);
        return;
      case 'blockStart': {
        const p: Partial_ = { api: e.block, text: '', json: '' };
        live.blocks.set(e.index, p);
        if (e.block.type === 'text') p.viewIndex = this.addBlock(live, { kind: 'text', text: '' });
        else if (e.block.type === 'thinking') p.viewIndex = this.addBlock(live, { kind: 'thinking', text: '' });
        else if (e.block.type === 'redacted_thinking') p.viewIndex = this.addBlock(live, { kind: 'thinking', text: '(redacted thinking)' });
        else if (e.block.type === 'tool_use') {
          p.callId = this.toolIds(live).claim(e.block.id);
          const card = newToolCallView({ id: p.callId, name: e.block.name, input: {} }, this.folders);
          live.cards.set(p.callId, card);
          p.viewIndex = this.addBlock(live, { kind: 'tool', call: card });
        }
        return;
      }
      case 'textDelta':
      case 'thinkingDelta': {
        const p = live.blocks.get(e.index);
        if (!p || p.viewIndex === undefined) return;
        p.text += e.text;
        const block = live.stored.view.blocks[p.viewIndex] as { text: string };
        block.text += e.text;
        this.emit({ type: 'textDelta', messageId: id, blockIndex: p.viewIndex, text: e.text });
        return;
      }
      case 'inputJsonDelta': {
        const p = live.blocks.get(e.index);
        if (p) p.json += e.partialJson;
        return;
      }
      case 'blockStop': {
        const p = live.blocks.get(e.index);
        if (!p) return;
        p.done = e.block;
        if (e.block.type === 'tool_use') {
          const card = live.cards.get(p.callId ?? e.block.id);
          if (!card) return;
          const parsed = parseJson(p.json);
          Object.assign(card, newToolCallView({ id: card.id, name: e.block.name, input: parsed.ok ? parsed.value : e.block.input }, this.folders));
          this.emit({ type: 'toolUpdated', messageId: id, call: { ...card } });
        }
        return;
      }
    }
  }

  /** A completed answer: content for the API, usage, and the tool calls to run. */
  private finishAnswer(live: Live, message: { content: ContentBlock[]; usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }; stop_reason: string | null }, settings: LoopSettings): PendingCall[] {
    const stored = live.stored;
    const calls: PendingCall[] = [];
    const content: ContentBlockParam[] = [];
    message.content.forEach((b, index) => {
      if (b.type !== 'tool_use') {
        const param = toParam(b);
        if (param) content.push(param);
        return;
      }
      const id = live.blocks.get(index)?.callId ?? this.toolIds(live).claim(b.id);
      const json = live.blocks.get(index)?.json ?? '';
      const parsed = parseJson(json);
      if (!parsed.ok && message.stop_reason === 'max_tokens') {
        this.setCard(live, id, { status: 'cancelled', isError: true, output: 'Not run: the answer reached max_tokens before this tool call was complete.' });
        return;
      }
      content.push({ type: 'tool_use', id, name: b.name, input: parsed.ok ? parsed.value : (b.input ?? {}) });
      calls.push({ id, name: b.name, input: parsed.ok ? parsed.value : b.input, inputError: parsed.ok ? undefined : parsed.error });
      if (!live.cards.has(id)) {
        // A block the stream did not announce (should not happen): show it anyway.
        const card = newToolCallView({ id, name: b.name, input: b.input }, this.folders);
        live.cards.set(id, card);
        this.addBlock(live, { kind: 'tool', call: card });
      }
    });
    // Repeated tool_use ids: the calls cannot be told apart, so none runs; each gets its own error result.
    const problem = this.toolIds(live).problem(message.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])));
    if (problem && calls.length) {
      for (const call of calls) call.rejected = malformedResult(problem);
      this.notice(live, `The model sent a malformed response: ${problem}. None of its tool calls ran; the model was told so.`);
    }
    stored.content = content;
    stored.stopReason = message.stop_reason;
    const usage = usageFromApi(settings.model, message.usage);
    stored.view.usage = usage;
    stored.view.status = 'done';
    this.usage.add(usage);
    let error: ErrorView | undefined;
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
    this.emit({ type: 'messageUpdated', messageId: stored.view.id, status: 'done', usage, error });
    return calls;
  }

  /** The user stopped the stream: keep what arrived, mark it stopped. */
  private finishStopped(live: Live): void {
    const stored = live.stored;
    const content: ContentBlockParam[] = [];
    const results: ToolResultBlockParam[] = [];
    for (const [, p] of [...live.blocks.entries()].sort((a, b) => a[0] - b[0])) {
      if (p.done) {
        const param = toParam(p.done);
        if (p.done.type === 'tool_use') {
          const id = p.callId ?? p.done.id;
          const parsed = parseJson(p.json);
          if (!parsed.ok) {
            this.setCard(live, id, { status: 'cancelled', isError: true, output: STOPPED_BEFORE_RUN });
            continue;
          }
          content.push({ type: 'tool_use', id, name: p.done.name, input: parsed.value });
          results.push({ type: 'tool_result', tool_use_id: id, is_error: true, content: STOPPED_BEFORE_RUN });
          this.setCard(live, id, { status: 'cancelled', isError: true, output: STOPPED_BEFORE_RUN });
        } else if (param) content.push(param);
      } else if (p.api?.type === 'text' && p.text.trim()) {
        content.push({ type: 'text', text: p.text });
      } else if (p.api?.type === 'tool_use') {
        this.setCard(live, p.callId ?? p.api.id, { status: 'cancelled', isError: true, output: STOPPED_BEFORE_RUN });
      }
    }
    stored.content = content;
    if (results.length) stored.toolResults = results;
    stored.view.status = 'stopped';
    this.emit({ type: 'messageUpdated', messageId: stored.view.id, status: 'stopped' });
  }

  /** A failed answer: shown with the error and a retry, never sent back to the API. */
  private finishError(live: Live, view: ModelErrorView | ErrorView): void {
    const stored = live.stored;
    const { kind: _kind, status: _status, requestId, ...rest } = view as ModelErrorView;
    const error: ErrorView = { ...rest, detail: requestId ? `${rest.detail} (request ${requestId})` : rest.detail };
    for (const card of live.cards.values()) if (card.status === 'pending') this.setCard(live, card.id, { status: 'cancelled' });
    stored.excluded = true;
    stored.view.status = 'error';
    stored.view.error = error;
    this.emit({ type: 'messageUpdated', messageId: stored.view.id, status: 'error', error });
  }

  private markTurnLimit(maxTurns: number): void {
    const last = this.record.messages.at(-1);
    if (!last || last.view.role !== 'assistant') return;
    const error: ErrorView = {
      title: `Paused after ${maxTurns} model turns`,
      detail: 'The agent reached its turn limit (maxTurns in the agent file, or the elixirAgent.maxTurns setting). Continue to let it go on.',
      retryable: false,
      action: 'continue',
    };
    last.view.status = 'stopped';
    last.view.error = error;
    this.emit({ type: 'messageUpdated', messageId: last.view.id, status: 'stopped', usage: last.view.usage, error });
  }

  private setCard(live: Live, id: string, patch: Partial<ToolCallView>): void {
    const card = live.cards.get(id);
    if (!card) return;
    Object.assign(card, patch);
    this.emit({ type: 'toolUpdated', messageId: live.stored.view.id, call: { ...card } });
  }

  private addMessage(m: StoredMessage): void {
    this.record.messages.push(m);
    this.emit({ type: 'messageAdded', message: m.view });
  }

  private emit(m: HostMessage): void {
    try {
      this.deps.emit?.(m);
    } catch (err) {
      this.deps.log?.warn(`chat listener failed: ${String(err)}`);
    }
  }

  private persist(): Promise<void> {
    return this.saver.save();
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

/** After a crash or a killed host, a message saved mid-answer is shown as stopped, its tool cards as cancelled. */
export function normalizeInterrupted(record: ConversationRecord): ConversationRecord {
  for (const m of record.messages) {
    if (m.view.status === 'streaming') m.view.status = 'stopped';
    for (const b of m.view.blocks) {
      if (b.kind === 'tool' && ['pending', 'awaiting-approval', 'running'].includes(b.call.status)) {
        b.call.status = 'cancelled';
        b.call.approval = undefined;
      }
    }
  }
  record.totals ??= { ...ZERO_USAGE };
  return record;
}

function backgroundView(t: BackgroundTaskInfo): BackgroundTaskView {
  return { id: t.id, command: t.command, description: t.description, status: t.status, pid: t.pid, exitCode: t.exitCode, startedAt: t.startedAt, endedAt: t.endedAt };
}
