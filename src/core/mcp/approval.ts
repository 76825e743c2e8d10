/**
 * Approval of MCP servers a repository declares (`.mcp.json`, workspace
 * settings): the user approves an exact definition once, per workspace; a
 * changed definition asks again. Decisions are keyed by a hash of the
 * normalized definition, as declared (variables unexpanded).
 *
 * Where a decision can come from is a list of `McpApprovalSource`s consulted in
 * order: the store of the user's own answers below, and later others such as
 * Claude Code's `enableAllProjectMcpServers` / `enabledMcpjsonServers` /
 * `disabledMcpjsonServers` (which decide by name). When none decides, the
 * user is asked.
 */
import { createHash } from 'node:crypto';
import { variablesOf } from './expand';
import type { McpApprovalRequest, McpServerSpec } from './types';

export type McpApprovalDecision = 'allow' | 'deny';

/** Something that may already have decided about a definition. */
export interface McpApprovalSource {
  decide(req: McpApprovalRequest): McpApprovalDecision | undefined | Promise<McpApprovalDecision | undefined>;
}

/** Declared by the repository: used only once approved. A `.mcp.json` server always is, however it was built. */
export const isProjectServer = (spec: McpServerSpec): boolean => spec.project === true || spec.source === 'mcp.json';

const sorted = (m: Record<string, string> | undefined): Array<[string, string]> => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The definition in a canonical form (key order, defaults and the resolved cwd do not matter). */
function normalized(spec: McpServerSpec): unknown {
  const c = spec.config;
  if (c.type === 'stdio') return { name: spec.name, type: 'stdio', command: c.command, args: c.args ?? [], env: sorted(c.env), cwd: c.cwd ?? spec.baseDir ?? '', base: spec.baseDir ?? '' };
  return { name: spec.name, type: c.type, url: c.url, headers: sorted(c.headers) };
}

/** Hash of the normalized definition (what an approval is for). */
export function definitionHash(spec: McpServerSpec): string {
  return createHash('sha256').update(JSON.stringify(normalized(spec))).digest('hex').slice(0, 32);
}

/** What the user is shown: the definition as declared, header and variable names but no values. */
export function approvalRequestFor(spec: McpServerSpec, isSecretName: (name: string) => boolean): McpApprovalRequest {
  const c = spec.config;
  const variables = variablesOf(c);
  const req: McpApprovalRequest = {
    name: spec.name,
    transport: c.type,
    headerNames: c.type === 'stdio' ? [] : Object.keys(c.headers ?? {}),
    envNames: c.type === 'stdio' ? Object.keys(c.env ?? {}) : [],
    variables,
    refusedVariables: variables.filter(isSecretName),
    hash: definitionHash(spec),
  };
  if (c.type === 'stdio') {
    req.command = c.command;
    req.args = c.args ?? [];
    req.cwd = c.cwd ?? spec.baseDir;
  } else req.url = c.url;
  if (spec.origin) req.origin = spec.origin;
  return req;
}

const quote = (a: string): string => (/^[\w@%+=:,./${}-]+$/.test(a) ? a : JSON.stringify(a));

/** The command line of a stdio definition, as typed in a shell. */
export function commandLine(req: Pick<McpApprovalRequest, 'command' | 'args'>): string {
  return [req.command ?? '', ...(req.args ?? [])].map(quote).join(' ');
}

function variablesText(req: McpApprovalRequest): string {
  const given = req.variables.filter((v) => !req.refusedVariables.includes(v));
  const parts = [given.length ? given.join(', ') : 'none'];
  if (req.refusedVariables.length) parts.push(`never ${req.refusedVariables.join(', ')} (credentials are not expanded: the server would not start)`);
  return parts.join('; ');
}

/** The definition, one fact per line (the approval's details and the review command). */
export function definitionLines(req: McpApprovalRequest): string[] {
  const lines = [`Transport: ${req.transport}`];
  if (req.transport === 'stdio') {
    lines.push(`Command: ${commandLine(req)}`, `Working directory: ${req.cwd ?? '(the project folder)'}`);
    lines.push(`Environment it sets: ${req.envNames.length ? req.envNames.join(', ') : 'none'} (plus your environment, without the Anthropic credentials)`);
  } else {
    lines.push(`URL: ${req.url}`, `Headers: ${req.headerNames.length ? req.headerNames.join(', ') : 'none'}`);
  }
  lines.push(`Environment variables it receives: ${variablesText(req)}`);
  if (req.origin) lines.push(`Declared in: ${req.origin}`);
  return lines;
}

