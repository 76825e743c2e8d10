/**
 * What `elixir-agent run` is given: its command line (USAGE, parseRunArgs,
 * read through util.parseArgs, see args.ts) and the
 * ELIXIR_AGENT_HEADERS_TIMEOUT variable.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { KEY_USAGE } from './apiKey';
import { argTokens } from './args';

export const USAGE = [
  'usage: elixir-agent run [options] "PROMPT"',
  '',
  '  --agent NAME        the agent (persona) of DIR/.claude/agents, ~/.claude/agents or the bundled one (default: elixir-expert)',
  '  --cwd DIR           the project to work in (default: the current directory)',
  '  --allow-tools LIST  comma-separated tools that may run besides the read-only ones, e.g. Edit,Write,Bash',
  '                      (mcp__server allows all of a server\'s tools)',
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
  'Read-only tools (Read, Glob, Grep, LS, getDiagnostics) always run;',
  'any other tool is refused unless --allow-tools names it, and the model is told so.',
  'Background tasks (Bash run_in_background) are listed on stderr and stopped when the run ends.',
  'Exit status: 0 done, 1 API or run error (message on stderr), 2 bad usage, 130 interrupted, 143 terminated.',
].join('\n');

export interface RunOptions {
  prompt: string;
  cwd: string;
  agent?: string;
  allow: string[];
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
const VALUED = ['agent', 'cwd', 'allow-tools', 'model', 'max-turns', 'api-key-file', 'api-key-fd'];

export function parseRunArgs(args: string[]): RunOptions | string {
  const opts: Partial<RunOptions> & { allow: string[]; json: boolean; includeUser: boolean; trustProjectCode: boolean } = { allow: [], json: false, includeUser: true, trustProjectCode: false };
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
        opts.allow.push(...value.split(',').map((x) => x.trim()).filter(Boolean));
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
