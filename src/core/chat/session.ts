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
import type { ContentBlockParam, MessageCreateParamsBase, TextBlockParam, Tool as ApiTool, ThinkingConfigParam } from '@anthropic-ai/sdk/resources/messages';
import type { BackgroundTaskView, ErrorView, HostMessage, MessageView } from '../../shared/protocol';
import type { ModelClient, ModelLogger } from '../model/client';
import { classifyError, ModelError, noApiKeyError } from '../model/errors';
import { ZERO_USAGE } from '../model/models';
import { BackgroundTasks, type BackgroundTaskInfo } from '../tools/backgroundTasks';
import { MemoryReadTracker } from '../tools/nodeFiles';
import type { ApprovalPolicy, FileAccess, Tool, ToolServices } from '../tools/types';
import { withCacheBreakpoints } from './context';
import { ContextFitter } from './contextFitter';
import { awaitsAnswer, newConversation, newMessageId, titleFrom, toApiMessages, type ConversationRecord, type StoredMessage } from './conversation';
import { OrderedSaver } from './orderedSaver';
import { StreamedAnswer } from './streamedAnswer';
import { runToolCalls, type Approver } from './toolCalls';
import { promptTokens, UsageTotals } from './usageTotals';

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

export class ChatSession {
  private record: ConversationRecord;
  private running?: { controller: AbortController; done: Promise<void> };
  private readonly allowed = new Set<string>();
  private readonly reads = new MemoryReadTracker();
  private readonly saver: OrderedSaver;
  private readonly fitter: ContextFitter;
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
        if (live?.view.role === 'assistant' && live.view.status === 'streaming') new StreamedAnswer(live, { record: this.record, folders: [], emit: (m) => this.emit(m) }).failed(view);
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
    if (!client.hasApiKey) return this.startAnswer(settings.model, []).failed(noApiKeyError().view);
    const info = await client.modelInfo(settings.model);
    const configured = settings.contextWindow ?? info.contextWindow;
    const toolMap = new Map(setup.tools.map((t) => [t.name, t]));
    const given = this.deps.toolEnv();
    const env = { ...given, services: { ...given.services, background: this.background } };
    const apiTools: ApiTool[] = setup.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema as ApiTool['input_schema'] }));

    for (let turn = 1; ; turn++) {
      if (turn > settings.maxTurns) {
        this.markTurnLimit(settings.maxTurns);
        return;
      }
      const live = this.startAnswer(settings.model, env.workspaceFolders);
      let result;
      for (let attempt = 1; ; attempt++) {
        const window = this.fitter.window(configured);
        await this.fitter.fit({ system: setup.system, tools: apiTools }, { window, maxTokens: settings.maxTokens }, { client, id: settings.model }, signal, (text) => live.notice(text));
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
          result = await client.stream(params, signal, (e) => live.onEvent(e));
          this.fitter.measured(params, promptTokens(result.message.usage));
          this.usage.measured(result.message.usage, window);
          break;
        } catch (err) {
          const view = err instanceof ModelError ? err.view : classifyError(err);
          if (view.kind === 'aborted' || signal.aborted) return live.stopped();
          if (view.kind === 'context-window') {
            this.fitter.overflowed(view.detail, params);
            // Nothing shown yet: try once more, compacted harder.
            if (attempt === 1 && live.empty) continue;
          }
          return live.failed(view);
        }
      }
      const calls = live.complete(result.message, settings, this.usage);
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
          update: (call) => this.emit({ type: 'toolUpdated', messageId: live.id, call }),
        },
        signal,
      );
      live.stored.toolResults = results;
      if (signal.aborted) return live.stoppedInTools();
      await this.persist();
    }
  }

  /** A new assistant message, streaming; `folders`: the workspace folders its tool cards are shown against. */
  private startAnswer(model: string, folders: string[]): StreamedAnswer {
    const stored: StoredMessage = { view: { id: newMessageId(), role: 'assistant', blocks: [], status: 'streaming', createdAt: Date.now() }, content: [], model };
    this.addMessage(stored);
    return new StreamedAnswer(stored, { record: this.record, folders, emit: (m) => this.emit(m) });
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
