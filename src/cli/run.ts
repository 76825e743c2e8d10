/**
 * `elixir-agent run [options] "PROMPT"`: the agent loop without an editor
 * (scripts, CI), like `claude -p`. It loads DIR's agents, memory files
 * (CLAUDE.md, AGENTS.md) and `.mcp.json` as the extension does, streams the
 * answer to stdout (or JSON events with --json), runs read-only tools, and
 * refuses every other tool unless --allow-tools names it (the model gets an
 * is_error result saying so). Background shells (Bash run_in_background) are
 * listed on stderr and stopped when the run ends. Exit status: 0 done, 1 API
 * or run error (message on stderr), 2 bad usage, 130 interrupted, 143 terminated.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { agentPermissionRules, agentSearchPaths, loadAgents, loadProjectMemory, ModelResolver, nodeAgentFs, resolveTools, type AgentDefinition, type ToolOffer } from '../core/agents';
import { ChatSession, type RunSetup } from '../core/chat/session';
import { buildSystemPrompt } from '../core/chat/systemPrompt';
import { detectProjects, projectPromptSection, projectSummary } from '../core/elixir/project';
import { diagnosticsAfterEdit, EXECUTE_CODE, ideTools, mixDiagnosticsProvider } from '../core/ide';
import { compiledByMix } from '../core/elixir/mixCompile';
import { createMcpManager, matchesMcpPattern, type McpManager } from '../core/mcp';
import { ModelClient } from '../core/model/client';
import { createApprovalPolicy } from '../core/tools/approval';
import { claudeConfigDir } from '../core/util/claudeConfig';
import { NodeFileAccess } from '../core/tools/nodeFiles';
import { builtinTools } from '../core/tools/registry';
import { ripgrepOnPath } from '../core/tools/ripgrep';
import { taskLine } from '../core/tools/taskTools';
import type { ApprovalPolicy, Tool } from '../core/tools/types';
import type { HostMessage, MessageView } from '../shared/protocol';
import { bundledAgentsDir } from './agents';
import { ApiKeyError, KEY_USAGE, resolveApiKey } from './apiKey';
import { argTokens } from './args';
import { inert, InertStream, jsonLine } from './terminal';
import { projectMcpOptions, reportProjectMcp } from './projectMcp';

const USAGE = [
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

interface RunOptions {
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

/** Tools that run the repository's code whatever their input (mix run compiles the project and starts it). */
const PROJECT_CODE_TOOLS = new Set([EXECUTE_CODE]);

/** Why compiling is off in a headless run without --trust-project-code, and how to allow it. */
export const UNTRUSTED_CODE_REASON =
  "compiling runs the repository's code (mix.exs and macros run at compile time), and this headless run was not allowed to: " +
  'the user can pass --trust-project-code to elixir-agent run to allow it.';

/**
 * Headless approvals: read-only tools run; others only when --allow-tools names them; nobody can be asked.
 * Tools that run the project's code also need --trust-project-code.
 */
export function headlessPolicy(base: ApprovalPolicy, allow: readonly string[], options: { trustProjectCode?: boolean } = {}): ApprovalPolicy {
  const allowed = (name: string) => allow.some((a) => a === name || (a.startsWith('mcp__') && matchesMcpPattern(a, name)));
  return {
    async decide(tool, input) {
      const d = await base.decide(tool, input);
      if (d.decision === 'deny') return d;
      if (PROJECT_CODE_TOOLS.has(tool.name) && !options.trustProjectCode) {
        return { decision: 'deny', reason: `${tool.name} runs the repository's code, which this headless run was not allowed to do (the user can pass --trust-project-code, and --allow-tools ${tool.name})` };
      }
      if (d.decision === 'allow' && tool.readOnly) return d;
      if (!allowed(tool.name)) {
        return { decision: 'deny', reason: `${tool.name} is not allowed in this headless run (elixir-agent run allows read-only tools; the user can pass --allow-tools ${tool.name})` };
      }
      if (d.askEveryTime) return { decision: 'deny', reason: `${d.reason ?? 'this call'} needs an explicit confirmation, which a headless run cannot give` };
      return { decision: 'allow' };
    },
  };
}

/** ELIXIR_AGENT_HEADERS_TIMEOUT (seconds) in ms; undefined: the client's default. */
export function headersTimeoutMs(value: string | undefined): number | undefined | string {
  if (value === undefined || value.trim() === '') return undefined;
  const secs = Number(value);
  if (!Number.isFinite(secs) || secs <= 0 || secs > 300) return `ELIXIR_AGENT_HEADERS_TIMEOUT=${value}: give a number of seconds above 0 and at most 300`;
  return Math.round(secs * 1000);
}

