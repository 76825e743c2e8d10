/**
 * The one place the core's records and events become the webview's views and
 * messages (src/shared/protocol). The core owns what it keeps and saves
 * (core/chat/records.ts, events.ts); the webview owns what it shows. Today
 * most mappings copy fields one by one: the compiler checks each side, so a
 * change to either shows up here. Optional fields that are absent stay
 * absent (no `undefined` keys).
 */
import type { PersonaRecord, ToolStatusRecord } from '../../core/agents/persona';
import type { ChatEvent } from '../../core/chat/events';
import type { ApprovalRecord, BackgroundTaskRecord, BlockRecord, ConversationEntry, MessageRecord, ToolCallRecord } from '../../core/chat/records';
import type { ErrorRecord } from '../../core/model/errors';
import type { UsageRecord } from '../../core/model/models';
import type {
  ApprovalView,
  BackgroundTaskView,
  BlockView,
  ConversationSummary,
  ErrorView,
  HostMessage,
  MessageView,
  PersonaView,
  ToolCallView,
  ToolStatusView,
  UsageView,
} from '../../shared/protocol';

/** `{ [key]: value }` when the value is there, else `{}`. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function usageView(u: UsageRecord): UsageView {
  return { inputTokens: u.inputTokens, outputTokens: u.outputTokens, cacheReadTokens: u.cacheReadTokens, cacheWriteTokens: u.cacheWriteTokens, costUsd: u.costUsd };
}

export function errorView(e: ErrorRecord): ErrorView {
  return { title: e.title, detail: e.detail, retryable: e.retryable, ...opt('action', e.action) };
}

export function approvalView(a: ApprovalRecord): ApprovalView {
  return { title: a.title, ...opt('diff', a.diff), ...opt('command', a.command), ...opt('warning', a.warning), ...opt('alwaysRule', a.alwaysRule) };
}

export function toolCallView(c: ToolCallRecord): ToolCallView {
  return {
    id: c.id,
    name: c.name,
    summary: c.summary,
    input: c.input,
    status: c.status,
    ...opt('approval', c.approval && approvalView(c.approval)),
    ...opt('output', c.output),
    ...opt('diff', c.diff),
    ...opt('path', c.path),
    ...opt('isError', c.isError),
    ...opt('decidedBy', c.decidedBy),
  };
}

export function blockView(b: BlockRecord): BlockView {
  switch (b.kind) {
    case 'text':
    case 'thinking':
    case 'notice':
      return { kind: b.kind, text: b.text };
    case 'tool':
      return { kind: 'tool', call: toolCallView(b.call) };
  }
}

export function messageView(m: MessageRecord): MessageView {
  return {
    id: m.id,
    role: m.role,
    blocks: m.blocks.map(blockView),
    status: m.status,
    ...opt('usage', m.usage && usageView(m.usage)),
    ...opt('error', m.error && errorView(m.error)),
    createdAt: m.createdAt,
  };
}

export function conversationSummary(c: ConversationEntry): ConversationSummary {
  return { id: c.id, title: c.title, updatedAt: c.updatedAt, messageCount: c.messageCount };
}

export function backgroundTaskView(t: BackgroundTaskRecord): BackgroundTaskView {
  return {
    id: t.id,
    command: t.command,
    ...opt('description', t.description),
    status: t.status,
    ...opt('pid', t.pid),
    exitCode: t.exitCode,
    startedAt: t.startedAt,
    ...opt('endedAt', t.endedAt),
  };
}

export function toolStatusView(s: ToolStatusRecord): ToolStatusView {
  return { name: s.name, status: s.status, ...opt('detail', s.detail) };
}

export function personaView(p: PersonaRecord): PersonaView {
  return {
    name: p.name,
    description: p.description,
    ...opt('color', p.color),
    model: p.model,
    source: p.source,
    filePath: p.filePath,
    tools: p.tools.map(toolStatusView),
    problems: [...p.problems],
  };
}

/** A session's event as the webview message that shows it. */
export function hostMessage(e: ChatEvent): HostMessage {
  switch (e.type) {
    case 'messageAdded':
      return { type: 'messageAdded', message: messageView(e.message) };
    case 'textDelta':
      return { type: 'textDelta', messageId: e.messageId, blockIndex: e.blockIndex, text: e.text };
    case 'blockAdded':
      return { type: 'blockAdded', messageId: e.messageId, block: blockView(e.block) };
    case 'toolUpdated':
      return { type: 'toolUpdated', messageId: e.messageId, call: toolCallView(e.call) };
    case 'messageUpdated':
      return {
        type: 'messageUpdated',
        messageId: e.messageId,
        status: e.status,
        ...opt('usage', e.usage && usageView(e.usage)),
        ...opt('error', e.error && errorView(e.error)),
      };
    case 'busy':
      return { type: 'busy', busy: e.busy };
    case 'totals':
      return { type: 'totals', totals: usageView(e.totals), contextFill: e.contextFill };
    case 'backgroundTasks':
      return { type: 'backgroundTasks', tasks: e.tasks.map(backgroundTaskView) };
  }
}
