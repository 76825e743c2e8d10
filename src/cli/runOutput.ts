/**
 * What `elixir-agent run` prints while the session runs: the answer's text on
 * stdout (inert: no terminal control sequences), tool calls, background tasks
 * and notices on stderr; with --json, every event as one JSON line instead.
 */
import type { ChatEvent } from '../core/chat/events';
import type { MessageRecord } from '../core/chat/records';
import { InertStream, jsonLine } from './terminal';
import { firstLine } from '../shared/text';

export function textOf(v: MessageRecord | undefined): string {
  return (v?.blocks ?? []).filter((b) => b.kind === 'text').map((b) => (b as { text: string }).text).join('');
}

/** Prints a session's ChatEvents as they come (emit), for a person or, with json, for a script. */
export class RunPrinter {
  /** The last assistant message started (human output). */
  lastMessage: string | undefined;
  private readonly text = new InertStream((s) => process.stdout.write(s));
  private readonly shownTasks = new Map<string, string>();
  private readonly shown = new Map<string, string | undefined>();

  /** `blockKind`: the kind of a message's block, for telling answer text from thinking deltas. */
  constructor(
    private readonly json: boolean,
    private readonly warn: (line: string) => void,
    private readonly blockKind: (messageId: string, blockIndex: number) => string | undefined,
  ) {}

  readonly emit = (m: ChatEvent): void => {
    if (this.json) {
      process.stdout.write(jsonLine(m));
      return;
    }
    if (m.type === 'messageAdded' && m.message.role === 'assistant') {
      this.text.flush();
      if (this.lastMessage) process.stdout.write('\n');
      this.lastMessage = m.message.id;
    } else if (m.type === 'textDelta') {
      if (this.blockKind(m.messageId, m.blockIndex) === 'text') this.text.push(m.text);
    } else if (m.type === 'toolUpdated') {
      const c = m.call;
      // Once per status line: output updates of a running call repeat it.
      if (c.status === 'running' && this.shown.get(c.id) !== c.summary) {
        this.shown.set(c.id, c.summary);
        this.warn(`⏺ ${c.name}${c.summary ? ` ${c.summary}` : ''}`);
      }
      else if (c.status === 'denied' || c.status === 'failed') this.warn(`  ⎿ ${c.status}: ${firstLine(c.output ?? '')}`);
    } else if (m.type === 'backgroundTasks') {
      for (const t of m.tasks) {
        if (this.shownTasks.get(t.id) === t.status) continue;
        this.shownTasks.set(t.id, t.status);
        this.warn(t.status === 'running' ? `⏺ background task ${t.id} started: ${firstLine(t.command)}` : `  ⎿ background task ${t.id} ${t.status === 'exited' ? `exited with code ${t.exitCode ?? 'unknown'}` : t.status}`);
      }
    } else if (m.type === 'blockAdded' && m.block.kind === 'notice') {
      this.warn(`elixir-agent: ${m.block.text}`);
    }
  };

  /** Writes what the text stream held back. */
  flush(): void {
    this.text.flush();
  }
}
