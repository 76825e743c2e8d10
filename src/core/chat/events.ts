/**
 * What a chat session tells its owner while it runs: deltas to the messages
 * (appended text, a changed tool call), busy, totals, background tasks. The
 * VS Code layer maps them to webview messages (src/vscode/chat/toWebview.ts);
 * the CLI prints them.
 */
import type { ErrorRecord } from '../model/errors';
import type { UsageRecord } from '../model/models';
import type { BackgroundTaskRecord, BlockRecord, MessageRecord, MessageStatus, ToolCallRecord } from './records';

export type ChatEvent =
  | { type: 'messageAdded'; message: MessageRecord }
  | { type: 'textDelta'; messageId: string; blockIndex: number; text: string }
  | { type: 'blockAdded'; messageId: string; block: BlockRecord }
  | { type: 'toolUpdated'; messageId: string; call: ToolCallRecord }
  | { type: 'messageUpdated'; messageId: string; status: MessageStatus; usage?: UsageRecord; error?: ErrorRecord }
  | { type: 'busy'; busy: boolean }
  | { type: 'totals'; totals: UsageRecord; contextFill: number }
  | { type: 'backgroundTasks'; tasks: BackgroundTaskRecord[] };
