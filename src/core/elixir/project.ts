/**
 * Mix project detection in workspace folders, without running Elixir: plain
 * projects, umbrellas (`apps/<app>/mix.exs`), projects in a subfolder, several
 * folders (multi-root). Also the short summaries shown in the chat header and
 * given to the model.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseMiseToml, parseMixExs, parseMixLock, parseToolVersions, type ToolVersions } from './mixFiles';

/** Libraries worth knowing about, in display order. */
export const NOTABLE_DEPS = [
  { id: 'phoenix', label: 'Phoenix' },
  { id: 'phoenix_live_view', label: 'LiveView' },
  { id: 'ecto_sql', label: 'Ecto SQL' },
  { id: 'ecto', label: 'Ecto' },
  { id: 'ash', label: 'Ash' },
  { id: 'oban', label: 'Oban' },
  { id: 'absinthe', label: 'Absinthe' },
  { id: 'tidewave', label: 'Tidewave' },
  { id: 'credo', label: 'Credo' },
  { id: 'dialyxir', label: 'Dialyxir' },
] as const;
export type NotableDep = (typeof NOTABLE_DEPS)[number]['id'];

export interface MixApp {
  name: string;
  root: string;
  deps: string[];
}

export interface MixProject {
  /** Absolute directory holding mix.exs. */
  root: string;
  /** The workspace folder it was found in. */
  folder: string;
  kind: 'app' | 'umbrella';
  /** `app:` of a plain project (an umbrella has none). */
  app?: string;
  /** Umbrella children (`apps_path`, usually `apps/`). */
  apps: MixApp[];
  elixirRequirement?: string;
  /** Direct dependencies of the project (and of its umbrella apps). */
  deps: string[];
  /** Versions from mix.lock (transitive deps included). */
  locked: Record<string, string>;
  /** Notable libraries among the direct deps (or the lock), with their locked versions. */
  features: Partial<Record<NotableDep, { version?: string }>>;
  toolVersions: ToolVersions;
}

const SKIP_DIRS = new Set(['node_modules', 'deps', '_build', 'priv', 'assets', 'test', 'tests', 'fixtures', 'vendor', 'cover', 'doc', 'tmp']);
const MAX_DEPTH = 3;
const MAX_DIRS_VISITED = 2000;

