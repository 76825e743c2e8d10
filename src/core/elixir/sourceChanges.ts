/**
 * Whether any file `mix compile` reads changed since a moment: mix.exs and
 * the lib/, src/ and config/ trees of a project and of its umbrella apps,
 * by modification time. Directories count too (a file created, deleted or
 * renamed in them changes their time). Catches what no editor event reports
 * (git checkout, a command run in a terminal), without a file watcher.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ELIXIR_SOURCE } from './mixCompile';
import type { MixProject } from './project';

/** Beyond this many entries the answer is "changed" (a compile is cheaper than a longer walk). */
const MAX_ENTRIES = 50_000;

export async function sourcesChangedSince(project: Pick<MixProject, 'root' | 'apps'>, sinceMs: number): Promise<boolean> {
  let seen = 0;
  const newer = async (p: string): Promise<boolean> => {
    try {
      return (await fs.stat(p)).mtimeMs >= sinceMs;
    } catch {
      return false;
    }
  };
  const walk = async (dir: string): Promise<boolean> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    if ((seen += entries.length) > MAX_ENTRIES) return true;
    if (await newer(dir)) return true;
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() ? await walk(p) : e.isFile() && ELIXIR_SOURCE.test(e.name) && (await newer(p))) return true;
    }
    return false;
  };
  for (const root of [project.root, ...project.apps.map((a) => a.root)]) {
    if (await newer(path.join(root, 'mix.exs'))) return true;
    for (const sub of ['lib', 'src', 'config']) if (await walk(path.join(root, sub))) return true;
  }
  return false;
}
