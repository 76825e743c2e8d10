/**
 * Project memory: `CLAUDE.md` and `AGENTS.md` at the root of each workspace
 * folder, given to the model with the persona's system prompt.
 */
import * as path from 'node:path';
import type { AgentFs } from './discover';

export const MEMORY_FILE_NAMES = ['CLAUDE.md', 'AGENTS.md'] as const;

/** Per file; a longer file is cut with a marker (it is sent with every request). */
export const MEMORY_MAX_CHARS = 40_000;

export interface ProjectMemory {
  /** The block to append to the system prompt. */
  text: string;
  /** Absolute paths of the files it holds, in order. */
  files: string[];
}

/** Reads the memory files of every folder; undefined when there are none (or all are empty). */
export async function loadProjectMemory(
  workspaceFolders: readonly string[],
  fs: Pick<AgentFs, 'readFile'>,
  options: { maxChars?: number } = {},
): Promise<ProjectMemory | undefined> {
  const max = options.maxChars ?? MEMORY_MAX_CHARS;
  const multi = workspaceFolders.length > 1;
  const sections: string[] = [];
  const files: string[] = [];
  for (const folder of workspaceFolders) {
    for (const name of MEMORY_FILE_NAMES) {
      const file = path.join(folder, name);
      let text: string;
      try {
        text = await fs.readFile(file);
      } catch {
        continue; // absent or unreadable: nothing to add
      }
      text = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').trim();
      if (text === '') continue;
      if (text.length > max) {
        text = `${text.slice(0, max)}\n\n[… ${name} was cut here: ${(text.length - max).toLocaleString('en-US')} more characters not shown]`;
      }
      const label = multi ? `${path.basename(folder)}/${name}` : name;
      sections.push(`<project-memory file="${label}" path="${file}">\n${text}\n</project-memory>`);
      files.push(file);
    }
  }
  if (sections.length === 0) return undefined;
  const intro =
    'Project memory: instructions the team keeps at the root of the workspace. Follow them; they take precedence over general habits.';
  return { text: `${intro}\n\n${sections.join('\n\n')}`, files };
}
