/**
 * The agent loop: one run, turn by turn. Each turn fits the conversation in
 * the context window, streams the model's answer, runs the tools it asks for
 * (policy, approval, parallel reads) and feeds the results back, until the
 * model ends its turn, the user stops it, or the turn limit is reached. A
 * prompt too long for the window is compacted harder and tried once more; a
 * crash becomes an inline error with a retry.
 */
import type { MessageCreateParamsBase, TextBlockParam, Tool as ApiTool, ThinkingConfigParam } from '@anthropic-ai/sdk/resources/messages';
import type { ErrorRecord } from '../model/errors';
import type { ChatEvent } from './events';
import type { ModelClient, ModelLogger } from '../model/client';
import { classifyError, ModelError, noApiKeyError } from '../model/errors';
import type { BackgroundTasks } from '../tools/backgroundTasks';
import type { MemoryReadTracker } from '../tools/nodeFiles';
import type { ApprovalPolicy, FileAccess, Tool, ToolServices } from '../tools/types';
import { withCacheBreakpoints } from './context';
import type { ContextFitter } from './contextFitter';
import { newMessageId, toApiMessages, type ConversationRecord, type StoredMessage } from './conversation';
import { StreamedAnswer, type CompletedResponse } from './streamedAnswer';
import { runToolCalls, type Approver, type PendingCall } from './toolCalls';
import { promptTokens, type UsageTotals } from './usageTotals';

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

/** What the loop is given from outside. */
export interface LoopDeps {
  /** The model client for this run (a fresh one picks up a changed key or base URL). */
  client(): ModelClient;
  setup(): Promise<RunSetup>;
  policy: ApprovalPolicy;
  approve: Approver;
  /** Folders, file access and editor services for the tools (read at each run: folders can change). */
  toolEnv(): ToolEnvironment;
  log?: ModelLogger;
}

/** The conversation's state the loop works on (the session owns it; it outlives a run). */
export interface LoopState {
  record: ConversationRecord;
  background: BackgroundTasks;
  reads: MemoryReadTracker;
  /** Tools the user allowed for the rest of the conversation. */
  allowed: Set<string>;
  fitter: ContextFitter;
  usage: UsageTotals;
  save(): Promise<void>;
  emit(message: ChatEvent): void;
  addMessage(message: StoredMessage): void;
}

const DEFAULT_MAX_TOOL_RESULT_CHARS = 60_000;

/** One run, resolved when it starts. */
interface Run {
  setup: RunSetup;
  settings: LoopSettings;
  client: ModelClient;
  /** The configured context window (the fitter may know a smaller one). */
  configured: number;
  apiTools: ApiTool[];
  toolMap: Map<string, Tool>;
  env: ToolEnvironment;
  signal: AbortSignal;
}

export class AgentLoop {
  constructor(
    private readonly deps: LoopDeps,
    private readonly state: LoopState,
  ) {}

  /** Runs until the answer is complete, stopped or failed; a crash is shown as an error message (never rejects for it). */
  run(signal: AbortSignal): Promise<void> {
    return this.turns(signal).catch((err: unknown) => this.crashed(err));
  }

