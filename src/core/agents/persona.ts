/** What the chat shows of the active persona (mapped to the webview's PersonaView in src/vscode). */
import * as path from 'node:path';
import type { ResolvedModel } from './models';
import type { ToolResolution } from './tools';
import type { AgentDefinition, AgentProblem, ToolStatus } from './types';

export interface ToolStatusRecord {
  name: string;
  status: 'available' | 'unavailable' | 'unknown';
  detail?: string;
}

export interface PersonaRecord {
  name: string;
  description: string;
  color?: string;
  model: string;
  source: 'project' | 'user' | 'bundled';
  filePath: string;
  tools: ToolStatusRecord[];
  problems: string[];
}

export function toolStatusRecord(s: ToolStatus): ToolStatusRecord {
  switch (s.status) {
    case 'available':
      return { name: s.name, status: 'available', ...(s.detail ? { detail: s.detail } : {}) };
    case 'unavailable':
      return { name: s.name, status: 'unavailable', detail: s.hint ? `${s.reason}; ${s.hint}` : s.reason };
    case 'unknown':
      return { name: s.name, status: 'unknown', ...(s.hint ? { detail: s.hint } : {}) };
  }
}

/** One line per problem: "line 3: unknown colour …" (1-based, as editors show it). */
export function problemText(p: AgentProblem): string {
  return `${p.severity === 'error' ? 'Error' : 'Warning'} (${path.basename(p.filePath)} line ${p.line + 1}): ${p.message}`;
}

export function toPersonaRecord(agent: AgentDefinition, tools: ToolResolution, model: ResolvedModel, problems: readonly AgentProblem[]): PersonaRecord {
  return {
    name: agent.name,
    description: agent.description,
    ...(agent.color ? { color: agent.color } : {}),
    model: model.id,
    source: agent.source,
    filePath: agent.filePath,
    tools: tools.statuses.map(toolStatusRecord),
    problems: problems.filter((p) => p.filePath === agent.filePath).map(problemText),
  };
}
