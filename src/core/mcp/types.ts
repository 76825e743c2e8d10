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
  /** Working directory; the folder holding the `.mcp.json` by default (relative to the spec's `baseDir`). */
  cwd?: string;
}

export type McpServerConfig = McpRemoteConfig | McpStdioConfig;

/** Where a server was declared. */
export type McpServerSource = 'mcp.json' | 'settings' | 'tidewave' | 'api';

export interface McpServerSpec {
  /** The name as declared; tools are exposed as `mcp__<normalized name>__<tool>`. */
  name: string;
  /**
   * The definition as declared: `${VAR}` references are NOT expanded yet. They are
   * expanded (refusing secrets) only when the server is about to connect, after any
   * approval it needs.
   */
  config: McpServerConfig;
  source: McpServerSource;
  /**
   * Declared by the repository (`.mcp.json`, workspace or folder settings): used only
   * after the user approves this exact definition. `.mcp.json` servers always are.
   */
  project?: boolean;
  /** Folder that relative stdio `cwd`s resolve against (the one holding `.mcp.json`). */
  baseDir?: string;
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
  /** A repository server waiting for the user's approval (or that the user declined). */
  needsApproval?: boolean;
  /** Declared by the repository: needs the user's approval of its exact definition. */
  project?: boolean;
  /** Server name and version from `initialize`. */
  serverInfo?: { name: string; version: string };
  tidewave?: boolean;
  /** Process id of a running stdio server. */
  pid?: number;
}

/**
 * What the user is asked before a server the repository declares is used: the
 * exact definition, as declared (variables unexpanded; values never shown).
 */
export interface McpApprovalRequest {
  name: string;
  transport: McpServerConfig['type'];
  /** http and sse. */
  url?: string;
  /** Names of the headers sent (their values may hold tokens: not shown). */
  headerNames: string[];
  /** stdio. */
  command?: string;
  args?: string[];
  cwd?: string;
  /** Names of the variables set in the server's `env`. */
  envNames: string[];
  /** Environment variables the definition would receive through `${VAR}` expansion. */
  variables: string[];
  /** Those of `variables` that are never expanded (credentials). */
  refusedVariables: string[];
  /** The file or setting that declares it. */
  origin?: string;
  /** Hash of the normalized definition: a changed definition needs a new approval. */
  hash: string;
}

export interface McpLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Disposable {
  dispose(): void;
}
