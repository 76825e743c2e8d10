/**
 * The environment for processes the agent starts (Bash, mix, executeCode,
 * stdio MCP servers started on its behalf): the user's environment without the
 * credentials the extension itself uses, so a command the model writes cannot
 * read the API key (`echo $ANTHROPIC_API_KEY`).
 */
import { CREDENTIAL_ENV_NAMES } from './heldSecrets';

const SECRET_NAMES = new Set(CREDENTIAL_ENV_NAMES);

export function childEnv(...extra: Array<NodeJS.ProcessEnv | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!SECRET_NAMES.has(key.toUpperCase())) env[key] = value;
  }
  for (const more of extra) Object.assign(env, more);
  return env;
}
