/** The Node implementation of AgentFs (used by the CLI and the extension host). */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { AgentFs, AgentFsEntry } from './discover';

export const nodeAgentFs: AgentFs = {
  async readDir(dir: string): Promise<AgentFsEntry[]> {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    return Promise.all(
      entries.map(async (e): Promise<AgentFsEntry> => {
        if (e.isSymbolicLink()) {
          // Follow links (teams share agents by symlink); a dangling one is skipped.
          const st = await fsp.stat(path.join(dir, e.name)).catch(() => undefined);
          return { name: e.name, type: st?.isDirectory() ? 'directory' : st?.isFile() ? 'file' : 'other' };
        }
        return { name: e.name, type: e.isDirectory() ? 'directory' : e.isFile() ? 'file' : 'other' };
      }),
    );
  },
  readFile: (file: string) => fsp.readFile(file, 'utf8'),
  realpath: (p: string) => fsp.realpath(p),
};
