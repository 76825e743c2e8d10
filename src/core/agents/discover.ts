/**
 * Discovery: finds agent files in the project folders (`.claude/agents/`,
 * recursively), the user's folder and the bundled folder, parses them, and
 * applies precedence by `name` (project > user > bundled). File-system
 * agnostic: the caller passes an AgentFs (Node's fs, or a fake in tests).
 */
import * as path from 'node:path';
import { parseAgentFile } from './parse';
import { SOURCE_RANK, type AgentDefinition, type AgentProblem, type AgentSource } from './types';

export interface AgentFsEntry {
  name: string;
  type: 'file' | 'directory' | 'other';
}

/** The little of a file system discovery needs. Missing paths reject with `code: 'ENOENT'`. */
export interface AgentFs {
  readDir(dir: string): Promise<AgentFsEntry[]>;
  readFile(file: string): Promise<string>;
  /** The path with links followed (memory imports must stay inside the project); absent: paths are taken as they are. */
  realpath?(p: string): Promise<string>;
}

/** One place to look for agent files. */
export interface AgentSearchPath {
  dir: string;
  source: AgentSource;
}

export interface AgentCatalog {
  /** The effective agents, one per name, sorted by source then name. */
  agents: AgentDefinition[];
  /** Every valid definition found, shadowed ones included (they carry `shadowedBy`). */
  definitions: AgentDefinition[];
  /** Problems of every file, in discovery order. */
  problems: AgentProblem[];
  /** Every agent file read, with its source. */
  files: Array<{ filePath: string; source: AgentSource }>;
}

/** Limits against pathological trees (symlink loops, huge folders). */
const MAX_DEPTH = 8;
const MAX_FILES = 2000;

const isMissing = (err: unknown): boolean => {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/**
 * The search paths for a set of workspace folders, the user's Claude Code
 * folder (`userConfigDir`, see util/claudeConfig; or `homeDir`/.claude) and
 * the bundled folder.
 */
export function agentSearchPaths(options: { workspaceFolders: readonly string[]; userConfigDir?: string; homeDir?: string; bundledDir?: string }): AgentSearchPath[] {
  const paths: AgentSearchPath[] = options.workspaceFolders.map((f) => ({ dir: path.join(f, '.claude', 'agents'), source: 'project' }));
  const user = options.userConfigDir ?? (options.homeDir ? path.join(options.homeDir, '.claude') : undefined);
  if (user) paths.push({ dir: path.join(user, 'agents'), source: 'user' });
  if (options.bundledDir) paths.push({ dir: options.bundledDir, source: 'bundled' });
  return paths;
}

/** Every `*.md` file below `dir`, sorted; a missing folder gives none. */
export async function findAgentFiles(dir: string, fs: AgentFs): Promise<{ files: string[]; problems: AgentProblem[] }> {
  const files: string[] = [];
  const problems: AgentProblem[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    let entries: AgentFsEntry[];
    try {
      entries = await fs.readDir(d);
    } catch (err) {
      if (isMissing(err)) return;
      problems.push({ filePath: d, line: 0, severity: 'warning', code: 'unreadable', message: `cannot read the folder: ${errorMessage(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (files.length >= MAX_FILES) return;
      const p = path.join(d, e.name);
      if (e.type === 'directory') {
        if (depth < MAX_DEPTH && !e.name.startsWith('.')) await walk(p, depth + 1);
      } else if (e.type === 'file' && e.name.toLowerCase().endsWith('.md')) {
        files.push(p);
      }
    }
  };
  await walk(dir, 0);
  return { files, problems };
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Reads and parses every agent file of every search path, then applies precedence. */
export async function loadAgents(searchPaths: readonly AgentSearchPath[], fs: AgentFs): Promise<AgentCatalog> {
  const problems: AgentProblem[] = [];
  const definitions: AgentDefinition[] = [];
  const files: AgentCatalog['files'] = [];
  const seenFiles = new Set<string>();

  for (const sp of searchPaths) {
    const found = await findAgentFiles(sp.dir, fs);
    problems.push(...found.problems);
    const parsed = await Promise.all(
      found.files
        .filter((f) => !seenFiles.has(f))
        .map(async (filePath) => {
          seenFiles.add(filePath);
          try {
            return { filePath, ...parseAgentFile(await fs.readFile(filePath), filePath, sp.source) };
          } catch (err) {
            return {
              filePath,
              agent: undefined,
              problems: [{ filePath, line: 0, severity: 'error', code: 'unreadable', message: `cannot read the file: ${errorMessage(err)}` } satisfies AgentProblem],
            };
          }
        }),
    );
    for (const r of parsed) {
      files.push({ filePath: r.filePath, source: sp.source });
      problems.push(...r.problems);
      if (r.agent) definitions.push(r.agent);
    }
  }

  const { agents, problems: precedenceProblems } = applyPrecedence(definitions);
  problems.push(...precedenceProblems);
  return { agents, definitions, problems, files };
}

/**
 * One agent per name: project over user over bundled; within one source the
 * first found wins (workspace folder order, then path order) and the others
 * get a warning. Fills `shadows` / `shadowedBy`. Input order is the discovery order.
 */
export function applyPrecedence(definitions: AgentDefinition[]): { agents: AgentDefinition[]; problems: AgentProblem[] } {
  const problems: AgentProblem[] = [];
  const winners = new Map<string, AgentDefinition>();
  const ordered = definitions
    .map((d, i) => ({ d, i }))
    .sort((a, b) => SOURCE_RANK[a.d.source] - SOURCE_RANK[b.d.source] || a.i - b.i)
    .map(({ d }) => d);
  for (const d of ordered) {
    d.shadows = [];
    d.shadowedBy = undefined;
  }
  for (const d of ordered) {
    const winner = winners.get(d.name);
    if (!winner) {
      winners.set(d.name, d);
      continue;
    }
    d.shadowedBy = `${winner.source}:${winner.filePath}`;
    winner.shadows.push(`${d.source}:${d.filePath}`);
    if (winner.source === d.source) {
      problems.push({
        filePath: d.filePath,
        line: d.fieldLines?.name ?? 0,
        severity: 'warning',
        code: 'duplicate-name',
        message: `another ${d.source} agent file also defines "${d.name}" and wins: ${winner.filePath}; rename one of them`,
      });
    }
  }
  const agents = [...winners.values()].sort((a, b) => SOURCE_RANK[a.source] - SOURCE_RANK[b.source] || a.name.localeCompare(b.name));
  return { agents, problems };
}
