/**
 * What the agents feature offers the rest of the runtime (`services.agents`):
 * the loaded personas, the active one, their problems, and the resolved
 * persona view for the chat.
 */
import type * as vscode from 'vscode';
import type { AgentDefinition, AgentProblem, ProjectMemory, ResolvedModel, ToolOffer, ToolResolution } from '../../core/agents';
import type { PersonaRecord } from '../../core/agents';

export interface AgentsChangeEvent {
  /** `reload`: files changed; `active`: another agent was chosen; `settings`: a setting changed. */
  reason: 'reload' | 'active' | 'settings';
  agents: readonly AgentDefinition[];
  active: AgentDefinition | undefined;
}

export interface AgentsService {
  /** Resolves once the first load has finished. */
  ready(): Promise<void>;
  /** The effective agents, one per name (project > user > bundled). */
  all(): readonly AgentDefinition[];
  /** Every valid definition, shadowed ones included (they carry `shadowedBy`). */
  definitions(): readonly AgentDefinition[];
  /** The setting `elixirAgent.agent`, else the one picked in this workspace, else the bundled `elixir-expert`. */
  active(): AgentDefinition | undefined;
  get(name: string): AgentDefinition | undefined;
  /** Problems of every agent file (also shown in the Problems panel). */
  problems(): readonly AgentProblem[];
  /** Remembers the agent for this workspace. Rejects for an unknown name. */
  setActive(name: string): Promise<void>;
  /** Files were created, edited, renamed or deleted; the active agent or a setting changed. */
  readonly onDidChange: vscode.Event<AgentsChangeEvent>;
  /** Reads the agent files again now. */
  reload(): Promise<void>;
  /** The model id to send for an agent (the elixirAgent.model setting wins; aliases resolved). */
  resolveModel(agent?: AgentDefinition): Promise<ResolvedModel>;
  /** The agent's tools against what is offered now: statuses for the UI, `enabled` names for the model. */
  resolveTools(agent: AgentDefinition, offer: ToolOffer): ToolResolution;
  /** The chat's view of an agent (default: the active one), given the offered tools and MCP states. */
  persona(offer: ToolOffer, name?: string): Promise<PersonaRecord | undefined>;
  /** The chat's persona list. */
  personas(): Array<{ name: string; description: string; source: string; color?: string }>;
  /** CLAUDE.md and AGENTS.md of every workspace folder, as a block for the system prompt. */
  /** The user's and the project's memory files; `denied` refuses files a settings deny rule keeps from Read. */
  projectMemory(denied?: (file: string) => string | undefined): Promise<ProjectMemory | undefined>;
}
