/** A conversation as a Markdown document (the export command). */
import type { BlockRecord, MessageRecord } from './records';
import type { ConversationRecord } from './conversation';

const OUTPUT_CAP = 4000;

/** A fence longer than any run of backticks in the text, so code cannot break out of it. */
function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}`;
}

function cap(text: string): string {
  return text.length > OUTPUT_CAP ? `${text.slice(0, OUTPUT_CAP)}\n… (${text.length - OUTPUT_CAP} more characters)` : text;
}

function block(b: BlockRecord): string {
  switch (b.kind) {
    case 'text':
      return b.text;
    case 'thinking':
      return `<details><summary>Thinking</summary>\n\n${b.text}\n\n</details>`;
    case 'notice':
      return `> ℹ️ ${b.text}`;
    case 'tool': {
      const c = b.call;
      const parts = [`**Tool ${c.name}**${c.summary ? ` \`${c.summary.replace(/`/g, "'")}\`` : ''} (${c.status})`];
      parts.push(fence(JSON.stringify(c.input, null, 2), 'json'));
      if (c.diff) parts.push(fence(c.diff, 'diff'));
      else if (c.output) parts.push(fence(cap(c.output)));
      return parts.join('\n\n');
    }
  }
}

function message(m: MessageRecord): string {
  const who = m.role === 'user' ? '## You' : '## Agent';
  const status = m.status === 'stopped' ? ' (stopped)' : m.status === 'error' ? ' (failed)' : '';
  const body = m.blocks.map(block).filter((s) => s.trim());
  if (m.error) body.push(`> **${m.error.title}**: ${m.error.detail}`);
  if (m.usage) body.push(`<sub>${m.usage.inputTokens + m.usage.cacheReadTokens + m.usage.cacheWriteTokens} input / ${m.usage.outputTokens} output tokens · $${m.usage.costUsd.toFixed(4)}</sub>`);
  return `${who}${status}\n\n${body.join('\n\n')}`;
}

export function conversationToMarkdown(record: ConversationRecord): string {
  const date = new Date(record.createdAt).toISOString().replace('T', ' ').slice(0, 16);
  const meta = [`- Started: ${date} UTC`, record.persona ? `- Agent: ${record.persona}` : '', `- Messages: ${record.messages.length}`, `- Cost: $${record.totals.costUsd.toFixed(4)}`]
    .filter(Boolean)
    .join('\n');
  const summary = record.summary ? `\n\n> The model saw a summary of the messages before ${new Date(record.summary.createdAt).toISOString().slice(0, 16)}.` : '';
  return `# ${record.title}\n\n${meta}${summary}\n\n${record.messages.map((m) => message(m.view)).join('\n\n---\n\n')}\n`;
}
