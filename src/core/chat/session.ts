/**
 * One conversation, as the extension and `elixir-agent run` drive it: send,
 * retry, continue, stop, rename, and the conversation's record, views,
 * totals and background shells. Each answer is one run of the agent loop
 * (agentLoop.ts); everything the user sees goes out as ChatEvent deltas,
 * every completed message is saved in order. Failures become an inline error
 * with a retry and never damage the conversation: a failed answer is shown
 * but not sent back, a stopped one is kept and marked as stopped.
 * Pure TypeScript (no vscode).
 */
import type { ContentBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ChatEvent } from './events';
import type { BackgroundTaskRecord, MessageRecord } from './records';
import { ZERO_USAGE } from '../model/models';
import { BackgroundTasks, type BackgroundTaskInfo } from '../tools/backgroundTasks';
import { MemoryReadTracker } from '../tools/nodeFiles';
import { AgentLoop, type LoopDeps } from './agentLoop';
import { ContextFitter } from './contextFitter';
import { awaitsAnswer, newConversation, newMessageId, titleFrom, type ConversationRecord, type StoredMessage } from './conversation';
import { OrderedSaver } from './orderedSaver';
import { UsageTotals } from './usageTotals';

export type { LoopSettings, RunSetup, ToolEnvironment } from './agentLoop';

export interface SessionDeps extends LoopDeps {
  /** Saves the conversation (called as each message completes). */
  save?(record: ConversationRecord): Promise<void>;
  emit?(message: ChatEvent): void;
}

export const CONTINUE_PROMPT = 'Continue from where you stopped.';

export class ChatSession {
  private readonly record: ConversationRecord;
  private running?: { controller: AbortController; done: Promise<void> };
  private readonly saver: OrderedSaver;
  private readonly usage: UsageTotals;
  private readonly loop: AgentLoop;

  /** This conversation's background shells: they end with it (dispose). */
  readonly background = new BackgroundTasks();

  constructor(
    private readonly deps: SessionDeps,
    record?: ConversationRecord,
  ) {
    this.record = record ? normalizeInterrupted(record) : newConversation();
    this.saver = new OrderedSaver(this.record, deps.save, deps.log);
    this.usage = new UsageTotals(this.record, (m) => this.emit(m));
    this.loop = new AgentLoop(deps, {
      record: this.record,
      background: this.background,
      reads: new MemoryReadTracker(),
      allowed: new Set<string>(),
      fitter: new ContextFitter(this.record, this.usage, () => this.persist()),
      usage: this.usage,
      save: () => this.persist(),
      emit: (m) => this.emit(m),
      addMessage: (m) => this.addMessage(m),
    });
    this.background.onChange((tasks) => this.emit({ type: 'backgroundTasks', tasks: tasks.map(backgroundRecord) }));
  }

  backgroundTasks(): BackgroundTaskRecord[] {
    return this.background.list().map(backgroundRecord);
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

  views(): MessageRecord[] {
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

  private run(): Promise<void> {
    const controller = new AbortController();
    const done = this.loop
      .run(controller.signal)
      .then(() => this.persist())
      .finally(() => {
        this.running = undefined;
        this.emit({ type: 'busy', busy: false });
      });
    this.running = { controller, done };
    this.emit({ type: 'busy', busy: true });
    return done;
  }

  private addMessage(m: StoredMessage): void {
    this.record.messages.push(m);
    this.emit({ type: 'messageAdded', message: m.view });
  }

  private emit(m: ChatEvent): void {
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

function backgroundRecord(t: BackgroundTaskInfo): BackgroundTaskRecord {
  return { id: t.id, command: t.command, description: t.description, status: t.status, pid: t.pid, exitCode: t.exitCode, startedAt: t.startedAt, endedAt: t.endedAt };
}
