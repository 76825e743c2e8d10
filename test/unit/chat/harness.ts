/** A ChatSession wired to the scripted model server, with recording of what the user would see. */
import type { ChatEvent } from '../../../src/core/chat/events';
import { ModelClient, type ModelClientOptions } from '../../../src/core/model/client';
import { ChatSession, type LoopSettings } from '../../../src/core/chat/session';
import type { ConversationRecord } from '../../../src/core/chat/conversation';
import type { ApprovalPrompt } from '../../../src/core/chat/toolCalls';
import { NodeFileAccess } from '../../../src/core/tools/nodeFiles';
import { textResult, ToolError, type ApprovalPolicy, type Tool, type UserApproval } from '../../../src/core/tools/types';
import type { ScriptedModelServer } from '../../support/scriptedModelServer';

export const API_KEY = 'sk-ant-test-9f8e7d6c5b4a';

export interface Harness {
  session: ChatSession;
  events: ChatEvent[];
  saved: ConversationRecord[];
  approvals: ApprovalPrompt[];
  delays: number[];
  /** Resolves with the next approval request (waits on the event). */
  nextApproval(): Promise<ApprovalPrompt>;
}

export interface HarnessOptions {
  tools?: Tool[];
  policy?: ApprovalPolicy;
  /** The user's answer to each approval (default: allow once). Return undefined to leave it pending. */
  answer?: (p: ApprovalPrompt) => UserApproval | undefined;
  settings?: Partial<LoopSettings>;
  client?: Partial<ModelClientOptions>;
  record?: ConversationRecord;
  apiKey?: string;
  system?: string;
}

/** Read-only tools run without asking; everything else asks. */
export const defaultPolicy: ApprovalPolicy = {
  decide: async (tool) => ({ decision: tool.readOnly ? 'allow' : 'ask' }),
};

export function makeSession(server: ScriptedModelServer, options: HarnessOptions = {}): Harness {
  const events: ChatEvent[] = [];
  const saved: ConversationRecord[] = [];
  const approvals: ApprovalPrompt[] = [];
  const delays: number[] = [];
  const waiters: Array<(p: ApprovalPrompt) => void> = [];
  const session = new ChatSession(
    {
      client: () =>
        new ModelClient({
          apiKey: options.apiKey ?? API_KEY,
          baseURL: server.url,
          maxRetries: 2,
          sleep: async (ms, signal) => {
            delays.push(ms);
            if (signal.aborted) throw new Error('aborted');
          },
          ...options.client,
        }),
      setup: async () => ({
        system: [{ type: 'text', text: options.system ?? 'You are a test persona.' }],
        tools: options.tools ?? [],
        settings: { model: 'claude-sonnet-5-5', maxTokens: 1024, maxTurns: 10, ...options.settings },
      }),
      policy: options.policy ?? defaultPolicy,
      approve: (prompt, signal) =>
        new Promise<UserApproval>((resolve, reject) => {
          approvals.push(prompt);
          waiters.splice(0).forEach((w) => w(prompt));
          const answer = (options.answer ?? (() => ({ decision: 'allowOnce' as const })))(prompt);
          if (answer) resolve(answer);
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
      toolEnv: () => ({ workspaceFolders: ['/work/project'], cwd: '/work/project', files: new NodeFileAccess(), services: {} }),
      save: async (record) => {
        saved.push(record);
      },
      emit: (m) => events.push(m),
    },
    options.record,
  );
  return {
    session,
    events,
    saved,
    approvals,
    delays,
    nextApproval: () => new Promise((resolve) => waiters.push(resolve)),
  };
}

/** A tool with a schema that records its calls. */
export function recordingTool(name: string, opts: { readOnly?: boolean; reply?: (input: Record<string, unknown>) => string; fail?: boolean } = {}): Tool & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    name,
    description: `${name} for tests`,
    inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    kind: opts.readOnly === false ? 'edit' : 'read',
    readOnly: opts.readOnly !== false,
    calls,
    describe: async (input) => ({ title: `${name} ${(input as { path?: string }).path}`, diff: '--- a\n+++ b\n' }),
    invoke: async (input) => {
      calls.push(input);
      if (opts.fail) throw new ToolError(`${name} could not do it`);
      return textResult(opts.reply ? opts.reply(input as Record<string, unknown>) : `${name} result for ${(input as { path?: string }).path}`);
    },
  };
}

/** A tool that runs until cancelled, reporting when it started. */
export function blockingTool(name: string): Tool & { started: Promise<void> } {
  let markStarted!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  return {
    name,
    description: 'waits until cancelled',
    inputSchema: { type: 'object', properties: {} },
    kind: 'execute',
    readOnly: false,
    started,
    invoke: (_input, ctx) =>
      new Promise((resolve) => {
        markStarted();
        ctx.onOutput?.('working...\n');
        ctx.signal.addEventListener('abort', () => resolve({ content: [{ type: 'text', text: 'cancelled' }], isError: true }), { once: true });
      }),
  };
}

/** Messages of one type from the recorded events. */
export function ofType<T extends ChatEvent['type']>(events: ChatEvent[], type: T): Array<Extract<ChatEvent, { type: T }>> {
  return events.filter((e) => e.type === type) as Array<Extract<ChatEvent, { type: T }>>;
}

/** Resolves when the predicate holds for a newly emitted event. */
export function waitForEvent(h: Harness, pred: (m: ChatEvent) => boolean): Promise<ChatEvent> {
  const found = h.events.find(pred);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const push = h.events.push.bind(h.events);
    h.events.push = (...items: ChatEvent[]) => {
      const n = push(...items);
      const hit = items.find(pred);
      if (hit) {
        h.events.push = push;
        resolve(hit);
      }
      return n;
    };
  });
}
