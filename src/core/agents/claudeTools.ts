/**
 * The tool names an agent file may list, as Claude Code knows them: the
 * built-in tools this extension implements, the Claude Code tools it does
 * not offer (each with what to use instead), and MCP tools
 * (`mcp__<server>__<tool>`). Anything else in `tools` is not a tool at all
 * (`context-manager`, `computer-use`): a warning on the agent file.
 */
import { parseRule } from '../permissions';
import { closest } from './similar';

/** Claude Code's builtin tools that this extension implements. */
export const BUILTIN_TOOL_NAMES = ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash', 'TaskOutput', 'TaskStop', 'NotebookEdit'] as const;

/** Claude Code tools this extension does not offer, with what to use instead. */
export const NOT_OFFERED: Readonly<Record<string, string>> = {
  WebFetch: 'a Claude Code tool this extension does not offer (no web access); an MCP server can provide one',
  WebSearch: 'a Claude Code tool this extension does not offer (no web access); an MCP server can provide one',
  TodoWrite: 'a Claude Code tool this extension does not offer; the agent keeps its plan in the conversation',
  TodoRead: 'a Claude Code tool this extension does not offer',
  TaskCreate: 'a Claude Code task-list tool this extension does not offer; the agent keeps its plan in the conversation',
  TaskUpdate: 'a Claude Code task-list tool this extension does not offer; the agent keeps its plan in the conversation',
  TaskList: 'a Claude Code task-list tool this extension does not offer; the agent keeps its plan in the conversation',
  TaskGet: 'a Claude Code task-list tool this extension does not offer; the agent keeps its plan in the conversation',
  Task: 'sub-agents (Task) are not offered by this extension',
  Agent: 'sub-agents are not offered by this extension',
  SendMessage: 'a Claude Code tool for messaging other agents; not offered by this extension',
  NotebookRead: 'folded into Read in Claude Code: use Read',
  ExitPlanMode: 'a Claude Code mode tool this extension does not offer',
  EnterPlanMode: 'a Claude Code mode tool this extension does not offer',
  SlashCommand: 'slash commands are not offered by this extension',
  Skill: 'skills are not offered by this extension',
  AskUserQuestion: 'a Claude Code tool this extension does not offer; the agent asks in its answer',
  LSP: 'a Claude Code tool this extension does not offer; mcp__ide__getDiagnostics gives the language server\'s diagnostics',
  ToolSearch: 'a Claude Code tool this extension does not offer; every granted tool is always loaded',
  ListMcpResourcesTool: 'MCP resources are not offered by this extension, only MCP tools',
  ReadMcpResourceTool: 'MCP resources are not offered by this extension, only MCP tools',
  PowerShell: 'a Claude Code tool for Windows shells; use Bash',
  LS: 'removed from recent Claude Code: use Glob, or Bash `ls`',
  MultiEdit: 'removed from recent Claude Code: use Edit',
};

/** Every tool name Claude Code knows (besides MCP tools). */
export const CLAUDE_CODE_TOOL_NAMES: readonly string[] = [...new Set<string>([...BUILTIN_TOOL_NAMES, ...Object.keys(NOT_OFFERED)])];

/**
 * Why a `tools` / `disallowedTools` entry is not something Claude Code can
 * grant (not a rule, or neither a Claude Code tool nor an MCP tool), or
 * undefined when it is one.
 */
export function toolEntryProblem(entry: string): string | undefined {
  const parsed = parseRule(entry);
  if ('error' in parsed) return `"${entry}" is not a tool name or a rule: ${parsed.error}`;
  const { rule } = parsed;
  if (rule.kind === 'mcp' || CLAUDE_CODE_TOOL_NAMES.includes(rule.tool)) return undefined;
  const guess = closest(rule.tool, CLAUDE_CODE_TOOL_NAMES);
  const asAgent = /^[a-z0-9]+(-[a-z0-9]+)+$/.test(rule.tool) ? ' (if it names an agent: agents are called through Task, not listed in `tools`)' : '';
  return (
    `"${entry}" is neither a Claude Code tool nor an MCP tool (mcp__<server>__<tool>), so it grants nothing` +
    (guess ? `; did you mean ${guess}?` : asAgent)
  );
}
