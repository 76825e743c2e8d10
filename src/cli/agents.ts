/**
 * `elixir-agent agents check [DIR] [--json] [--no-user]`: lists the agents of
 * DIR (its `.claude/agents/`, the user's `~/.claude/agents/` and the bundled
 * persona) with source, model and resolved tools, prints problems as
 * `file:line:col: severity: message`, and exits 1 when any file has an error
 * (an agent that does not load); warnings alone exit 0.
 * DIR may also be a folder of agent files or a single agent file.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  agentSearchPaths,
  cliToolOffer,
  loadAgents,
  ModelResolver,
  nodeAgentFs,
  parseAgentFile,
  resolveTools,
  applyPrecedence,
  type AgentCatalog,
  type AgentDefinition,
  type AgentFs,
  type AgentSearchPath,
  type ResolvedModel,
  type ToolStatus,
} from '../core/agents';
import { ApiKeyError, KEY_USAGE, resolveApiKey, takeKeyOptions, type KeyOptions } from './apiKey';
import type { ArgToken } from './args';
import { inert, jsonText } from './terminal';
import { claudeConfigDir } from '../core/util/claudeConfig';

const USAGE = [
  'usage: elixir-agent agents check [DIR] [--json] [--no-user] [--api-key-fd N | --api-key-file PATH]',
  '',
  '  DIR        a project (its .claude/agents/ is read), a folder of agent files, or one agent file (default: .)',
  '  --json     print the result as JSON',
  '  --no-user  ignore ~/.claude/agents/ ($CLAUDE_CONFIG_DIR/agents/ when set; reproducible CI runs)',
  ...KEY_USAGE,
  '',
  'Model aliases resolve through the Models API when a key is given (--api-key-fd, --api-key-file or ANTHROPIC_API_KEY), else a built-in table.',
  'Exit status: 0 when no agent file has an error (warnings do not fail the check), 1 when any has an error, 2 on bad usage.',
].join('\n');

/** The bundled persona folder: media/agents next to dist/ (or found walking up from this module). */
export function bundledAgentsDir(from: string = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'media', 'agents');
    if (existsSync(path.join(candidate, 'elixir-expert.md'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

interface CheckOptions {
  target: string;
  json: boolean;
  includeUser: boolean;
  key: KeyOptions;
}

export function parseCheckArgs(args: string[]): CheckOptions | string {
  const taken = takeKeyOptions(args);
  if (typeof taken === 'string') return taken;
  const [sub, ...rest] = taken.rest;
  if (sub?.raw !== 'check') return sub?.raw ? `unknown agents command '${sub.raw}'` : 'missing agents command';
  // Words that are not long options (single-dash ones too) are DIRs; `--` is an unknown option here.
  const isFlag = (t: ArgToken) => t.kind === 'option' || t.kind === 'terminator';
  const flag = (name: string) => rest.some((t) => isFlag(t) && t.raw === name);
  const positional = rest.filter((t) => !isFlag(t));
  const unknown = rest.find((t) => isFlag(t) && t.raw !== '--json' && t.raw !== '--no-user');
  if (unknown) return `unknown option ${unknown.raw}`;
  if (positional.length > 1) return 'give at most one DIR';
  return { target: path.resolve(positional[0]?.raw ?? '.'), json: flag('--json'), includeUser: !flag('--no-user'), key: taken.options };
}

/** Where to look for DIR: a project, a folder of agent files, or one file. */
function projectPaths(target: string): { paths: AgentSearchPath[]; single?: string; describe: string } {
  const st = statSync(target);
  if (st.isFile()) return { paths: [], single: target, describe: `the agent file ${target}` };
  const projectAgents = path.join(target, '.claude', 'agents');
  if (existsSync(projectAgents)) return { paths: agentSearchPaths({ workspaceFolders: [target] }), describe: `the project ${target}` };
  return { paths: [{ dir: target, source: 'project' }], describe: `the folder of agent files ${target}` };
}

async function loadCatalog(options: CheckOptions, fs: AgentFs): Promise<{ catalog: AgentCatalog; describe: string }> {
  const { paths, single, describe } = projectPaths(options.target);
  const others = agentSearchPaths({
    workspaceFolders: [],
    userConfigDir: options.includeUser ? claudeConfigDir() : undefined,
    bundledDir: bundledAgentsDir(),
  });
  const catalog = await loadAgents([...paths, ...others], fs);
  if (single) {
    const parsed = parseAgentFile(await fs.readFile(single), single, 'project');
    const definitions = [...(parsed.agent ? [parsed.agent] : []), ...catalog.definitions];
    const { agents, problems } = applyPrecedence(definitions);
    return {
      catalog: { agents, definitions, problems: [...parsed.problems, ...catalog.problems, ...problems], files: [{ filePath: single, source: 'project' }, ...catalog.files] },
      describe,
    };
  }
  return { catalog, describe };
}

const MARK: Record<ToolStatus['status'], string> = { available: '✓', unavailable: '✗', unknown: '?' };

function toolLine(s: ToolStatus): string {
  switch (s.status) {
    case 'available':
      return `${MARK.available} ${s.name}${s.detail ? ` (${s.detail})` : ''}`;
    case 'unavailable':
      return `${MARK.unavailable} ${s.name}: unavailable, ${s.reason}${s.hint ? `; ${s.hint}` : ''}`;
    case 'unknown':
      return `${MARK.unknown} ${s.name}: unknown${s.hint ? `, ${s.hint}` : ''}`;
  }
}

const modelText = (m: ResolvedModel): string => (m.id === m.requested ? m.id : `${m.requested} → ${m.id}`) + (m.via === 'fallback' ? ' (built-in table)' : m.via === 'api' ? ' (Models API)' : '');

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '));
}

function modelResolver(apiKey: string | undefined): ModelResolver {
  if (!apiKey) return new ModelResolver();
  return new ModelResolver({
    listModels: async () => {
      const { modelsApiLister } = await import('../core/agents/modelsApi.js');
      return modelsApiLister({ apiKey, baseURL: process.env.ANTHROPIC_BASE_URL, timeoutMs: 8_000 })();
    },
  });
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseCheckArgs(args);
  if (typeof options === 'string') {
    console.error(`elixir-agent agents: ${inert(options)}\n\n${USAGE}`);
    return 2;
  }
  if (!existsSync(options.target)) {
    console.error(inert(`elixir-agent agents check: ${options.target} does not exist`));
    return 2;
  }
  let apiKey: string | undefined;
  try {
    // The project checked is the workspace a key file must stay out of (for one agent file: its project, else its folder).
    const folder = statSync(options.target).isFile() ? path.dirname(options.target) : options.target;
    const project = folder.endsWith(path.join('.claude', 'agents')) ? path.dirname(path.dirname(folder)) : folder;
    const resolved = resolveApiKey(options.key, project);
    apiKey = resolved.key;
    for (const w of resolved.warnings) console.error(inert(`elixir-agent: warning: ${w}`));
  } catch (err) {
    if (!(err instanceof ApiKeyError)) throw err;
    console.error(inert(`elixir-agent agents check: ${err.message}`));
    return 2;
  }

  const { catalog, describe } = await loadCatalog(options, nodeAgentFs);
  const resolver = modelResolver(apiKey);
  const offer = cliToolOffer();
  const rows = await Promise.all(
    catalog.definitions.map(async (a: AgentDefinition) => ({ agent: a, model: await resolver.resolve(a.model), tools: resolveTools(a, offer) })),
  );
  const errors = catalog.problems.filter((p) => p.severity === 'error');
  const brokenFiles = new Set(errors.map((p) => p.filePath));

  if (options.json) {
    console.log(
      jsonText(
        {
          agents: rows.map(({ agent, model, tools }) => ({
            name: agent.name,
            description: agent.description,
            source: agent.source,
            file: agent.filePath,
            model,
            shadows: agent.shadows,
            shadowedBy: agent.shadowedBy,
            tools: tools.statuses,
          })),
          problems: catalog.problems,
          brokenFiles: [...brokenFiles],
        },
        2,
      ),
    );
    return brokenFiles.size > 0 ? 1 : 0;
  }

  const out: string[] = [`Agents in ${describe}${options.includeUser ? '' : ' (user folder ignored)'}:`, ''];
  if (rows.length === 0) out.push('  (none found)');
  else {
    const header = ['NAME', 'SOURCE', 'MODEL', 'FILE'];
    const body = rows.map(({ agent, model }) => [
      agent.shadowedBy ? `${agent.name} (shadowed)` : agent.name,
      agent.source,
      modelText(model),
      agent.filePath,
    ]);
    out.push(...table([header, ...body]).map((l) => `  ${l}`.trimEnd()));
    for (const { agent, tools, model } of rows) {
      out.push('', `${agent.name} [${agent.source}]`);
      if (agent.shadowedBy) out.push(`  shadowed by ${agent.shadowedBy}`);
      for (const s of agent.shadows) out.push(`  shadows ${s}`);
      if (model.note) out.push(`  model: ${model.note}`);
      out.push(`  tools${agent.tools === undefined ? ' (all)' : ''}:`);
      for (const s of tools.statuses) out.push(`    ${toolLine(s)}`);
      if (tools.statuses.length === 0) out.push('    (none)');
    }
  }
  if (catalog.problems.length > 0) {
    out.push('', 'Problems:');
    for (const p of catalog.problems) out.push(`${p.filePath}:${p.line + 1}:${(p.column ?? 0) + 1}: ${p.severity}: ${p.message}`);
  }
  const warnings = catalog.problems.length - errors.length;
  out.push(
    '',
    `${rows.length} agent${rows.length === 1 ? '' : 's'}, ${catalog.files.length} file${catalog.files.length === 1 ? '' : 's'}, ` +
      `${brokenFiles.size} broken, ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  if (brokenFiles.size > 0) {
    out.push(`${brokenFiles.size === 1 ? 'A file has errors: its agent does not' : `${brokenFiles.size} files have errors: their agents do not`} load (exit status 1).`);
  } else if (warnings > 0) {
    out.push(`Only warnings: every agent loads; warnings do not fail the check (exit status 0).`);
  }
  console.log(inert(out.join('\n')));
  return brokenFiles.size > 0 ? 1 : 0;
}
