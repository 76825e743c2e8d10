/** MCP server configuration and status, as the manager and the editor see them. */

/** A remote server: Streamable HTTP (`http`) or the older HTTP+SSE (`sse`). */
export interface McpRemoteConfig {
  type: 'http' | 'sse';
  url: string;
  headers?: Record<string, string>;
}

/** A local server the extension starts as a child process. */
export interface McpStdioConfig {
  type: 'stdio';
  command: string;
  args?: string[];
  env?: Record<string, string>;
  /** Working directory; the folder holding the `.mcp.json` by default. */
  cwd?: string;
}

export type McpServerConfig = McpRemoteConfig | McpStdioConfig;

/** Where a server was declared. */
export type McpServerSource = 'mcp.json' | 'settings' | 'tidewave' | 'api';

export interface McpServerSpec {
  /** The name as declared; tools are exposed as `mcp__<normalized name>__<tool>`. */
  name: string;
  config: McpServerConfig;
  source: McpServerSource;
  /** The file (or setting) that declared it, for messages. */
  origin?: string;
  /** Tidewave's quirks apply (discovered, or a url ending in /tidewave/mcp). */
  tidewave?: boolean;
  /** A configuration problem (e.g. a missing environment variable): the server stays disabled with this detail. */
  problem?: string;
}

export type McpServerState = 'connected' | 'connecting' | 'down' | 'disabled';

export interface McpServerStatus {
  name: string;
  state: McpServerState;
  /** Why it is down or disabled, or what it is ("Tidewave 0.9 on port 4000"). */
  detail?: string;
  /** Model-facing names of its tools (`mcp__server__tool`), empty unless connected. */
  tools: string[];
  /** The same tools as the server names them (`get_logs`), for matching a persona's entries. */
  serverTools: string[];
  source: McpServerSource;
  transport: McpServerConfig['type'];
  /** The url, or the command line of a stdio server. */
  target: string;
  /** A stdio server waiting for the user's approval to start. */
  needsApproval?: boolean;
  /** Server name and version from `initialize`. */
  serverInfo?: { name: string; version: string };
  tidewave?: boolean;
  /** Process id of a running stdio server. */
  pid?: number;
}

/** What the user is asked before a stdio server is started. */
export interface StdioApprovalRequest {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** Stable hash of command, args and env: a changed command needs a new approval. */
  hash: string;
  origin?: string;
}

export interface McpLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Disposable {
  dispose(): void;
}
