/**
 * Services that features offer each other inside the runtime. Each feature
 * fills its own field in createRuntime (runtime.ts); consumers must cope with
 * a field being absent (feature disabled, e.g. in Restricted Mode).
 * Add a field for your feature here (additive edits only).
 */
export interface Services {
  /** Put text in the chat input (visible, editable) and optionally send it. Owned by the chat controller. */
  chat?: {
    prefill(text: string, options?: { send?: boolean }): Promise<void>;
    /** The ChatBackend the chat webviews (view.ts) talk to. */
    backend: import('./chat/controller').ChatController;
  };
  /** Agent personas: loaded files, the active one, problems, resolved persona view. Owned by src/vscode/agents. */
  agents?: import('./agents/service').AgentsService;
  /** MCP servers (.mcp.json, settings, Tidewave): their tools, states and hints. Owned by src/vscode/mcp. */
  mcp?: import('./mcp').McpService;
  /** The ide MCP server for the Claude Code CLI (elixirAgent.ideServer.enabled). Owned by src/vscode/ideServer. */
  ideServer?: import('./ideServer').IdeServerService;
  /** Builtin tools, their editor ToolContext and the approval policy from settings and trust. Owned by src/vscode/tools. */
  tools?: import('./tools').ToolsService;
  /** Mix projects (summary, prompt section), mix compile source, language servers, the ide tools. Owned by src/vscode/elixir. */
  elixir?: import('./elixir').ElixirService;
  /** Every diagnostic the editor knows in getDiagnostics' shape, with settle() and afterEdit(). Owned by src/vscode/elixir. */
  diagnostics?: import('./elixir').EditorDiagnosticsService;
  /** The conversation the chat webviews show and drive (sidebar view and editor tab). Set by the chat controller; read by src/vscode/chat/view.ts. */
  chatBackend?: import('./chat/backend').ChatBackend;
}
