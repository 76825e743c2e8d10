/** Ids shared by the manifest (package.json) and the code. Keep them in sync. */
export const EXTENSION_ID = 'elixir-agent.elixir-agent';
export const CHAT_VIEW_ID = 'elixirAgent.chat';
export const CHAT_CONTAINER_ID = 'elixirAgent';
export const CONFIG_SECTION = 'elixirAgent';
export const SECRET_API_KEY = 'elixirAgent.anthropicApiKey';

export const CONTEXT_KEYS = {
  activated: 'elixirAgent.activated',
  isMixProject: 'elixirAgent.isMixProject',
  isPhoenixProject: 'elixirAgent.isPhoenixProject',
  hasApiKey: 'elixirAgent.hasApiKey',
  busy: 'elixirAgent.busy',
  /** A chat webview (the view or an editor tab) has the keyboard focus. */
  chatFocused: 'elixirAgent.chatFocused',
  /** A tool call waits for the user's approval. */
  awaitingApproval: 'elixirAgent.awaitingApproval',
} as const;

export const COMMANDS = {
  openChat: 'elixirAgent.openChat',
  openChatInEditor: 'elixirAgent.openChatInEditor',
  newConversation: 'elixirAgent.newConversation',
  stop: 'elixirAgent.stop',
  approveTool: 'elixirAgent.approveTool',
  denyTool: 'elixirAgent.denyTool',
  pickAgent: 'elixirAgent.pickAgent',
  createAgent: 'elixirAgent.createAgent',
  openAgentFile: 'elixirAgent.openAgentFile',
  setApiKey: 'elixirAgent.setApiKey',
  clearApiKey: 'elixirAgent.clearApiKey',
  fixProblems: 'elixirAgent.fixProblems',
  explainSelection: 'elixirAgent.explainSelection',
  askAboutSelection: 'elixirAgent.askAboutSelection',
  writeTests: 'elixirAgent.writeTests',
  reviewFile: 'elixirAgent.reviewFile',
  fixDiagnostic: 'elixirAgent.fixDiagnostic',
  runMixCompile: 'elixirAgent.runMixCompile',
  restartLanguageServer: 'elixirAgent.restartLanguageServer',
  showHistory: 'elixirAgent.showHistory',
  exportConversation: 'elixirAgent.exportConversation',
  reconnectMcp: 'elixirAgent.reconnectMcp',
  reviewMcpApprovals: 'elixirAgent.reviewMcpApprovals',
  showLog: 'elixirAgent.showLog',
} as const;
