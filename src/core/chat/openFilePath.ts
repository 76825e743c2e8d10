/**
 * Where a file path named in an answer (a link the user clicks in the chat)
 * points, limited to the workspace: an absolute path, or a path relative to
 * a workspace folder, that resolves (through symlinks) to a file inside a
 * folder; else, for a plain relative path, a search of the workspace
 * (umbrella apps, answers that drop the leading folder). No `vscode`: the
 * chat view (src/vscode/chat/viewActions.ts) runs the search and the pickers.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The file system questions asked (injectable for tests). */
export interface PathProbe {
  /** The path with symlinks resolved; undefined when it does not exist. */
  realpath(p: string): Promise<string | undefined>;
  isFile(p: string): Promise<boolean>;
}

export const nodePathProbe: PathProbe = {
  realpath: (p) => fs.realpath(p).catch(() => undefined),
  isFile: async (p) => (await fs.stat(p).catch(() => undefined))?.isFile() ?? false,
};

/** Folders never searched for a named file. */
export const OPEN_FILE_SEARCH_EXCLUDE = '{**/node_modules/**,**/_build/**,**/deps/**,**/.git/**}';

/** Whether `file` (already resolved through symlinks) lies inside one of `folders` (not a folder itself). */
export function isInside(file: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    const rel = path.relative(folder, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}

export interface OpenFileLookup {
  /** The file the path names directly, as named (not resolved through symlinks). */
  target?: string;
  /** No direct match: a glob to search the workspace with, for a relative path without `..`. */
  search?: { include: string; exclude: string };
  /** The workspace folders resolved through symlinks (for insideWorkspace). */
  realFolders: string[];
}

/** The glob that finds `requested` anywhere in the workspace; undefined for absolute paths and paths with `..`. */
export function searchGlob(requested: string): string | undefined {
  if (path.isAbsolute(requested) || requested.split(/[\\/]/).includes('..')) return undefined;
  return `**/${requested.replace(/^\.\//, '').replace(/[{}[\]*?!]/g, '')}`;
}

/** Looks `requested` up in the workspace `folders`: a direct target, else what to search for. */
export async function lookUpOpenFile(requested: string, folders: readonly string[], probe: PathProbe = nodePathProbe): Promise<OpenFileLookup> {
  const realFolders = await Promise.all(folders.map(async (f) => (await probe.realpath(f)) ?? f));
  const candidates = path.isAbsolute(requested) ? [requested] : folders.map((f) => path.resolve(f, requested));
  for (const candidate of candidates) {
    const real = await probe.realpath(candidate);
    if (!real || !isInside(real, realFolders)) continue;
    if (await probe.isFile(real)) return { target: candidate, realFolders };
  }
  const include = searchGlob(requested);
  return include ? { search: { include, exclude: OPEN_FILE_SEARCH_EXCLUDE }, realFolders } : { realFolders };
}

/** The found paths that resolve (through symlinks) inside the workspace, in order. */
export async function insideWorkspace(paths: readonly string[], realFolders: readonly string[], probe: PathProbe = nodePathProbe): Promise<string[]> {
  const inside: string[] = [];
  for (const p of paths) {
    const real = await probe.realpath(p);
    if (real && isInside(real, realFolders)) inside.push(p);
  }
  return inside;
}