/** One paragraph for a notification. */
export function approvalQuestion(req: McpApprovalRequest, origin = req.origin): string {
  const what =
    req.transport === 'stdio'
      ? `runs \`${commandLine(req)}\` (stdio) in ${req.cwd ?? 'the project folder'} with your permissions`
      : `connects to ${req.url} (${req.transport})${req.headerNames.length ? ` sending the headers ${req.headerNames.join(', ')}` : ''}`;
  return `The repository declares the MCP server "${req.name}"${origin ? ` in ${origin}` : ''}: it ${what}. Environment variables it receives: ${variablesText(req)}. Allow it?`;
}

/**
 * Asks `approve` (no callback: not approved). `waiting` is called only when the answer does
 * not come at once, i.e. when a person is being asked; a failing callback is a refusal.
 */
export async function askApproval(
  req: McpApprovalRequest,
  approve: ((req: McpApprovalRequest) => boolean | Promise<boolean>) | undefined,
  on: { waiting: () => void; failed: (err: unknown) => void },
): Promise<boolean> {
  const answer = Promise.resolve()
    .then(() => approve?.(req))
    .then(
      (v) => v === true,
      (err: unknown) => {
        on.failed(err);
        return false;
      },
    );
  const pending = Symbol('pending');
  const quick = await Promise.race([answer, new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending)))]);
  if (quick !== pending) return quick;
  on.waiting();
  return answer;
}

/** Where the store keeps its records (a workspace-scoped key/value store, e.g. VS Code's workspaceState). */
export interface ApprovalMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface McpApprovalRecord {
  hash: string;
  name: string;
  decision: McpApprovalDecision;
  /** When it was decided (ms since the epoch). */
  at: number;
  /** The definition as it was shown (no values). */
  definition: string[];
}

export const APPROVALS_KEY = 'elixirAgent.mcp.serverApprovals';

/** The user's own answers, per workspace, keyed by definition hash. */
export class McpApprovalStore implements McpApprovalSource {
  constructor(
    private readonly memento: ApprovalMemento,
    private readonly key = APPROVALS_KEY,
  ) {}

  private records(): Record<string, McpApprovalRecord> {
    const raw = this.memento.get<unknown>(this.key);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
    const out: Record<string, McpApprovalRecord> = {};
    for (const [hash, r] of Object.entries(raw as Record<string, Partial<McpApprovalRecord>>)) {
      if (r && (r.decision === 'allow' || r.decision === 'deny') && typeof r.name === 'string') {
        out[hash] = { hash, name: r.name, decision: r.decision, at: typeof r.at === 'number' ? r.at : 0, definition: Array.isArray(r.definition) ? r.definition.map(String) : [] };
      }
    }
    return out;
  }

  decide(req: McpApprovalRequest): McpApprovalDecision | undefined {
    return this.records()[req.hash]?.decision;
  }

  async record(req: McpApprovalRequest, decision: McpApprovalDecision, now = Date.now()): Promise<void> {
    const all = this.records();
    all[req.hash] = { hash: req.hash, name: req.name, decision, at: now, definition: definitionLines(req) };
    await this.memento.update(this.key, all);
  }

  /** Forgets a decision: the server asks again. */
  async forget(hash: string): Promise<boolean> {
    const all = this.records();
    if (!(hash in all)) return false;
    delete all[hash];
    await this.memento.update(this.key, all);
    return true;
  }

  list(): McpApprovalRecord[] {
    return Object.values(this.records()).sort((a, b) => a.name.localeCompare(b.name) || b.at - a.at);
  }
}

/** The first source that has decided, in order; undefined when none has. */
export async function decideFromSources(sources: readonly McpApprovalSource[], req: McpApprovalRequest): Promise<McpApprovalDecision | undefined> {
  for (const s of sources) {
    const d = await s.decide(req);
    if (d) return d;
  }
  return undefined;
}
