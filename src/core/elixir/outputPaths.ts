/**
 * Where a path printed by mix points. mix prints paths relative to the app
 * being compiled and names the app with `==> app` only before output that
 * goes through its shell: in an umbrella, warnings replayed by
 * `--all-warnings` come without a header (or under the previous app's), so
 * `lib/helper.ex:3` may be any app's `lib/helper.ex`. When several apps have
 * the file, the one whose line shows what the message names wins.
 */
import * as path from 'node:path';

export interface PathOptions {
  /** Directory mix ran in; relative paths resolve against it. */
  projectDir: string;
  /** `==> name` -> directory (relative to projectDir or absolute), for umbrella apps and the project itself. */
  appDirs?: Record<string, string>;
  /** Whether a file or directory exists. Without it, paths resolve against the current app only. */
  fileExists?: (absPath: string) => boolean;
  /** The text of a 0-based line of a file, to tell same-named files of several apps apart. */
  lineText?: (absPath: string, line0: number) => string | undefined;
}

const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/** Words a message names that its source line is likely to show: quoted names, functions, modules. */
function namedWords(message: string): string[] {
  const words = new Set<string>();
  for (const m of message.matchAll(/"([^"\n]{1,80})"/g)) words.add(m[1]!);
  for (const m of message.matchAll(/([a-z_][\w!?]*)\/\d+/g)) words.add(m[1]!);
  for (const m of message.matchAll(/\b([A-Z]\w*(?:\.[A-Z]\w*)*)\b/g)) words.add(m[1]!);
  return [...words].filter((w) => w.length > 1);
}

export class PathResolver {
  readonly projectDir: string;
  private readonly appDirs: Record<string, string>;
  private readonly searchDirs: string[];

  constructor(private readonly options: PathOptions) {
    this.projectDir = path.resolve(options.projectDir);
    this.appDirs = Object.fromEntries(Object.entries(options.appDirs ?? {}).map(([name, dir]) => [name, path.resolve(this.projectDir, dir)]));
    this.searchDirs = [...new Set([this.projectDir, ...Object.values(this.appDirs)])];
  }

  private exists(p: string): boolean {
    return this.options.fileExists ? this.options.fileExists(p) : false;
  }

  /**
   * The directory of `==> name`: a known app, else a dependency in deps/, else
   * a sibling in the same umbrella (a project that is one umbrella app compiles
   * its in-umbrella deps from `../name`).
   */
  appDir(name: string): string {
    const known = this.appDirs[name];
    if (known) return known;
    const dep = path.join(this.projectDir, 'deps', name);
    if (this.exists(dep)) return dep;
    const sibling = path.resolve(this.projectDir, '..', name);
    if (this.exists(path.join(sibling, 'mix.exs'))) return sibling;
    return dep;
  }

  /** An absolute path for `printed`, read relative to `baseDir` (the app mix named last). */
  resolve(printed: string, baseDir: string, about?: { line: number; message: string }): string {
    const cleaned = printed.trim();
    if (path.isAbsolute(cleaned) || WINDOWS_ABSOLUTE.test(cleaned)) return path.resolve(cleaned);
    const direct = path.resolve(baseDir, cleaned);
    if (!this.options.fileExists) return direct;
    const candidates = [...new Set([baseDir, ...this.searchDirs])].map((d) => path.resolve(d, cleaned)).filter((p) => this.exists(p));
    const [first] = candidates;
    if (first === undefined) return direct;
    if (candidates.length === 1 || !about || !this.options.lineText || about.line < 1) return first;
    return this.byContent(candidates, about.line, about.message) ?? first;
  }

  /** The candidate whose line shows most of what the message names; undefined on a tie. */
  private byContent(candidates: string[], line: number, message: string): string | undefined {
    const words = namedWords(message);
    if (words.length === 0) return undefined;
    const scored = candidates.map((file) => {
      const text = this.options.lineText?.(file, line - 1) ?? '';
      return { file, score: words.filter((w) => text.includes(w)).length };
    });
    const best = Math.max(...scored.map((s) => s.score));
    const top = scored.filter((s) => s.score === best);
    return best > 0 && top.length === 1 ? top[0]?.file : undefined;
  }
}
