/** The agents feature: the registry service and its commands. */
import type { FeatureContext } from '../context';
import { COMMANDS } from '../ids';
import { createAgent, openAgentFile, pickAgent } from './commands';
import { AgentRegistry } from './registry';

export type { AgentsService, AgentsChangeEvent } from './service';

export function registerAgents(rt: FeatureContext): AgentRegistry {
  const registry = rt.track(new AgentRegistry({ context: rt.context, log: rt.log, config: rt.config }));
  rt.registerCommand(COMMANDS.pickAgent, (name?: unknown) => pickAgent(registry, name));
  rt.registerCommand(COMMANDS.createAgent, (args?: unknown) => createAgent(registry, args));
  rt.registerCommand(COMMANDS.openAgentFile, (name?: unknown) => openAgentFile(registry, name));
  registry.start().catch((err: unknown) => rt.log.error(`loading agents failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  return registry;
}
