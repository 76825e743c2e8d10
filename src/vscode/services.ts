/**
 * What the runtime's features offer each other and the tests
 * (`(await api.runtime()).services`). Every field is built by the
 * composition root (runtime.ts) before the runtime is handed out; a feature
 * receives the services it needs as arguments of its register function.
 */
import type { AgentsService } from './agents/service';
import type { ChatService } from './chat';
import type { EditorDiagnosticsService, ElixirService } from './elixir';
import type { IdeServerService } from './ideServer';
import type { McpService } from './mcp';
import type { ClaudeSettingsService } from './settings';
import type { ToolsService } from './tools';

export interface Services {
  /** Agent personas: loaded files, the active one, problems, resolved persona view. Owned by src/vscode/agents. */
  readonly agents: AgentsService;
  /** MCP servers (.mcp.json, settings, Tidewave): their tools, states and hints. Owned by src/vscode/mcp. */
  readonly mcp: McpService;
  /** Mix projects (summary, prompt section), mix compile source, language servers, the ide tools. Owned by src/vscode/elixir. */
  readonly elixir: ElixirService;
  /** Every diagnostic the editor knows in getDiagnostics' shape, with settle() and afterEdit(). Owned by src/vscode/elixir. */
  readonly diagnostics: EditorDiagnosticsService;
  /** The ide MCP server for the Claude Code CLI (elixirAgent.ideServer.enabled). Owned by src/vscode/ideServer. */
  readonly ideServer: IdeServerService;
  /** Builtin tools, their editor ToolContext and the approval policy from settings and trust. Owned by src/vscode/tools. */
  readonly tools: ToolsService;
  /** Claude Code's settings files (user, project, local): permission rules, defaultMode, problems. Owned by src/vscode/settings. */
  readonly settings: ClaudeSettingsService;
  /** The conversation (the backend the chat webviews talk to) and the chat input. Owned by src/vscode/chat. */
  readonly chat: ChatService;
}
