/**
 * A conversation as it is kept and saved: each message holds what the user
 * sees (a MessageRecord) and what the API gets (Anthropic content blocks). The
 * two differ on purpose: notices and errors are view-only, a failed answer is
 * shown but never sent back, tool results live on the assistant message that
 * asked for them and are sent as the next user turn.
 */
import type { ContentBlockParam, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { UsageRecord } from '../model/models';
import type { MessageRecord } from './records';
import { ZERO_USAGE } from '../model/models';

export const CONVERSATION_VERSION = 1;

export interface StoredMessage {
  view: MessageRecord;
  /** Content sent to the API. Empty or `excluded` = not sent (a failed answer, a notice). */
  content: ContentBlockParam[];
  /** Assistant messages: the results of their tool_use blocks, sent as the next user turn. */
  toolResults?: ToolResultBlockParam[];
  /** Shown, never sent (a failed answer, an answer replaced by a retry). */
  excluded?: boolean;
  /** The model that answered (assistant messages). */
  model?: string;
  stopReason?: string | null;
}

export interface ConversationSummaryText {
  text: string;
  /** Messages up to and including this one are replaced by the summary when talking to the API. */
  throughMessageId: string;
  createdAt: number;
}

export interface ConversationRecord {
  version: number;
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** Persona (agent) name the conversation was held with. */
  persona?: string;
  messages: StoredMessage[];
  totals: UsageRecord;
  /** When older messages were summarized to fit the context window. */
  summary?: ConversationSummaryText;
}

export function newConversationId(now = Date.now()): string {
  return `c${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function newMessageId(): string {
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function newConversation(persona?: string, now = Date.now()): ConversationRecord {
  return { version: CONVERSATION_VERSION, id: newConversationId(now), title: 'New conversation', createdAt: now, updatedAt: now, persona, messages: [], totals: { ...ZERO_USAGE } };
}

/** A title from the first user message: its first line, trimmed to about 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n').find((l) => l.trim()) ?? '';
  const clean = line.replace(/\s+/g, ' ').trim();
  if (!clean) return 'New conversation';
  return clean.length > 60 ? `${clean.slice(0, 57).trimEnd()}…` : clean;
}

export const SUMMARY_PREFIX = 'Summary of the earlier part of this conversation (older messages were summarized to fit the context window):';

const INTERRUPTED = 'No result: the tool call was interrupted before it finished.';

/**
 * The messages to send, in API form. Consecutive same-role turns are merged
 * (tool results first), every tool_use gets a tool_result, and a summary
 * replaces the messages it covers.
 */
export function toApiMessages(record: ConversationRecord): MessageParam[] {
  const out: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', content: ContentBlockParam[]) => {
    if (content.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role) {
      const merged = [...(last.content as ContentBlockParam[]), ...content];
      // tool_result blocks must come first in a user message.
      last.content = role === 'user' ? [...merged.filter((b) => b.type === 'tool_result'), ...merged.filter((b) => b.type !== 'tool_result')] : merged;
    } else {
      out.push({ role, content: [...content] });
    }
  };

  let start = 0;
  if (record.summary) {
    const idx = record.messages.findIndex((m) => m.view.id === record.summary!.throughMessageId);
    if (idx >= 0) {
      start = idx + 1;
      push('user', [{ type: 'text', text: `${SUMMARY_PREFIX}\n\n${record.summary.text}` }]);
    }
  }
  for (const m of record.messages.slice(start)) {
    if (m.excluded || m.content.length === 0) continue;
    if (m.view.role === 'user') {
      push('user', m.content);
      continue;
    }
    push('assistant', m.content);
    const uses = m.content.filter((b) => b.type === 'tool_use') as Array<{ id: string }>;
    if (uses.length) {
      const results = new Map((m.toolResults ?? []).map((r) => [r.tool_use_id, r]));
      push(
        'user',
        uses.map((u) => results.get(u.id) ?? { type: 'tool_result', tool_use_id: u.id, is_error: true, content: INTERRUPTED }),
      );
    }
  }
  // The first message must be the user's (a summary may have cut in front of an assistant turn).
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: [{ type: 'text', text: '(conversation continues)' }] });
  return out;
}

/** Whether the API transcript ends with a user turn (so the model is due to answer). */
export function awaitsAnswer(record: ConversationRecord): boolean {
  const api = toApiMessages(record);
  return api.length > 0 && api.at(-1)!.role === 'user';
}

/** Checks a parsed file is a conversation record we can open. */
export function isConversationRecord(value: unknown): value is ConversationRecord {
  const r = value as ConversationRecord;
  return (
    !!r &&
    typeof r === 'object' &&
    typeof r.id === 'string' &&
    typeof r.title === 'string' &&
    typeof r.version === 'number' &&
    r.version <= CONVERSATION_VERSION &&
    Array.isArray(r.messages) &&
    r.messages.every((m) => m && typeof m === 'object' && m.view && typeof m.view.id === 'string' && Array.isArray(m.content))
  );
}