async function readText(file: string): Promise<string | undefined> {
  try {
    const buf = await fs.readFile(file);
    return buf.length > 1_000_000 ? undefined : buf.toString('utf8');
  } catch {
    return undefined;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The nearest `.tool-versions` / `mise.toml` from the project root up to the folder. */
async function findToolVersions(root: string, folder: string): Promise<ToolVersions> {
  let dir = root;
  for (let i = 0; i < 10; i++) {
    const asdf = await readText(path.join(dir, '.tool-versions'));
    if (asdf !== undefined) {
      const parsed = parseToolVersions(asdf);
      if (parsed.elixir || parsed.erlang) return { ...parsed, source: path.relative(root, path.join(dir, '.tool-versions')) };
    }
    for (const name of ['mise.toml', '.mise.toml']) {
      const mise = await readText(path.join(dir, name));
      if (mise !== undefined) {
        const parsed = parseMiseToml(mise);
        if (parsed.elixir || parsed.erlang) return { ...parsed, source: path.relative(root, path.join(dir, name)) };
      }
    }
    const parent = path.dirname(dir);
    if (dir === folder || parent === dir || !isInside(parent, folder)) break;
    dir = parent;
  }
  return {};
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Reads one mix project at `root` (which holds mix.exs). */
export async function readMixProject(root: string, folder: string = root): Promise<MixProject | undefined> {
  const source = await readText(path.join(root, 'mix.exs'));
  if (source === undefined) return undefined;
  const info = parseMixExs(source);
  const apps: MixApp[] = [];
  let kind: MixProject['kind'] = 'app';
  if (info.appsPath !== undefined || (!info.app && (await hasUmbrellaApps(root)))) {
    kind = 'umbrella';
    const appsDir = path.resolve(root, info.appsPath ?? 'apps');
    let entries: string[] = [];
    try {
      entries = (await fs.readdir(appsDir)).sort();
    } catch {
      entries = [];
    }
    for (const name of entries) {
      const appRoot = path.join(appsDir, name);
      const appSource = await readText(path.join(appRoot, 'mix.exs'));
      if (appSource === undefined) continue;
      const appInfo = parseMixExs(appSource);
      apps.push({ name: appInfo.app ?? name, root: appRoot, deps: appInfo.deps });
    }
  }
  const deps = [...info.deps];
  for (const app of apps) for (const d of app.deps) if (!deps.includes(d)) deps.push(d);
  const locked = parseMixLock((await readText(path.join(root, 'mix.lock'))) ?? '');
  const features: MixProject['features'] = {};
  for (const { id } of NOTABLE_DEPS) {
    if (deps.includes(id)) features[id] = locked[id] ? { version: locked[id] } : {};
  }
  // Ecto comes with ecto_sql; LiveView apps sometimes only lock it through phoenix.
  if (features.ecto_sql && !features.ecto) features.ecto = locked.ecto ? { version: locked.ecto } : {};
  const elixirRequirement = info.elixirRequirement ?? (kind === 'umbrella' ? await firstAppRequirement(apps) : undefined);
  return {
    root,
    folder,
    kind,
    app: info.app,
    apps,
    elixirRequirement,
    deps,
    locked,
    features,
    toolVersions: await findToolVersions(root, folder),
  };
}

async function firstAppRequirement(apps: MixApp[]): Promise<string | undefined> {
  for (const app of apps) {
    const src = await readText(path.join(app.root, 'mix.exs'));
    const req = src ? parseMixExs(src).elixirRequirement : undefined;
    if (req) return req;
  }
  return undefined;
}

async function hasUmbrellaApps(root: string): Promise<boolean> {
  try {
    for (const name of await fs.readdir(path.join(root, 'apps'))) {
      if (await isFile(path.join(root, 'apps', name, 'mix.exs'))) return true;
    }
  } catch {
    // no apps/ folder
  }
  return false;
}

/**
 * Finds the mix projects of one workspace folder: the folder itself, or the
 * top-most mix projects in its subfolders (breadth first, a few levels deep,
 * skipping deps, builds and tests). An umbrella's apps belong to the umbrella.
 */
export async function detectInFolder(folder: string): Promise<MixProject[]> {
  const found: MixProject[] = [];
  let level = [folder];
  let visited = 0;
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (++visited > MAX_DIRS_VISITED) return found;
      if (await isFile(path.join(dir, 'mix.exs'))) {
        const project = await readMixProject(dir, folder);
        if (project) found.push(project);
        continue; // never look inside a project for more projects
      }
      let entries: import('node:fs').Dirent[] = [];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) next.push(path.join(dir, e.name));
      }
    }
    level = next;
  }
  return found;
}

/** Every folder's projects, each project once (folders may nest in multi-root workspaces). */
export async function detectProjects(folders: readonly string[]): Promise<MixProject[]> {
  const all: MixProject[] = [];
  for (const folder of folders) {
    for (const p of await detectInFolder(path.resolve(folder))) {
      if (!all.some((q) => q.root === p.root || q.apps.some((a) => a.root === p.root))) all.push(p);
    }
  }
  return all;
}

/** The project a path belongs to (the umbrella for a path inside one of its apps). */
export function projectFor(projects: readonly MixProject[], absPath: string): MixProject | undefined {
  let best: MixProject | undefined;
  for (const p of projects) {
    if (isInside(absPath, p.root) && (!best || p.root.length > best.root.length)) best = p;
  }
  return best;
}

