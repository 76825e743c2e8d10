/** The file a new agent starts from (the "Create Agent File" command). */
import { agentNameError } from './parse';

export interface NewAgentSpec {
  name: string;
  description: string;
  /** Undefined: every tool (the field is left out). */
  tools?: string[];
  model?: string;
  color?: string;
}

/** Quotes a YAML scalar when plain text would not survive (": ", "#", leading symbols...). */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z0-9(][^\n]*$/.test(value) && !/:\s|\s#|:$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) && !/^[\d.+-]+$/.test(value);
  return plain ? value : JSON.stringify(value);
}

export function newAgentFile(spec: NewAgentSpec): string {
  const why = agentNameError(spec.name);
  if (why) throw new Error(`invalid agent name "${spec.name}": ${why}`);
  const description = spec.description.replace(/\s+/g, ' ').trim();
  if (!description) throw new Error('an agent needs a description');
  const lines = ['---', `name: ${spec.name}`, `description: ${yamlScalar(description)}`];
  if (spec.tools) lines.push(`tools: ${spec.tools.join(', ')}`);
  lines.push(`model: ${spec.model ?? 'inherit'}`);
  if (spec.color) lines.push(`color: ${spec.color}`);
  lines.push(
    '---',
    '',
    `You are ${spec.name}, ${description.charAt(0).toLowerCase()}${description.slice(1).replace(/\.$/, '')}.`,
    '',
    '## How you work',
    '',
    '- Read the relevant code and tests before changing anything.',
    '- Make the smallest change that solves the problem, then verify it (compile, run the tests).',
    '- Explain what you changed and why, briefly.',
    '',
    '## Project conventions',
    '',
    '<!-- Describe what this agent must know about the project: its structure, its rules, its commands. -->',
    '',
  );
  return lines.join('\n');
}