  private async turns(signal: AbortSignal): Promise<void> {
    const setup = await this.deps.setup();
    const client = this.deps.client();
    const { settings } = setup;
    if (!client.hasApiKey) return this.startAnswer(settings.model, []).failed(noApiKeyError().view);
    const info = await client.modelInfo(settings.model);
    const given = this.deps.toolEnv();
    const run: Run = {
      setup,
      settings,
      client,
      configured: settings.contextWindow ?? info.contextWindow,
      toolMap: new Map(setup.tools.map((t) => [t.name, t])),
      env: { ...given, services: { ...given.services, background: this.state.background } },
      apiTools: setup.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema as ApiTool['input_schema'] })),
      signal,
    };

    for (let turn = 1; ; turn++) {
      if (turn > settings.maxTurns) return this.markTurnLimit(settings.maxTurns);
      const live = this.startAnswer(settings.model, run.env.workspaceFolders);
      const response = await this.ask(run, live);
      if (!response) return;
      const calls = live.complete(response, settings, this.state.usage);
      await this.state.save();
      if (calls.length === 0) return;
      live.stored.toolResults = await this.runTools(run, live, calls);
      if (signal.aborted) return live.stoppedInTools();
      await this.state.save();
    }
  }

  /** Streams one answer into `live`; undefined when it ended stopped or failed. */
  private async ask(run: Run, live: StreamedAnswer): Promise<CompletedResponse | undefined> {
    const { setup, settings, client, signal } = run;
    const { fitter } = this.state;
    for (let attempt = 1; ; attempt++) {
      const window = fitter.window(run.configured);
      await fitter.fit({ system: setup.system, tools: run.apiTools }, { window, maxTokens: settings.maxTokens }, { client, id: settings.model }, signal, (text) => live.notice(text));
      const prepared = withCacheBreakpoints(setup.system, run.apiTools, toApiMessages(this.state.record));
      const params: Omit<MessageCreateParamsBase, 'stream'> = {
        model: settings.model,
        max_tokens: settings.maxTokens,
        system: prepared.system,
        messages: prepared.messages,
        ...(prepared.tools.length ? { tools: prepared.tools } : {}),
        ...(settings.thinking ? { thinking: settings.thinking } : {}),
      };
      try {
        const result = await client.stream(params, signal, (e) => live.onEvent(e));
        fitter.measured(params, promptTokens(result.message.usage));
        this.state.usage.measured(result.message.usage, window);
        return result.message;
      } catch (err) {
        const view = err instanceof ModelError ? err.view : classifyError(err);
        if (view.kind === 'aborted' || signal.aborted) return void live.stopped();
        if (view.kind === 'context-window') {
          fitter.overflowed(view.detail, params);
          // Nothing shown yet: try once more, compacted harder.
          if (attempt === 1 && live.empty) continue;
        }
        return void live.failed(view);
      }
    }
  }

  private runTools(run: Run, live: StreamedAnswer, calls: PendingCall[]) {
    const { env, settings } = run;
    return runToolCalls(
      calls,
      live.cards,
      {
        tools: run.toolMap,
        policy: this.deps.policy,
        approve: this.deps.approve,
        context: (s, onOutput, onProgress) => ({ ...env, signal: s, reads: this.state.reads, onOutput, onProgress }),
        allowedForConversation: this.state.allowed,
        maxResultChars: settings.maxToolResultChars ?? DEFAULT_MAX_TOOL_RESULT_CHARS,
        workspaceFolders: env.workspaceFolders,
        update: (call) => this.state.emit({ type: 'toolUpdated', messageId: live.id, call }),
      },
      run.signal,
    );
  }

  /** A new assistant message, streaming; `folders`: the workspace folders its tool cards are shown against. */
  private startAnswer(model: string, folders: string[]): StreamedAnswer {
    const stored: StoredMessage = { view: { id: newMessageId(), role: 'assistant', blocks: [], status: 'streaming', createdAt: Date.now() }, content: [], model };
    this.state.addMessage(stored);
    return new StreamedAnswer(stored, { record: this.state.record, folders, emit: this.state.emit });
  }

  private markTurnLimit(maxTurns: number): void {
    const last = this.state.record.messages.at(-1);
    if (!last || last.view.role !== 'assistant') return;
    const error: ErrorRecord = {
      title: `Paused after ${maxTurns} model turns`,
      detail: 'The agent reached its turn limit (maxTurns in the agent file, or the elixirAgent.maxTurns setting). Continue to let it go on.',
      retryable: false,
      action: 'continue',
    };
    last.view.status = 'stopped';
    last.view.error = error;
    this.state.emit({ type: 'messageUpdated', messageId: last.view.id, status: 'stopped', usage: last.view.usage, error });
  }

  /** The loop failed unexpectedly: the answer in progress (or a new message) shows the error. */
  private crashed(err: unknown): void {
    this.deps.log?.error(`chat loop failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const view = classifyError(err);
    const live = this.state.record.messages.at(-1);
    if (live?.view.role === 'assistant' && live.view.status === 'streaming') new StreamedAnswer(live, { record: this.state.record, folders: [], emit: this.state.emit }).failed(view);
    else this.state.addMessage({ view: { id: newMessageId(), role: 'assistant', blocks: [], status: 'error', error: view, createdAt: Date.now() }, content: [], excluded: true });
  }
}