function majorMinor(version: string | undefined): string {
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  return m ? ` ${m[1]}.${m[2]}` : '';
}

function projectName(p: MixProject): string {
  return p.app ?? path.basename(p.root);
}

/** The notable parts of a project: "Phoenix 1.7", "Ecto", "LiveView", "Tidewave", "umbrella (3 apps)". */
function projectParts(p: MixProject): string[] {
  const f = p.features;
  const parts: string[] = [];
  if (f.phoenix) parts.push(`Phoenix${majorMinor(f.phoenix.version)}`);
  else if (f.ash) parts.push(`Ash${majorMinor(f.ash.version)}`);
  if (f.ecto || f.ecto_sql) parts.push('Ecto');
  if (f.phoenix_live_view) parts.push('LiveView');
  if (f.tidewave) parts.push('Tidewave');
  if (p.kind === 'umbrella') parts.push(`umbrella (${p.apps.length} ${p.apps.length === 1 ? 'app' : 'apps'})`);
  return parts;
}

/** "Phoenix 1.7 · Ecto · LiveView · Tidewave · umbrella (3 apps)", or "Mix app name · ..." without a framework. */
export function describeProject(p: MixProject): string {
  const parts = projectParts(p);
  if (!p.features.phoenix && !p.features.ash) parts.unshift(p.kind === 'umbrella' ? 'Mix' : `Mix app ${projectName(p)}`);
  return parts.join(' · ');
}

/** The chat header's one line: what kind of Elixir workspace this is (undefined: none). */
export function projectSummary(projects: readonly MixProject[]): string | undefined {
  const [first] = projects;
  if (!first) return undefined;
  if (projects.length === 1) return describeProject(first);
  const names = projects.map((p) => {
    const parts = projectParts(p);
    return parts.length ? `${projectName(p)} (${parts.join(' · ')})` : projectName(p);
  });
  const text = `${projects.length} Mix projects: ${names.join(', ')}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A paragraph for the system prompt: the projects, their versions and what to use. */
export function projectPromptSection(projects: readonly MixProject[]): string | undefined {
  if (projects.length === 0) return undefined;
  const lines: string[] = [];
  for (const p of projects) {
    const where = p.root;
    const head =
      p.kind === 'umbrella'
        ? `an umbrella Mix project at ${where} with apps ${p.apps.map((a) => `${a.name} (${path.relative(p.root, a.root)})`).join(', ') || '(none found)'}`
        : `a Mix project \`${projectName(p)}\` at ${where}`;
    const facts: string[] = [];
    if (p.elixirRequirement) facts.push(`Elixir requirement \`${p.elixirRequirement}\``);
    const tv = p.toolVersions;
    if (tv.elixir || tv.erlang) {
      const pins = [tv.elixir && `elixir ${tv.elixir}`, tv.erlang && `erlang ${tv.erlang}`].filter(Boolean).join(', ');
      facts.push(`${tv.source ?? 'version file'} pins ${pins}`);
    }
    const libs = NOTABLE_DEPS.filter(({ id }) => p.features[id]).map(({ id, label }) => {
      const v = p.features[id]?.version;
      return v ? `${label} ${v}` : label;
    });
    if (libs.length) facts.push(`uses ${libs.join(', ')}`);
    const hints: string[] = [];
    if (p.features.credo) hints.push('`mix credo` is available');
    if (p.features.tidewave) hints.push('Tidewave runs inside the app in dev: prefer its mcp__tidewave__* tools (logs, docs, project_eval, SQL) when they are available');
    lines.push(`- ${head}${facts.length ? `; ${facts.join('; ')}` : ''}.${hints.length ? ` ${hints.join('; ')}.` : ''}`);
  }
  return [
    'Elixir workspace:',
    ...lines,
    'Run mix tasks (mix compile, mix test, mix format) from the project directory. Compiler and language-server problems are available through mcp__ide__getDiagnostics.',
  ].join('\n');
}
