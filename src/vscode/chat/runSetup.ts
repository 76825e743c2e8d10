/**
 * What one answer runs with, composed at its start: the active agent's
 * system prompt (with project memory and the workspace's facts), the tools
 * it may use among those offered now, the model and the limits.
 */
import * as vscode from 'vscode';
import type { ProjectMemory, ToolOffer } from '../../core/agents';
import type { RunSetup } from '../../core/chat/session';
import { hiddenBySettings } from '../../core/settings/decide';
import { buildSystemPrompt } from '../../core/chat/systemPrompt';
import type { AgentsService } from '../agents/service';
import type { ClaudeSettingsService } from '../settings';
import type { Config } from '../config';
import type { ProjectFacts } from './environment';
import type { ToolProviderRegistry } from './toolProviders';

const DEFAULT_PERSONA = 'You are an expert Elixir and Phoenix engineer working in the user’s project with the tools you are given. Read before you change, keep changes small, and verify them (mix compile, mix test).';

export interface RunSetupInputs {
  agents: AgentsService;
  providers: ToolProviderRegistry;
  settings: Pick<ClaudeSettingsService, 'rules' | 'ready'>;
  config: Config;
  /** What the host offers now (ChatEnvironment.offer). */
  offer: () => ToolOffer;
  /** The mix projects, once detected. */
  project: () => Promise<ProjectFacts>;
  folders: () => string[];
  /** The memory files, read now (ChatEnvironment.memory: the header follows). */
  memory: () => Promise<ProjectMemory | undefined>;
}

export async function runSetup({ agents, providers, settings, config, offer, project, folders, memory: readMemory }: RunSetupInputs): Promise<RunSetup> {
  await Promise.all([agents.ready(), settings.ready()]);
  const agent = agents.active();
  // A bare tool name in a settings file's deny list (`WebFetch`, `mcp__github`) takes the tool away from the model.
  const rules = settings.rules();
  let tools = providers.tools().filter((t) => !hiddenBySettings(rules, t.name));
  let unavailable: string[] = [];
  if (agent) {
    const resolution = agents.resolveTools(agent, offer());
    const enabled = new Set(resolution.enabled);
    tools = tools.filter((t) => enabled.has(t.name));
    unavailable = resolution.statuses.filter((s) => s.status !== 'available').map((s) => s.name);
  }
  const model = (await agents.resolveModel(agent)).id;
  const memory = await readMemory();
  const facts = await project();
  const trusted = vscode.workspace.isTrusted;
  return {
    system: buildSystemPrompt({
      persona: agent?.systemPrompt ?? DEFAULT_PERSONA,
      memory: memory?.text,
      workspace: {
        folders: folders(),
        host: 'VS Code, through the Elixir Agent extension (edits land in the editor and can be undone)',
        projectSummary: facts.summary,
        projectSection: facts.section,
        readOnly: !trusted,
        unavailableTools: unavailable,
      },
    }),
    tools,
    settings: {
      model,
      maxTokens: config.maxTokens(),
      maxTurns: config.maxTurns(agent?.maxTurns),
    },
  };
}
