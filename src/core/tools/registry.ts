/**
 * The builtin tools, in the order the model sees them. In Restricted Mode
 * (untrusted workspace) only the read tools exist.
 */
import { bashTool } from './bash';
import { editTool } from './edit';
import { globTool } from './glob';
import { grepTool } from './grep';
import { lsTool } from './ls';
import { multiEditTool } from './multiEdit';
import { READ_TOOL_NAMES } from './names';
import { notebookEditTool } from './notebookEdit';
import { readTool } from './read';
import { taskOutputTool, taskStopTool } from './taskTools';
import type { Tool } from './types';
import { writeTool } from './write';

export interface BuiltinToolsOptions {
  /** Workspace trust; false = Restricted Mode: only Read, Glob, Grep, LS. Default true. */
  trusted?: boolean;
}

const ALL: readonly Tool[] = [readTool, writeTool, editTool, multiEditTool, globTool, grepTool, lsTool, bashTool, taskOutputTool, taskStopTool, notebookEditTool];

export function builtinTools(options: BuiltinToolsOptions = {}): Tool[] {
  const trusted = options.trusted ?? true;
  return ALL.filter((t) => trusted || (READ_TOOL_NAMES as readonly string[]).includes(t.name));
}
