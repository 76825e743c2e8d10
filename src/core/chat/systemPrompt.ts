/**
 * The system prompt: the persona's body, the project's memory files
 * (CLAUDE.md, AGENTS.md: loadProjectMemory in core/agents), and a short
 * description of the workspace. Sent as
 * separate text blocks; the last one carries the cache breakpoint, so it must
 * stay stable through a conversation (no clock time, only the date).
 */
import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages';

export interface WorkspaceFacts {
  /** Absolute folder paths. */
  folders: string[];
  /** "Phoenix 1.7 · Ecto · LiveView" when known (core/elixir projectSummary). */
  projectSummary?: string;
  /** A paragraph on the mix projects, their versions and tools (core/elixir projectPromptSection). */
  projectSection?: string;
  /** 'VS Code (Elixir Agent extension)' or 'elixir-agent run (headless)'. */
  host: string;
  platform?: string;
  date?: string;
  /** Tools the persona names that do not exist here. */
  unavailableTools?: string[];
  /** Restricted Mode: only read tools. */
  readOnly?: boolean;
}

export function describeWorkspace(w: WorkspaceFacts): string {
  const lines = [
    '# Environment',
    `- Running in: ${w.host}`,
    `- Workspace folder${w.folders.length > 1 ? 's' : ''}: ${w.folders.join(', ') || '(none)'}`,
    `- Working directory for commands: ${w.folders[0] ?? process.cwd()}`,
    `- Platform: ${w.platform ?? process.platform}`,
    `- Date: ${w.date ?? new Date().toISOString().slice(0, 10)}`,
  ];
  if (w.projectSummary) lines.push(`- Project: ${w.projectSummary}`);
  if (w.readOnly) lines.push('- The workspace is not trusted: only read-only tools are available. Do not try to write files or run commands.');
  if (w.unavailableTools?.length) lines.push(`- Tools your instructions mention that are not available here: ${w.unavailableTools.join(', ')}. Work without them.`);
  lines.push('- File paths given to tools must be absolute.');
  if (w.projectSection?.trim()) lines.push('', w.projectSection.trim());
  return lines.join('\n');
}

export interface SystemPromptParts {
  persona: string;
  /** The project memory block (core/agents loadProjectMemory().text), if any. */
  memory?: string;
  workspace: WorkspaceFacts;
}

export function buildSystemPrompt(parts: SystemPromptParts): TextBlockParam[] {
  const blocks: TextBlockParam[] = [];
  const persona = parts.persona.trim() || 'You are a helpful coding agent working in the user’s project.';
  blocks.push({ type: 'text', text: persona });
  if (parts.memory?.trim()) blocks.push({ type: 'text', text: parts.memory.trim() });
  blocks.push({ type: 'text', text: describeWorkspace(parts.workspace) });
  return blocks;
}
