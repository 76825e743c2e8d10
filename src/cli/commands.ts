/**
 * The CLI's heavier commands, bundled together as dist/cli-commands.js (they
 * share the agent, model and MCP code), so that `elixir-agent diagnostics`
 * (dist/cli-diagnostics.js) starts without loading any of it.
 */
export { main as agents } from './agents';
export { main as run } from './run';
export { main as settings } from './settings';
