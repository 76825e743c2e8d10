/** Agent personas: the public surface of src/core/agents (no vscode). */
export * from './types';
export { parseAgentFile, agentNameError, suggestAgentName, AGENT_NAME_PATTERN, type ParseResult } from './parse';
export { loadAgents, applyPrecedence, agentSearchPaths, findAgentFiles, type AgentFs, type AgentFsEntry, type AgentCatalog, type AgentSearchPath } from './discover';
export { nodeAgentFs } from './nodeFs';
export {
  resolveTools,
  agentPermissionRules,
  parseToolPattern,
  cliToolOffer,
  BUILTIN_TOOL_NAMES,
  IDE_TOOL_NAMES,
  type ToolOffer,
  type OfferedTool,
  type McpServerOffer,
  type McpServerState,
  type ToolResolution,
} from './tools';
export { CLAUDE_CODE_TOOL_NAMES, toolEntryProblem } from './claudeTools';
export { ModelResolver, pickNewest, aliasFamily, FALLBACK_MODELS, type ListedModel, type ListModels, type ResolvedModel } from './models';
export { loadProjectMemory, memoryImports, MEMORY_FILE_NAMES, type MemoryFile, type MemoryOptions, type ProjectMemory } from './memory';
export { toPersonaRecord, toolStatusRecord, problemText } from './persona';
export type { PersonaRecord, ToolStatusRecord } from './persona';
export { newAgentFile, type NewAgentSpec } from './template';
