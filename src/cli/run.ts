/**
 * `elixir-agent run [options] "PROMPT"`: the agent loop without an editor
 * (scripts, CI), like `claude -p`. It loads DIR's agents, memory files
 * (CLAUDE.md, AGENTS.md) and `.mcp.json` as the extension does, streams the
 * answer to stdout (or JSON events with --json), honours the permission
 * rules of Claude Code's settings files, runs read-only tools, and refuses
 * every other call unless an --allow-tools rule (or a settings allow rule)
 * allows it (the model gets an is_error result saying so). Background shells (Bash run_in_background) are
 * listed on stderr and stopped when the run ends. Exit status: 0 done, 1 API
 * or run error (message on stderr), 2 bad usage, 130 interrupted, 143 terminated.
 */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import { pathToFileURL } from 'node:url';
import { agentPermissionRules, agentSearchPaths, loadAgents, loadProjectMemory, ModelResolver, nodeAgentFs, resolveTools, type AgentDefinition, type ToolOffer } from '../core/agents';
import { ChatSession, type RunSetup } from '../core/chat/session';
import { buildSystemPrompt } from '../core/chat/systemPrompt';
import { detectProjects, projectPromptSection, projectSummary } from '../core/elixir/project';
import { diagnosticsAfterEdit, ideTools, mixDiagnosticsProvider } from '../core/ide';
import { compiledByMix } from '../core/elixir/mixCompile';
import { createMcpManager, type McpManager } from '../core/mcp';
import { ModelClient } from '../core/model/client';
import { hiddenBySettings, readDeniedBy } from '../core/settings/decide';
import { loadSettings } from '../core/settings/load';
import { createApprovalPolicy } from '../core/tools/approval';
import { claudeConfigDir } from '../core/util/claudeConfig';
import { NodeFileAccess } from '../core/tools/nodeFiles';
import { builtinTools } from '../core/tools/registry';
import { ripgrepOnPath } from '../core/tools/ripgrep';
import { taskLine } from '../core/tools/taskTools';
import type { Tool } from '../core/tools/types';
import { bundledAgentsDir } from './agents';
import { ApiKeyError, resolveApiKey } from './apiKey';
import { headlessPolicy, UNTRUSTED_CODE_REASON } from './headlessPolicy';
import { projectMcpOptions, reportProjectMcp } from './projectMcp';
import { headersTimeoutMs, parseRunArgs, USAGE } from './runArgs';
import { RunPrinter, textOf } from './runOutput';
import { inert, jsonLine } from './terminal';

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

  // Claude Code's settings files: their deny and ask rules always apply; the repository's allow rules with --trust-project-settings.
  const homeDir = os.homedir();
  const userDir = claudeConfigDir(process.env, homeDir);
  const settings = await loadSettings({ projectRoot: o.cwd, homeDir, userDir, readFile: (f) => readFile(f, 'utf8').catch(() => undefined) });
  for (const p of settings.problems.filter((x) => x.severity === 'error')) warn(`elixir-agent: ${p.file}:${p.line}:${p.column}: ${p.message}`);
  const hidden = (t: Tool) => hiddenBySettings(settings.permissions, t.name) !== undefined;

  const projects = await detectProjects([o.cwd]).catch(() => []);
  const direct: Tool[] = [...builtinTools(), ...ideTools()].filter((t) => !hidden(t));
  const all = [...direct, ...(mcp?.tools() ?? []).filter((t) => !hidden(t))];
  const offer: ToolOffer = {
    tools: direct.map((t) => ({ name: t.name })),
    mcpServers: (mcp?.states() ?? []).map((s) => ({ name: s.name, state: s.state, tools: s.tools, detail: s.detail })),
  };
  const resolution = agent ? resolveTools(agent, offer) : undefined;
  const tools = resolution ? all.filter((t) => resolution.enabled.includes(t.name)) : all;
  const unavailable = resolution?.statuses.filter((s) => s.status !== 'available').map((s) => s.name) ?? [];
  const memory = await loadProjectMemory([o.cwd], nodeAgentFs, {
    userDir: o.includeUser ? userDir : undefined,
    homeDir,
    denied: readDeniedBy(settings.permissions, { projectRoot: o.cwd, homeDir }),
  });
  for (const note of memory?.notes ?? []) warn(`elixir-agent: memory: ${note}`);
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
      permissionMode: o.permissionMode ?? agent?.permissionMode ?? settings.permissions.defaultMode?.mode,
      // --permission-mode bypassPermissions is the user's own word; an agent or settings file cannot switch approvals off.
      allowBypass: o.permissionMode === 'bypassPermissions',
      agentRules: agent && agentPermissionRules(agent),
      settingsRules: settings.permissions,
      trustRepositoryAllowRules: o.trustProjectSettings,
      homeDir,
      workspaceFolders: [o.cwd],
      cwd: o.cwd,
    }),
    { allow: o.allowRules, deny: o.denyRules },
    { trustProjectCode: o.trustProjectCode, permissionMode: o.permissionMode, match: { projectRoot: o.cwd, ruleBase: o.cwd, homeDir } },
  );
  // Compiling runs mix.exs and every macro: only with --trust-project-code (else getDiagnostics says so in words).
  const diagnostics = mixDiagnosticsProvider(projects, { compile: o.trustProjectCode ? { allowed: true } : { allowed: false, reason: UNTRUSTED_CODE_REASON } });
  const compileAfterEdit = diagnosticsAfterEdit(diagnostics, (p) => pathToFileURL(p).href);
  const afterEdit = o.trustProjectCode
    ? (absPath: string, signal: AbortSignal) => (projects.some((p) => compiledByMix(absPath, p)) ? compileAfterEdit(absPath, signal) : Promise.resolve(undefined))
    : undefined;
  const printer = new RunPrinter(o.json, warn, (id: string, index: number): string | undefined => session.conversation.messages.find((x) => x.view.id === id)?.view.blocks[index]?.kind);

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
    emit: printer.emit,
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

  printer.flush();
  const last = session.views().at(-1);
  const status = last?.role === 'assistant' ? last.status : 'error';
  if (!o.json && printer.lastMessage && textOf(last) && !textOf(last).endsWith('\n')) process.stdout.write('\n');
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
