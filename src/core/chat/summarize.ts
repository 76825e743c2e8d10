/**
 * Summarizing the older part of a conversation when shortening tool results
 * was not enough to stay inside the context window.
 */
import type { ModelClient } from '../model/client';
import type { ConversationRecord, StoredMessage } from './conversation';

export const SUMMARY_SYSTEM =
  'You summarize a conversation between a developer and a coding agent so the agent can continue the work without the full transcript. ' +
  'Write compact notes: the user’s goals and constraints, decisions taken, files read or changed (with paths) and their current state, ' +
  'commands run and their outcomes (errors, failing tests), and what remains to do. Keep exact names, paths and error messages. No preamble.';

/**
 * Where to cut: the summary covers messages[0..cut], the rest stays verbatim.
 * The kept part starts at a user message and holds at least the last user
 * message. Returns -1 when there is nothing worth summarizing.
 */
export function chooseCut(record: ConversationRecord, keepTokens: number, estimate: (m: StoredMessage) => number): number {
  const msgs = record.messages;
  const startAfter = record.summary ? msgs.findIndex((m) => m.view.id === record.summary!.throughMessageId) : -1;
  let kept = 0;
  let cut = -1;
  for (let i = msgs.length - 1; i > startAfter; i--) {
    const m = msgs[i]!;
    kept += estimate(m);
    const startsUserTurn = m.view.role === 'user' && !m.excluded;
    if (startsUserTurn) {
      cut = i - 1;
      if (kept >= keepTokens) break;
    }
  }
  return cut > startAfter ? cut : -1;
}

/** The messages as plain text for the summarizer, capped at `maxChars` (the newest part kept). */
export function transcript(messages: StoredMessage[], previousSummary: string | undefined, maxChars: number): string {
  const parts: string[] = [];
  if (previousSummary) parts.push(`[Earlier summary]\n${previousSummary}`);
  for (const m of messages) {
    if (m.excluded) continue;
    const lines: string[] = [];
    for (const b of m.view.blocks) {
      if (b.kind === 'text') lines.push(b.text);
      else if (b.kind === 'tool') {
        const out = (b.call.output ?? '').slice(0, 2000);
        lines.push(`[tool ${b.call.name} ${b.call.summary} → ${b.call.status}${b.call.isError ? ' (error)' : ''}]${out ? `\n${out}` : ''}`);
      }
    }
    if (lines.length) parts.push(`${m.view.role === 'user' ? 'USER' : 'AGENT'}:\n${lines.join('\n')}`);
  }
  const text = parts.join('\n\n');
  return text.length > maxChars ? `[... the oldest part is omitted ...]\n${text.slice(text.length - maxChars)}` : text;
}

export async function summarizeMessages(
  client: ModelClient,
  model: string,
  text: string,
  signal: AbortSignal,
): Promise<{ summary: string; usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null } }> {
  const { message } = await client.stream(
    {
      model,
      max_tokens: 4000,
      system: SUMMARY_SYSTEM,
      messages: [{ role: 'user', content: `<transcript>\n${text}\n</transcript>\n\nSummarize this conversation as notes the agent will continue from.` }],
    },
    signal,
    () => undefined,
  );
  const summary = message.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n')
    .trim();
  if (!summary) throw new Error('the summary came back empty');
  return { summary, usage: message.usage };
}
