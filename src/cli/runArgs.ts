/**
 * What `elixir-agent run` is given: its command line (USAGE, parseRunArgs,
 * read through util.parseArgs, see args.ts) and the
 * ELIXIR_AGENT_HEADERS_TIMEOUT variable.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseRule, type PermissionRule } from '../core/permissions';
import { normalizePermissionMode, PERMISSION_MODES, type PermissionMode } from '../core/tools/approval';
import { KEY_USAGE } from './apiKey';
import { argTokens } from './args';

export const USAGE = [
  'usage: elixir-agent run [options] "PROMPT"',
  '',
  '  --agent NAME        the agent (persona) of DIR/.claude/agents, ~/.claude/agents or the bundled one (default: elixir-expert)',
  '  --cwd DIR           the project to work in (default: the current directory)',
  '  --allow-tools LIST  permission rules (comma-separated) for calls that may run besides the read-only ones:',
  '                      Edit, Write, "Bash(mix test:*)", "Bash(git diff *)", "Edit(lib/**)", mcp__tidewave, Bash (any command)',
  '  --disallow-tools LIST  rules for calls that never run, whatever else allows them: "Bash(git push:*)", "Read(./.env)"',
  '  --permission-mode M default, acceptEdits (edits run), plan (nothing is changed or run), bypassPermissions (all runs)',
  '  --trust-project-settings  let the allow rules of DIR/.claude/settings.json and settings.local.json count',
  '                      (their deny and ask rules always do; ~/.claude/settings.json always counts)',
  '  --trust-project-mcp[=A,B]  use the MCP servers DIR/.mcp.json declares: all of them, or exactly those named',
  '                      (without it they are skipped: a repository\'s server could receive your secrets or run code)',
  '  --model ID          a model id or alias (sonnet, opus, haiku) instead of the agent\'s',
  '  --max-turns N       stop after N model turns (default: the agent\'s maxTurns, else 50)',
  '  --json              print JSON events, one per line, and a final {"type":"result"} line',
  '  --no-user           ignore ~/.claude/agents (reproducible CI runs)',
  ...KEY_USAGE,
  '  --trust-project-code  let the project\'s code run: compiling for diagnostics (getDiagnostics, after edits)',
  '                      and mcp__ide__executeCode (also needs --allow-tools); mix.exs and macros run when',
  '                      mix compiles. Without it nothing compiles. (--allow-tools Bash runs any command.)',
  '',
  'Reads the key from --api-key-fd or --api-key-file, else ANTHROPIC_API_KEY; and ANTHROPIC_BASE_URL.',
  'ELIXIR_AGENT_HEADERS_TIMEOUT=SECONDS: how long each attempt waits for the API to start answering (default 60, at most 300).',
  'Read-only tools (Read, Glob, Grep, LS, getDiagnostics) run unless a deny rule says otherwise;',
  'any other call is refused unless an --allow-tools or settings rule allows it, and the model is told so.',
  '--allowedTools, --disallowedTools and --permission-mode are also taken in Claude Code\'s spelling.',
  'Background tasks (Bash run_in_background) are listed on stderr and stopped when the run ends.',
  'Exit status: 0 done, 1 API or run error (message on stderr), 2 bad usage, 130 interrupted, 143 terminated.',
].join('\n');

export interface RunOptions {
  prompt: string;
  cwd: string;
  agent?: string;
  /** --allow-tools, as written (for the system prompt) and parsed. */
  allow: string[];
  allowRules: PermissionRule[];
  /** --disallow-tools, parsed. */
  denyRules: PermissionRule[];
  permissionMode?: PermissionMode;
  /** --trust-project-settings: the repository's settings files' allow rules count. */
  trustProjectSettings: boolean;
  model?: string;
  maxTurns?: number;
  json: boolean;
  includeUser: boolean;
  apiKeyFile?: string;
  apiKeyFd?: string;
  /** --trust-project-mcp: all of the project's MCP servers (true) or exactly these names. */
  trustProjectMcp?: true | string[];
  /** --trust-project-code: compiling, executeCode and the like may run the repository's code. */
  trustProjectCode: boolean;
}

/** The options that take the next word as their value. */
const VALUED = ['agent', 'cwd', 'allow-tools', 'allowedTools', 'disallow-tools', 'disallowedTools', 'permission-mode', 'model', 'max-turns', 'api-key-file', 'api-key-fd'];

