/**
 * Reading a mix project's files WITHOUT running Elixir: `mix.exs` (app name,
 * Elixir requirement, umbrella `apps_path`, direct dependencies), `mix.lock`
 * (locked versions) and `.tool-versions` / `mise.toml` (pinned versions).
 * These are heuristics over source text, tolerant of anything: bad input gives
 * empty results, never an exception.
 */

export interface MixExsInfo {
  /** `app: :name` (absent for an umbrella root). */
  app?: string;
  /** `elixir: "~> 1.15"`. */
  elixirRequirement?: string;
  /** `apps_path: "apps"`: this is an umbrella root. */
  appsPath?: string;
  /** Direct dependencies named in the file, in order, without duplicates. */
  deps: string[];
  /** Dependencies declared `in_umbrella: true`. */
  umbrellaDeps: string[];
}

/** Removes `#` comments that are not inside a string (good enough for mix.exs). */
function stripComments(source: string): string {
  return source
    .split(/\r?\n/)
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (ch === '\\') {
          i++;
        } else if (ch === '"') {
          inString = !inString;
        } else if (ch === '#' && !inString && line[i - 1] !== '?') {
          return line.slice(0, i);
        }
      }
      return line;
    })
    .join('\n');
}

/** Resolves `@attr "value"` module attributes used as `key: @attr`. */
function attributeValue(source: string, name: string): string | undefined {
  const m = new RegExp(`@${name}\\s+"([^"\\n]*)"`).exec(source);
  return m?.[1];
}

function stringField(source: string, key: string): string | undefined {
  const literal = new RegExp(`\\b${key}:\\s*"([^"\\n]*)"`).exec(source);
  if (literal) return literal[1];
  const attr = new RegExp(`\\b${key}:\\s*@([a-z_][a-zA-Z0-9_]*)`).exec(source);
  return attr ? attributeValue(source, attr[1]!) : undefined;
}

export function parseMixExs(source: string): MixExsInfo {
  const text = stripComments(typeof source === 'string' ? source : '');
  const app = /\bapp:\s*:([a-z_][a-zA-Z0-9_]*)/.exec(text)?.[1];
  const deps: string[] = [];
  const umbrellaDeps: string[] = [];
  // `{:name, "~> 1.0"...}`, `{:name, path: ...}`, `{:name, github: ...}`, `{:name, in_umbrella: true}`.
  const depRe = /\{\s*:([a-z_][a-z0-9_]*)\s*,\s*("[^"\n]*"|[a-z_]+:\s*[^,}\n]*)/g;
  for (let m = depRe.exec(text); m; m = depRe.exec(text)) {
    const name = m[1]!;
    const rest = m[2]!;
    if (/^in_umbrella:\s*true/.test(rest)) {
      if (!umbrellaDeps.includes(name)) umbrellaDeps.push(name);
    } else if (!deps.includes(name)) {
      deps.push(name);
    }
  }
  return {
    app,
    elixirRequirement: stringField(text, 'elixir'),
    appsPath: stringField(text, 'apps_path'),
    deps,
    umbrellaDeps,
  };
}

/** `mix.lock`: dependency name -> locked version (hex) or short git ref. */
export function parseMixLock(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof source !== 'string') return out;
  const hex = /"([a-z0-9_]+)":\s*\{\s*:hex\s*,\s*:[a-z0-9_]+\s*,\s*"([^"]+)"/g;
  for (let m = hex.exec(source); m; m = hex.exec(source)) out[m[1]!] = m[2]!;
  const git = /"([a-z0-9_]+)":\s*\{\s*:git\s*,\s*"[^"]*"\s*,\s*"([0-9a-f]{7,40})"/g;
  for (let m = git.exec(source); m; m = git.exec(source)) {
    const name = m[1]!;
    if (!out[name]) out[name] = `git ${m[2]!.slice(0, 7)}`;
  }
  return out;
}

export interface ToolVersions {
  elixir?: string;
  erlang?: string;
  /** The file they came from, relative to the project (".tool-versions", "mise.toml"). */
  source?: string;
}

/** asdf's `.tool-versions`: `elixir 1.17.3-otp-27` lines. */
export function parseToolVersions(source: string): ToolVersions {
  const out: ToolVersions = {};
  if (typeof source !== 'string') return out;
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^(elixir|erlang)\s+(\S+)/.exec(line);
    if (m && !out[m[1] as 'elixir' | 'erlang']) out[m[1] as 'elixir' | 'erlang'] = m[2];
  }
  return out;
}

/** mise's `mise.toml` / `.mise.toml`: the `[tools]` table. */
export function parseMiseToml(source: string): ToolVersions {
  const out: ToolVersions = {};
  if (typeof source !== 'string') return out;
  let inTools = false;
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const table = /^\[([^\]]+)\]$/.exec(line);
    if (table) {
      inTools = table[1]!.trim() === 'tools';
      continue;
    }
    if (!inTools) continue;
    const m = /^"?(elixir|erlang)"?\s*=\s*(.+)$/.exec(line);
    if (!m) continue;
    const value = m[2]!.trim();
    // "1.17", ["1.17", "1.16"], { version = "1.17" }
    const version = /"([^"]+)"/.exec(value)?.[1] ?? /'([^']+)'/.exec(value)?.[1];
    const key = m[1] as 'elixir' | 'erlang';
    if (version && !out[key]) out[key] = version;
  }
  return out;
}
