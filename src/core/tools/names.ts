/**
 * The model-facing names of the builtin tools, in one place. They are the
 * names Claude Code gives the model, so existing agent files (`tools: Read,
 * Edit, Bash`) work unchanged.
 */
export const TOOL_NAMES = {
  read: 'Read',
  write: 'Write',
  edit: 'Edit',
  multiEdit: 'MultiEdit',
  glob: 'Glob',
  grep: 'Grep',
  ls: 'LS',
  bash: 'Bash',
  taskOutput: 'TaskOutput',
  taskStop: 'TaskStop',
  notebookEdit: 'NotebookEdit',
} as const;

export type BuiltinToolName = (typeof TOOL_NAMES)[keyof typeof TOOL_NAMES];

export const BUILTIN_TOOL_NAMES: readonly BuiltinToolName[] = Object.values(TOOL_NAMES);

/** Claude Code's earlier names of the background-shell tools, still found in agent files. */
export const TOOL_ALIASES: Readonly<Record<string, BuiltinToolName>> = {
  BashOutput: TOOL_NAMES.taskOutput,
  KillShell: TOOL_NAMES.taskStop,
  KillBash: TOOL_NAMES.taskStop,
};

/** Tools that come with Bash: an agent that may run commands in the background may also read and stop them. */
export const BASH_COMPANIONS: readonly BuiltinToolName[] = [TOOL_NAMES.taskOutput, TOOL_NAMES.taskStop];

/** Tools that only read: the only ones that exist in Restricted Mode. */
export const READ_TOOL_NAMES: readonly BuiltinToolName[] = [TOOL_NAMES.read, TOOL_NAMES.glob, TOOL_NAMES.grep, TOOL_NAMES.ls];
