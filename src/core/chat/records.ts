/**
 * What the core keeps and saves of a conversation: the message records in a
 * saved conversation file and the history list's entries. The core owns these
 * shapes; the VS Code layer maps them to the webview's views
 * (src/vscode/chat/toWebview.ts), so a change to the UI cannot change the
 * history format. Changing a field here changes the saved file format.
 */
import type { ErrorRecord } from '../model/errors';
import type { UsageRecord } from '../model/models';

export type Role = 'user' | 'assistant';
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error';
export type ToolCallStatus = 'pending' | 'awaiting-approval' | 'running' | 'done' | 'failed' | 'cancelled' | 'denied';

/** What a tool call asks the user to approve. */
export interface ApprovalRecord {
  title: string;
  diff?: string;
  command?: string;
  warning?: string;
  /** The rule "Always allow" would save. */
  alwaysRule?: string;
}

export interface ToolCallRecord {
  id: string;
  name: string;
  /** One line naming the key input: a path, a pattern, a command. */
  summary: string;
  input: unknown;
  status: ToolCallStatus;
  approval?: ApprovalRecord;
  /** Output so far (capped for display). */
  output?: string;
  diff?: string;
  path?: string;
  isError?: boolean;
  /** The settings rule that decided whether it ran: "allowed by `Bash(mix test:*)` in .claude/settings.json". */
  decidedBy?: string;
}

export type BlockRecord =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool'; call: ToolCallRecord }
  | { kind: 'notice'; text: string }; // e.g. "Older tool results were shortened to fit the context window"

/** One message as the user sees it (the `view` of a stored message). */
export interface MessageRecord {
  id: string;
  role: Role;
  blocks: BlockRecord[];
  status: MessageStatus;
  usage?: UsageRecord;
  error?: ErrorRecord;
  createdAt: number;
}

/** One saved conversation in the history list. */
export interface ConversationEntry {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
}

/** A background shell the agent started (Bash run_in_background). */
export interface BackgroundTaskRecord {
  id: string;
  command: string;
  description?: string;
  status: 'running' | 'exited' | 'stopped' | 'failed';
  pid?: number;
  exitCode: number | null;
  startedAt: number;
  endedAt?: number;
}
