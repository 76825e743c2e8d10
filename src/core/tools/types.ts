/**
 * The contract every agent tool follows: builtin (Read, Edit, Bash, ...), the
 * `ide` channel (mcp__ide__*), and MCP servers' tools (mcp__<server>__<tool>).
 * Pure TypeScript: no `vscode` here. The editor supplies its own
 * implementations of the capabilities below (FileAccess, DiagnosticsProvider...)
 * through ToolContext.
 */
import type { BackgroundTasks } from './backgroundTasks';
import type { ResolvedPath } from './paths';

export type JsonSchema = { type: 'object'; properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };

export type ToolResultContent =
  | { type: 'text'; text: string }
  | { type: 'image'; source: { type: 'base64'; media_type: string; data: string } };

export interface ToolResult {
  content: ToolResultContent[];
  isError?: boolean;
  /** Extra data for the UI card (never sent to the model): a diff, an exit code... */
  display?: ToolDisplay;
}

export interface ToolDisplay {
  /** Unified diff of a file change. */
  diff?: string;
  /** Path the tool touched, for a "open file" link. */
  path?: string;
  exitCode?: number | null;
  summary?: string;
}

/** How risky a tool is; drives the default approval policy. */
export type ToolKind = 'read' | 'edit' | 'execute' | 'mcp';

/** What the user is asked to approve, shown on the tool card. */
export interface ApprovalRequest {
  /** One line: "Edit lib/foo.ex", "Run `mix test`". */
  title: string;
  /** The exact change as a unified diff (edits). */
  diff?: string;
  /** The exact command (Bash, executeCode). */
  command?: string;
  /** Extra warning, e.g. "This writes the extension's own settings". */
  warning?: string;
  /** Ask on every call: an earlier "allow for this conversation" must not cover it
   *  (set for protected files such as .vscode/settings.json). */
  askEveryTime?: boolean;
  /** The rule "Always allow" saves to .claude/settings.local.json (set by the loop; none: not offered). */
  alwaysRule?: string;
}

/** Files as the agent sees them, by a path checked with resolveInWorkspace.
 *  Disk access goes through the race-free walk of safeFs.ts. In VS Code,
 *  reads see unsaved buffers and changes to open documents go through
 *  WorkspaceEdit (undoable); headless, plain fs. */
export interface FileAccess {
  /** Text and a version stamp (mtime+size on disk, or a buffer version when dirty). */
  readText(file: ResolvedPath): Promise<{ text: string; version: string }>;
  /** The current version stamp without reading the whole file, or undefined if missing. */
  version(file: ResolvedPath): Promise<string | undefined>;
  writeText(file: ResolvedPath, text: string): Promise<void>;
}

/** Per-conversation memory of what the agent has read (read-before-write rule). */
export interface ReadTracker {
  markRead(absPath: string, version: string): void;
  /** The version seen at the last Read, or undefined if never read. */
  lastRead(absPath: string): string | undefined;
}

export interface ToolContext {
  /** Absolute workspace folder paths; tools may touch nothing outside them. */
  workspaceFolders: string[];
  /** Working directory for Bash and relative defaults (the first folder, usually). */
  cwd: string;
  signal: AbortSignal;
  files: FileAccess;
  reads: ReadTracker;
  /** Live output (Bash stdout/stderr) for the UI card. */
  onOutput?: (chunk: string) => void;
  /** A short status for the UI card while the tool runs ("compiling with mix..."). */
  onProgress?: (status: string) => void;
  /** Extra capabilities some tools need (diagnostics, ripgrep path, ...). */
  services: ToolServices;
}

/** Optional capabilities, filled by whoever hosts the tools. */
export interface ToolServices {
  /** The conversation's background shells (Bash run_in_background, TaskOutput, TaskStop). */
  background?: BackgroundTasks;
  /** Path to an `rg` binary, if one was found. */
  ripgrepPath?: string;
  /** Time limit of one Glob, Grep or LS call in ms (default SEARCH_TIME_LIMIT_MS, 60 s). */
  searchTimeoutMs?: number;
  /** Editor diagnostics (the ide channel). */
  diagnostics?: DiagnosticsProvider;
  /** Wait for a file's diagnostics to settle after an edit and return them as text, if any. */
  diagnosticsAfterEdit?: (absPath: string, signal: AbortSignal) => Promise<string | undefined>;
  /** Notebook editing through the editor's notebook API, when available. */
  notebooks?: NotebookAccess;
  /** Mirror Bash commands and their live output in a visible terminal. */
  bashMirror?: BashMirror;
  /** Extra absolute paths no tool may write without an explicit confirmation. */
  protectedPaths?: string[];
}