/** A list of rules: split at commas outside parentheses (`Bash(mix test --only a,b)` stays whole). */
export function splitRules(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((r) => r.trim()).filter(Boolean);
}

function parseRuleList(option: string, value: string): PermissionRule[] | string {
  const rules: PermissionRule[] = [];
  for (const text of splitRules(value)) {
    const parsed = parseRule(text);
    if ('error' in parsed) return `${option}: ${parsed.error}`;
    rules.push(parsed.rule);
  }
  return rules;
}

export function parseRunArgs(args: string[]): RunOptions | string {
  const opts: Partial<RunOptions> & Pick<RunOptions, 'allow' | 'allowRules' | 'denyRules' | 'json' | 'includeUser' | 'trustProjectCode' | 'trustProjectSettings'> = {
    allow: [],
    allowRules: [],
    denyRules: [],
    json: false,
    includeUser: true,
    trustProjectCode: false,
    trustProjectSettings: false,
  };
  const words: string[] = [];
  // Words that are not options (single-dash ones too) make the prompt; after `--` every word does.
  for (const t of argTokens(args, VALUED)) {
    if (t.kind === 'terminator') continue;
    if (t.kind !== 'option') {
      words.push(t.raw);
      continue;
    }
    if (t.name === 'trust-project-mcp') {
      const names = t.inline ? (t.value ?? '').split(',').map((n) => n.trim()).filter(Boolean) : undefined;
      if (names?.length === 0) return '--trust-project-mcp= needs server names (or no "=" for all of them)';
      opts.trustProjectMcp = names === undefined || opts.trustProjectMcp === true ? true : [...(opts.trustProjectMcp ?? []), ...names];
      continue;
    }
    // `--name=value` is taken only by --trust-project-mcp.
    if (t.inline) return `unknown option ${t.raw}`;
    const value = t.value ?? '';
    if (VALUED.includes(t.name) && (t.value === undefined || value.startsWith('--'))) return `${t.raw} needs a value`;
    switch (t.name) {
      case 'agent':
        opts.agent = value;
        break;
      case 'cwd':
        opts.cwd = value;
        break;
      case 'allow-tools':
      case 'allowedTools': {
        const rules = parseRuleList(t.raw, value);
        if (typeof rules === 'string') return rules;
        opts.allow.push(...splitRules(value));
        opts.allowRules.push(...rules);
        break;
      }
      case 'disallow-tools':
      case 'disallowedTools': {
        const rules = parseRuleList(t.raw, value);
        if (typeof rules === 'string') return rules;
        opts.denyRules.push(...rules);
        break;
      }
      case 'permission-mode':
        if (normalizePermissionMode(value) !== value) return `--permission-mode must be one of ${PERMISSION_MODES.join(', ')}`;
        opts.permissionMode = value as PermissionMode;
        break;
      case 'trust-project-settings':
        opts.trustProjectSettings = true;
        break;
      case 'model':
        opts.model = value;
        break;
      case 'max-turns': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) return '--max-turns needs a whole number of at least 1';
        opts.maxTurns = n;
        break;
      }
      case 'json':
        opts.json = true;
        break;
      case 'no-user':
        opts.includeUser = false;
        break;
      case 'api-key-file':
        opts.apiKeyFile = value;
        break;
      case 'api-key-fd':
        opts.apiKeyFd = value;
        break;
      case 'trust-project-code':
        opts.trustProjectCode = true;
        break;
      default:
        return `unknown option ${t.raw}`;
    }
  }
  const prompt = words.join(' ').trim();
  if (!prompt) return 'missing PROMPT';
  const cwd = path.resolve(opts.cwd ?? '.');
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) return `--cwd ${cwd} is not a directory`;
  return { ...opts, prompt, cwd } as RunOptions;
}

/** ELIXIR_AGENT_HEADERS_TIMEOUT (seconds) in ms; undefined: the client's default. */
export function headersTimeoutMs(value: string | undefined): number | undefined | string {
  if (value === undefined || value.trim() === '') return undefined;
  const secs = Number(value);
  if (!Number.isFinite(secs) || secs <= 0 || secs > 300) return `ELIXIR_AGENT_HEADERS_TIMEOUT=${value}: give a number of seconds above 0 and at most 300`;
  return Math.round(secs * 1000);
}
