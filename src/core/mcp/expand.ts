/**
 * `${VAR}` and `${VAR:-default}` in MCP server definitions (command, args,
 * env, cwd, url, headers), as Claude Code expands them, with one rule more:
 * an expansion never yields a secret the extension holds. A reference to a
 * credential variable (ANTHROPIC_API_KEY...), or to any variable whose value
 * is (or contains) a held secret, is refused with an error on that server,
 * never silently replaced by an empty string.
 */
import * as path from 'node:path';
import type { SecretSnapshot } from '../util/heldSecrets';
import type { McpServerConfig, McpServerSpec } from './types';

type Env = Record<string, string | undefined>;

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export const hasVariables = (s: string): boolean => new RegExp(VARIABLE.source).test(s);

/** Every string of a definition that is expanded. */
function expandedStrings(config: McpServerConfig): string[] {
  if (config.type === 'stdio') return [config.command, ...(config.args ?? []), ...Object.values(config.env ?? {}), ...(config.cwd !== undefined ? [config.cwd] : [])];
  return [config.url, ...Object.values(config.headers ?? {})];
}

/** Names of the environment variables a definition refers to, in order of appearance. */
export function variablesOf(config: McpServerConfig): string[] {
  const names = new Set<string>();
  for (const value of expandedStrings(config)) for (const m of value.matchAll(VARIABLE)) names.add(m[1]!);
  return [...names];
}

export interface Expansion {
  value: string;
  /** Variables that are unset and have no default. */
  missing: string[];
  /** Why an expansion was refused (a credential), one line each. */
  refused: string[];
}

/** Expands one string; `label` says where it is, for the refusals. */
export function expandValue(value: string, label: string, env: Env, secrets: SecretSnapshot): Expansion {
  const missing: string[] = [];
  const refused: string[] = [];
  const out = value.replace(VARIABLE, (_whole, name: string, fallback: string | undefined) => {
    if (secrets.isSecretName(name)) {
      refused.push(`\${${name}} in ${label} names a credential (${name}) that Elixir Agent never hands to MCP servers`);
      return '';
    }
    const v = env[name];
    const got = v !== undefined && v !== '' ? v : fallback !== undefined ? fallback : v;
    if (got === undefined) {
      missing.push(name);
      return '';
    }
    if (got && secrets.containsSecret(got)) {
      refused.push(`\${${name}} in ${label} has the value of a secret Elixir Agent holds (the Anthropic API key or a token)`);
      return '';
    }
    return got;
  });
  // Pieces that are harmless alone can still add up to a secret (or a literal can be one).
  if (refused.length === 0 && secrets.containsSecret(out)) refused.push(`${label} would contain a secret Elixir Agent holds (the Anthropic API key or a token)`);
  return { value: out, missing, refused };
}

/**
 * The definition with its variables expanded, ready to connect; or why it cannot be
 * (a refused credential, a missing variable, an invalid url), as one message.
 */
export function resolveConfig(spec: McpServerSpec, env: Env, secrets: SecretSnapshot, checkUrl: (url: string) => string | undefined): McpServerConfig | string {
  const missing = new Set<string>();
  const refused: string[] = [];
  const x = (value: string, label: string): string => {
    const r = expandValue(value, label, env, secrets);
    r.missing.forEach((m) => missing.add(m));
    refused.push(...r.refused);
    return r.value;
  };
  const map = (m: Record<string, string> | undefined, label: string) => m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, x(v, `${label} ${k}`)]));
  const c = spec.config;
  const where = spec.origin ? ` (used in ${spec.origin})` : '';
  let config: McpServerConfig;
  let urlProblem: string | undefined;
  if (c.type === 'stdio') {
    const cwd = c.cwd === undefined ? spec.baseDir : path.resolve(spec.baseDir ?? process.cwd(), x(c.cwd, 'cwd'));
    config = { type: 'stdio', command: x(c.command, 'the command'), args: (c.args ?? []).map((a, i) => x(a, `argument ${i + 1}`)), env: map(c.env, 'env'), cwd };
  } else {
    const url = x(c.url, 'the url');
    config = { type: c.type, url, headers: map(c.headers, 'header') };
    // Say what is wrong with the url as declared: the expanded one may hold a token.
    urlProblem = checkUrl(url)?.replace(url, c.url);
  }
  if (refused.length) return `refused: ${refused.join('; ')}. The server was not started.`;
  if (missing.size) return `missing environment variable${missing.size > 1 ? 's' : ''} ${[...missing].join(', ')}${where}`;
  if (urlProblem) return `${urlProblem}${where}`;
  return config;
}

/** The environment a stdio server inherits: the user's, without credentials or any value holding a secret. */
export function inheritedEnv(env: Env, secrets: SecretSnapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !secrets.isSecretName(k) && !secrets.containsSecret(v)) out[k] = v;
  }
  return out;
}
