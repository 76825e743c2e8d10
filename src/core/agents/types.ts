/** Agent definitions as Claude Code keeps them in `.claude/agents/*.md`. */

export type AgentSource = 'project' | 'user' | 'bundled';

/** Precedence on equal names: project beats user beats bundled. */
export const SOURCE_RANK: Record<AgentSource, number> = { project: 0, user: 1, bundled: 2 };

export const AGENT_COLORS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'cyan'] as const;
export type AgentColor = (typeof AGENT_COLORS)[number];

/** `permissionMode` values Claude Code documents; others are kept but flagged. */
export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'dontAsk', 'bypassPermissions', 'auto'] as const;

/** Front-matter fields Claude Code documents (others are kept and ignored). */
export const KNOWN_FIELDS = [
  'name',
  'description',
  'tools',
  'disallowedTools',
  'model',
  'color',
  'permissionMode',
  'maxTurns',
  'skills',
  'mcpServers',
  'hooks',
  'memory',
  'effort',
  'initialPrompt',
] as const;

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
  /** Set on a definition that lost to another of the same name, as "source:path" of the winner. */
  shadowedBy?: string;
  /** 0-based line where the body (system prompt) starts in the file. */
  bodyLine?: number;
  /** 0-based line of each top-level front-matter key in the file. */
  fieldLines?: Record<string, number>;
}

export type ProblemSeverity = 'error' | 'warning';

/** A problem in an agent file, with a 0-based line for the Problems panel. */
export interface AgentProblem {
  filePath: string;
  line: number;
  column?: number;
  /** End of the range (0-based); when absent the whole line is meant. */
  endLine?: number;
  endColumn?: number;
  severity: ProblemSeverity;
  message: string;
  /** A stable code for the kind of problem, e.g. `yaml`, `missing-name`, `unknown-color`. */
  code?: string;
}

/** How one name in the persona's `tools` resolves right now. */
export type ToolStatus =
  | {
      name: string;
      status: 'available';
      /** For a whole server (`mcp__server`, `mcp__server__*`): e.g. "7 tools"; for an earlier name: "now called TaskOutput". */
      detail?: string;
      /** The tool names this entry stands for, when it is a pattern. */
      expandsTo?: string[];
    }
  | { name: string; status: 'unavailable'; reason: string; hint?: string }
  | { name: string; status: 'unknown'; hint?: string };