/** Claude Code's getDiagnostics shape. */
export interface FileDiagnostics {
  uri: string;
  diagnostics: Array<{
    message: string;
    severity: 'Error' | 'Warning' | 'Information' | 'Hint';
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    source?: string;
    code?: string;
  }>;
}

export interface DiagnosticsProvider {
  /** All files' diagnostics, or one file's when uri is given. */
  get(uri?: string): Promise<FileDiagnostics[]>;
  /**
   * Optional: resolves once diagnostics have settled (a running mix compile
   * finished, language servers quiet for a moment), or when the signal aborts.
   * getDiagnostics calls it before reading.
   */
  settle?(uri: string | undefined, signal: AbortSignal): Promise<void>;
  /**
   * Optional: makes the diagnostics describe the workspace's current files
   * before get(). When no source reports on them (nothing compiled yet, or
   * Elixir files changed since the last compile) and no language server
   * publishes for Elixir, it runs or joins a mix compile. getDiagnostics calls
   * it instead of settle() and tells the model what happened.
   */
  refresh?(request: RefreshRequest): Promise<RefreshOutcome>;
  /** Optional: a file was written, so what was compiled no longer describes it. */
  changed?(absPath: string): void;
}

export interface RefreshRequest {
  /** The file asked about, if any (only its project needs compiling). */
  uri?: string;
  signal: AbortSignal;
  /** The compiler's live output. */
  onOutput?: (chunk: string) => void;
  /** A short status line ("compiling with mix..."). */
  onProgress?: (status: string) => void;
}

export type RefreshOutcome =
  /** Nothing needed compiling: a language server publishes, or the last compile saw the current files. */
  | { kind: 'current' }
  /** mix compiled (or a compile in progress was joined). */
  | { kind: 'compiled'; runs: Array<{ root: string; ms: number; firstCompile: boolean; joined: boolean }> }
  /** Compiling is not allowed here (Restricted Mode, a headless run without --trust-project-code); `reason` says why and how to allow it. */
  | { kind: 'not-compiled'; reason: string }
  /** mix could not run (not installed...). */
  | { kind: 'failed'; reason: string };

/** A visible terminal that shows a Bash command and its output as it runs. */
export interface BashMirror {
  start(command: string, cwd: string): { write(chunk: string): void; end(result: { exitCode: number | null; timedOut: boolean; cancelled: boolean }): void };
}

export interface NotebookAccess {
  editCell(
    file: ResolvedPath,
    edit: { cellId?: string; newSource: string; cellType?: 'code' | 'markdown'; editMode: 'replace' | 'insert' | 'delete' },
  ): Promise<string>;
}

/** A tool as the loop sees it. Its input is what the model sent, unchecked: the tool checks it (defineTool parses it with the tool's zod schema). */
export interface Tool {
  /** Model-facing name: "Read", "mcp__ide__getDiagnostics", "mcp__tidewave__get_logs". */
  name: string;
  description: string;
  inputSchema: JsonSchema;
  kind: ToolKind;
  /** Read-only tools may run in parallel and without approval by default. */
  readOnly: boolean;
  /** What to show the user before running (only asked for tools that need approval). */
  /** Why the input does not fit the tool's parameters (one sentence for the model), or undefined when it does. Checked before approval. */
  checkInput?(input: unknown): string | undefined;
  describe?(input: unknown, ctx: ToolContext): Promise<ApprovalRequest>;
  invoke(input: unknown, ctx: ToolContext): Promise<ToolResult>;
}

/** Errors a tool throws to report a clear failure to the model (becomes is_error). */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export const textResult = (text: string, display?: ToolDisplay): ToolResult => ({ content: [{ type: 'text', text }], display });
export const errorResult = (text: string): ToolResult => ({ content: [{ type: 'text', text }], isError: true });

/** What the approval policy says before a tool runs. */
export type PolicyDecision = 'allow' | 'ask' | 'deny';

/** Settings-driven policy (per-tool rules, Bash allow-list, permissionMode, trust). */
export interface ApprovalPolicy {
  /** askEveryTime: when 'ask', do not let an earlier "allow for this conversation" skip the question. */
  /** decidedBy: the settings rule that decided, shown on the card ("allowed by `Bash(mix test:*)` in .claude/settings.json"). */
  decide(tool: Tool, input: unknown): Promise<{ decision: PolicyDecision; reason?: string; askEveryTime?: boolean; decidedBy?: string }>;
}

/** The user's answer on the tool card. */
export type UserApproval = { decision: 'allowOnce' | 'allowConversation' } | { decision: 'deny'; reason?: string };
