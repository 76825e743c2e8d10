/** Shared helpers for the agents unit tests. */
import * as path from 'node:path';
import type { AgentFs, AgentFsEntry } from '../../../src/core/agents';

/** The repository root (tests run from out/test/unit/agents). */
export const repoRoot = path.resolve(__dirname, '../../../..');
export const fixtures = (...p: string[]): string => path.join(repoRoot, 'test', 'fixtures', 'agents', ...p);
/** The user's persona (a copy inside the project: nothing here reads outside the repository). */
export const sharedPersonas = path.join(repoRoot, 'test', 'fixtures', 'personas');

/** An in-memory AgentFs: absolute path → file text; folders are implied by paths. */
export function memoryFs(files: Record<string, string>): AgentFs & { reads: string[] } {
  const reads: string[] = [];
  const enoent = (p: string): Error => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return {
    reads,
    async readDir(dir: string): Promise<AgentFsEntry[]> {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const entries = new Map<string, AgentFsEntry['type']>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(prefix)) continue;
        const [head, ...rest] = f.slice(prefix.length).split('/');
        entries.set(head!, rest.length > 0 ? 'directory' : 'file'); // split gives at least one part
      }
      if (entries.size === 0) throw enoent(dir);
      return [...entries].map(([name, type]) => ({ name, type }));
    },
    async readFile(file: string): Promise<string> {
      reads.push(file);
      const text = files[file];
      if (text === undefined) throw enoent(file);
      return text;
    },
  };
}

/** A minimal valid agent file. */
export const agentText = (name: string, extra = '', body = 'You help.'): string =>
  `---\nname: ${name}\ndescription: The ${name} agent\n${extra}---\n${body}\n`;
