/** Agent definitions as Claude Code keeps them in `.claude/agents/*.md`. */

export type AgentSource = 'project' | 'user' | 'bundled';

export const AGENT_COLORS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'cyan'] as const;
export type AgentColor = (typeof AGENT_COLORS)[number];

export interface AgentDefinition {
  /** Identity (front matter `name`), not the file name. */
  name: string;
  description: string;
  /** `tools` as written (string split on commas, or a YAML list); undefined = all tools. */
  tools?: string[];
  disallowedTools?: string[];
  /** As written: sonnet | opus | haiku | inherit | a full model id; undefined = inherit. */
  model?: string;
  color?: AgentColor;
  permissionMode?: string;
  maxTurns?: number;
  /** The body: the persona's system prompt. */
  systemPrompt: string;
  /** Every front-matter field as parsed, unknown ones included. */
  frontMatter: Record<string, unknown>;
  source: AgentSource;
  /** Absolute path of the file ('' for a built-in without a file). */
  filePath: string;
  /** Names of definitions this one shadows (same name, lower precedence), as "source:path". */
  shadows: string[];
}

export type ProblemSeverity = 'error' | 'warning';

/** A problem in an agent file, with a 0-based line for the Problems panel. */
export interface AgentProblem {
  filePath: string;
  line: number;
  column?: number;
  severity: ProblemSeverity;
  message: string;
}

/** How one name in the persona's `tools` resolves right now. */
export type ToolStatus =
  | { name: string; status: 'available' }
  | { name: string; status: 'unavailable'; reason: string }
  | { name: string; status: 'unknown'; hint?: string };
