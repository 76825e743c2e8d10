/**
 * The one typed protocol between the extension host and the chat webview.
 * Imported by both bundles. The host sends deltas (appended text, a changed
 * tool card), never the whole transcript per update; the full state is sent
 * once on `ready` (and when another conversation is opened).
 * Every message from the webview is validated on the host (`validateWebviewMessage`).
 */

export type Role = 'user' | 'assistant';
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error';
export type ToolCallStatus = 'pending' | 'awaiting-approval' | 'running' | 'done' | 'failed' | 'cancelled' | 'denied';

export interface ApprovalView {
  title: string;
  diff?: string;
  command?: string;
  warning?: string;
  /** "Always allow" saves this rule to .claude/settings.local.json (absent: the button is not shown). */
  alwaysRule?: string;
}

export interface ToolCallView {
  id: string;
  name: string;
  /** One line naming the key input: a path, a pattern, a command. */
  summary: string;
  input: unknown;
  status: ToolCallStatus;
  approval?: ApprovalView;
  /** Output so far (capped for display). */
  output?: string;
  diff?: string;
  path?: string;
  isError?: boolean;
  /** The settings rule that decided whether it ran: "allowed by `Bash(mix test:*)` in .claude/settings.json". */
  decidedBy?: string;
}

export type BlockView =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool'; call: ToolCallView }
  | { kind: 'notice'; text: string }; // e.g. "Older tool results were shortened to fit the context window"

export interface UsageView {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface ErrorView {
  title: string;
  detail: string;
  /** Offer a retry button. */
  retryable: boolean;
  /** A follow-up the user can take: set the API key, continue after max_tokens... */
  action?: 'setApiKey' | 'continue' | 'openSettings';
}

export interface MessageView {
  id: string;
  role: Role;
  blocks: BlockView[];
  status: MessageStatus;
  usage?: UsageView;
  error?: ErrorView;
  createdAt: number;
}

export interface ToolStatusView {
  name: string;
  status: 'available' | 'unavailable' | 'unknown';
  detail?: string;
}

export interface PersonaView {
  name: string;
  description: string;
  color?: string;
  model: string;
  source: 'project' | 'user' | 'bundled';
  filePath: string;
  tools: ToolStatusView[];
  problems: string[];
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
}

export interface EnvironmentView {
  hasApiKey: boolean;
  trusted: boolean;
  isElixirWorkspace: boolean;
  /** "Phoenix 1.7 · Ecto · LiveView · umbrella (3 apps)" */
  projectSummary?: string;
  mcpServers: Array<{ name: string; state: 'connected' | 'connecting' | 'down' | 'disabled'; detail?: string }>;
  /** The memory files the model is given (CLAUDE.md and its imports), and imports that were refused. */
  memory?: { files: Array<{ label: string; importedBy?: string }>; notes: string[] };
}

/** A background shell the agent started (Bash run_in_background), listed with a stop button. */
export interface BackgroundTaskView {
  id: string;
  command: string;
  description?: string;
  status: 'running' | 'exited' | 'stopped' | 'failed';
  pid?: number;
  exitCode: number | null;
  startedAt: number;
  endedAt?: number;
}

export interface ChatStateView {
  conversationId: string;
  title: string;
  messages: MessageView[];
  busy: boolean;
  persona?: PersonaView;
  personas: Array<{ name: string; description: string; source: string; color?: string }>;
  history: ConversationSummary[];
  env: EnvironmentView;
  totals: UsageView;
  /** Fraction (0..1) of the model's context window the conversation fills. */
  contextFill: number;
  /** This conversation's background shells (running ones first). */
  backgroundTasks?: BackgroundTaskView[];
}

/** Host → webview. */
export type HostMessage =
  | { type: 'state'; state: ChatStateView }
  | { type: 'messageAdded'; message: MessageView }
  | { type: 'textDelta'; messageId: string; blockIndex: number; text: string }
  | { type: 'blockAdded'; messageId: string; block: BlockView }
  | { type: 'toolUpdated'; messageId: string; call: ToolCallView }
  | { type: 'messageUpdated'; messageId: string; status: MessageStatus; usage?: UsageView; error?: ErrorView }
  | { type: 'busy'; busy: boolean }
  | { type: 'totals'; totals: UsageView; contextFill: number }
  | { type: 'persona'; persona: PersonaView; personas: ChatStateView['personas'] }
  | { type: 'history'; history: ConversationSummary[] }
  | { type: 'env'; env: EnvironmentView }
  | { type: 'prefill'; text: string }
  | { type: 'mentionResults'; requestId: number; items: MentionItem[] }
  | { type: 'backgroundTasks'; tasks: BackgroundTaskView[] }

  | { type: 'accessibility'; settings: AccessibilityView };

/** VS Code's accessibility settings that the chat follows (sent on `ready` and when they change). */
export interface AccessibilityView {
  /** `editor.accessibilitySupport` is `on`: announce a finished answer's text, as VS Code's own chat does. */
  screenReader: boolean;
  /** `workbench.reduceMotion`: `auto` follows the system's prefers-reduced-motion. */
  reduceMotion: 'on' | 'off' | 'auto';
  /** `accessibility.verbosity.panelChat`: hints on how to use the chat (keys) in the input's description and announcements. */
  verbose: boolean;
  /** `accessibility.signals.chatUserActionRequired`'s announcement is not `off`: say when a tool call needs approval. */
  announceApprovals: boolean;
}

export interface MentionItem {
  kind: 'file' | 'selection' | 'problems';
  label: string;
  detail?: string;
  /** For files: workspace-relative path. */
  value: string;
}

export type ApprovalDecision = 'allowOnce' | 'allowConversation' | 'allowAlways' | 'deny';

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'send'; text: string; mentions: MentionItem[] }
  | { type: 'stop' }
  | { type: 'retry' }
  | { type: 'continue' }
  | { type: 'approve'; callId: string; decision: ApprovalDecision; reason?: string }
  | { type: 'newConversation' }
  | { type: 'pickPersona'; name?: string }
  | { type: 'openConversation'; id: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'renameConversation'; id: string; title: string }
  | { type: 'exportConversation'; id: string }
  | { type: 'openFile'; path: string; line?: number }
  | { type: 'insertAtCursor'; code: string }
  | { type: 'copy'; text: string }
  | { type: 'mentionQuery'; requestId: number; query: string }
  | { type: 'stopBackgroundTask'; id: string }
  /** The webview got or lost the keyboard focus (the chat's shortcuts apply while it has it). */
  | { type: 'focus'; focused: boolean }
  | { type: 'command'; command: 'setApiKey' | 'createAgent' | 'openAgentFile' | 'openSettings' | 'manageTrust' | 'openInEditor' };