function textOf(v: MessageView | undefined): string {
  return (v?.blocks ?? []).filter((b) => b.kind === 'text').map((b) => (b as { text: string }).text).join('');
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseRunArgs(args);
  if (typeof parsed === 'string') {
    console.error(`elixir-agent run: ${inert(parsed)}\n\n${USAGE}`);
    return 2;
  }
  const o = parsed;
  // Everything printed for people is shown inert (no terminal control sequences from the model, tools or the repository).
  const warn = (m: string) => process.stderr.write(`${inert(m)}\n`);
  let apiKey: string | undefined;
  try {
    const resolved = resolveApiKey({ apiKeyFile: o.apiKeyFile, apiKeyFd: o.apiKeyFd }, o.cwd);
    apiKey = resolved.key;
    for (const w of resolved.warnings) warn(`elixir-agent: warning: ${w}`);
  } catch (err) {
    if (!(err instanceof ApiKeyError)) throw err;
    warn(`elixir-agent run: ${err.message}`);
    return 2;
  }
  const headersTimeout = headersTimeoutMs(process.env.ELIXIR_AGENT_HEADERS_TIMEOUT);
  if (typeof headersTimeout === 'string') {
    warn(`elixir-agent run: ${headersTimeout}`);
    return 2;
  }
  const baseURL = process.env.ANTHROPIC_BASE_URL?.trim() || undefined;
  const quietLog = { debug: () => undefined, info: () => undefined, warn: (m: string) => process.env.ELIXIR_AGENT_DEBUG && warn(m), error: (m: string) => process.env.ELIXIR_AGENT_DEBUG && warn(m) };

  // The agent, as the extension finds it.
  const catalog = await loadAgents(
    agentSearchPaths({ workspaceFolders: [o.cwd], userConfigDir: o.includeUser ? claudeConfigDir() : undefined, bundledDir: bundledAgentsDir() }),
    nodeAgentFs,
  );
  for (const p of catalog.problems.filter((p) => p.severity === 'error')) warn(`elixir-agent: ${p.filePath}:${p.line + 1}: ${p.message}`);
  const wanted = o.agent ?? 'elixir-expert';
  const agent: AgentDefinition | undefined = catalog.agents.find((a) => a.name === wanted) ?? (o.agent ? undefined : catalog.agents[0]);
  if (o.agent && !agent) {
    warn(`elixir-agent run: no agent named '${o.agent}' in ${o.cwd}. Agents: ${catalog.agents.map((a) => a.name).join(', ') || 'none'}`);
    return 2;
  }

  // MCP servers of .mcp.json only with --trust-project-mcp (see projectMcp.ts), and Tidewave.
  let mcp: McpManager | undefined;
  try {
    mcp = await createMcpManager({
      cwd: o.cwd,
      ...projectMcpOptions(o.trustProjectMcp, apiKey),
      clientInfo: { name: 'elixir-agent-cli', version: '0.1.0' },
      log: quietLog,
    });
    await mcp.whenSettled(10_000);
    reportProjectMcp(mcp, o.trustProjectMcp, warn);
  } catch (err) {
    warn(`elixir-agent: MCP servers unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }

  const projects = await detectProjects([o.cwd]).catch(() => []);
  const direct: Tool[] = [...builtinTools(), ...ideTools()];
  const all = [...direct, ...(mcp?.tools() ?? [])];
  const offer: ToolOffer = {
    tools: direct.map((t) => ({ name: t.name })),
    mcpServers: (mcp?.states() ?? []).map((s) => ({ name: s.name, state: s.state, tools: s.tools, detail: s.detail })),
  };
  const resolution = agent ? resolveTools(agent, offer) : undefined;
  const tools = resolution ? all.filter((t) => resolution.enabled.includes(t.name)) : all;
  const unavailable = resolution?.statuses.filter((s) => s.status !== 'available').map((s) => s.name) ?? [];
  const memory = await loadProjectMemory([o.cwd], nodeAgentFs);
  const resolver = new ModelResolver(
    apiKey
      ? {
          listModels: async () => {
            const { modelsApiLister } = await import('../core/agents/modelsApi.js');
            return modelsApiLister({ apiKey, baseURL, timeoutMs: 8_000 })();
          },
        }
      : {},
  );
  const model = (await resolver.resolve(o.model ?? agent?.model)).id;
  const setup: RunSetup = {
    system: buildSystemPrompt({
      persona: agent?.systemPrompt ?? '',
      memory: memory?.text,
      workspace: {
        folders: [o.cwd],
        host:
          `elixir-agent run (headless: no editor; tools other than read-only ones run only when allowed${o.allow.length ? `: ${o.allow.join(', ')}` : ''}` +
          `${o.trustProjectCode ? '' : "; the project's code may not run, so nothing is compiled for diagnostics"})`,
        projectSummary: projectSummary(projects),
        projectSection: projectPromptSection(projects),
        unavailableTools: unavailable,
      },
    }),
    tools,
    settings: { model, maxTokens: 16_000, maxTurns: o.maxTurns ?? agent?.maxTurns ?? 50 },
  };

  const policy = headlessPolicy(
    createApprovalPolicy({
      trusted: true,
      permissionMode: agent?.permissionMode,
      agentRules: agent && agentPermissionRules(agent),
      homeDir: os.homedir(),
      workspaceFolders: [o.cwd],
      cwd: o.cwd,
    }),
    o.allow,
    { trustProjectCode: o.trustProjectCode },
  );
  // Compiling runs mix.exs and every macro: only with --trust-project-code (else getDiagnostics says so in words).
  const diagnostics = mixDiagnosticsProvider(projects, { compile: o.trustProjectCode ? { allowed: true } : { allowed: false, reason: UNTRUSTED_CODE_REASON } });
  const compileAfterEdit = diagnosticsAfterEdit(diagnostics, (p) => pathToFileURL(p).href);
  const afterEdit = o.trustProjectCode
    ? (absPath: string, signal: AbortSignal) => (projects.some((p) => compiledByMix(absPath, p)) ? compileAfterEdit(absPath, signal) : Promise.resolve(undefined))
    : undefined;
  let lastMessage: string | undefined;
  const text = new InertStream((s) => process.stdout.write(s));
  const shownTasks = new Map<string, string>();
  const shown = new Map<string, string | undefined>();
  const out = (m: HostMessage) => {
    if (o.json) {
      process.stdout.write(jsonLine(m));
      return;
    }
    if (m.type === 'messageAdded' && m.message.role === 'assistant') {
      text.flush();
      if (lastMessage) process.stdout.write('\n');
      lastMessage = m.message.id;
    } else if (m.type === 'textDelta') {
      const block = session.conversation.messages.find((x) => x.view.id === m.messageId)?.view.blocks[m.blockIndex];
      if (block?.kind === 'text') text.push(m.text);
    } else if (m.type === 'toolUpdated') {
      const c = m.call;
      // Once per status line: output updates of a running call repeat it.
      if (c.status === 'running' && shown.get(c.id) !== c.summary) {
        shown.set(c.id, c.summary);
        warn(`⏺ ${c.name}${c.summary ? ` ${c.summary}` : ''}`);
      }
      else if (c.status === 'denied' || c.status === 'failed') warn(`  ⎿ ${c.status}: ${(c.output ?? '').split('\n')[0]}`);
    } else if (m.type === 'backgroundTasks') {
      for (const t of m.tasks) {
        if (shownTasks.get(t.id) === t.status) continue;
        shownTasks.set(t.id, t.status);
        warn(t.status === 'running' ? `⏺ background task ${t.id} started: ${t.command.split('\n')[0]}` : `  ⎿ background task ${t.id} ${t.status === 'exited' ? `exited with code ${t.exitCode ?? 'unknown'}` : t.status}`);
      }
    } else if (m.type === 'blockAdded' && m.block.kind === 'notice') {
      warn(`elixir-agent: ${m.block.text}`);
    }
  };

  const session = new ChatSession({
    client: () => new ModelClient({ apiKey, baseURL, logger: quietLog, headersTimeoutMs: headersTimeout }),
    setup: async () => setup,
    policy,
    approve: async () => ({ decision: 'deny', reason: 'nobody can approve tool calls in a headless run' }),
    toolEnv: () => ({
      workspaceFolders: [o.cwd],
      cwd: o.cwd,
      files: new NodeFileAccess(),
      services: { ripgrepPath: ripgrepOnPath(), diagnostics, ...(afterEdit ? { diagnosticsAfterEdit: afterEdit } : {}) },
    }),
    emit: out,
  });

  let interrupted = false;
  let terminated = false;
  const onSigint = () => {
    interrupted = true;
    void session.stop();
  };
  // SIGTERM/SIGHUP stop the run like Ctrl+C (the running command and all it started are stopped); a second one kills at once.
  const onSigterm = () => {
    terminated = true;
    void session.stop();
  };
  process.on('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  process.once('SIGHUP', onSigterm);
  try {
    await session.send(o.prompt);
  } finally {
    process.off('SIGINT', onSigint);
    // Background shells end with the run.
    for (const t of await session.dispose('run ended')) warn(`elixir-agent: stopped background task ${taskLine(t)} as the run ended`);
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSigterm);
    await mcp?.dispose().catch(() => undefined);
  }

  text.flush();
  const last = session.views().at(-1);
  const status = last?.role === 'assistant' ? last.status : 'error';
  if (!o.json && lastMessage && textOf(last) && !textOf(last).endsWith('\n')) process.stdout.write('\n');
  if (o.json) {
    process.stdout.write(
      jsonLine({ type: 'result', status, text: textOf(last), error: last?.error, model, agent: agent?.name, usage: session.conversation.totals, turns: session.views().filter((v) => v.role === 'assistant').length }),
    );
  }
  if (interrupted || terminated) {
    warn(`elixir-agent: ${terminated ? 'terminated' : 'interrupted'}`);
    return terminated ? 143 : 130;
  }
  if (last?.error) {
    const line = `${last.error.title}: ${last.error.detail}`;
    if (status === 'error') {
      warn(`elixir-agent: ${line}`);
      return 1;
    }
    warn(`elixir-agent: ${line}`);
  }
  return 0;
}
