/**
 * The search root shared by Glob, Grep and LS: the `path` parameter (or the
 * working folder), checked like every other path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { statChecked } from './nodeFiles';
import { describeKind, resolveInWorkspace, type FileKind, type ResolvedPath } from './paths';
import type { Slicer } from './searchLimits';
import { DirCache, statBelow } from './safeFs';
import { ToolError, type ToolContext } from './types';

/** The optional `path` of Glob and Grep: models sometimes send "", "undefined" or "null" for "not given". */
export const optionalSearchPath = z
  .string()
  .optional()
  .transform((p) => (p === '' || p === 'undefined' || p === 'null' ? undefined : p));

export function searchRoot(ctx: ToolContext, given: string | undefined, { allowFile }: { allowFile: boolean }): ResolvedPath & { kind: FileKind } {
  const p = resolveInWorkspace(given ?? ctx.cwd, ctx.workspaceFolders, { param: 'path', cwd: ctx.cwd });
  const { kind } = statChecked(p);
  if (kind === 'missing') throw new ToolError(`Path does not exist: ${given ?? ctx.cwd}.`);
  if (kind === 'directory' || (allowFile && kind === 'file')) return { ...p, kind };
  throw new ToolError(`${given ?? ctx.cwd} is ${describeKind(kind)}; give a ${allowFile ? 'file or directory' : 'directory'}.`);
}

/** "(… more; narrow it …)" */
export function moreNote(shown: number, total: number, what: string, advice: string): string {
  return total > shown ? `\n\n(Showing ${shown} of ${total} ${what}. ${advice})` : '';
}

/**
 * Modification times (ms; 0 when a file cannot be stat'ed) of files a search
 * found, for newest-first results. Synchronous stats in time slices: 5-10x
 * faster than one promise per file, and no stretch longer than a slice.
 */
export async function mtimes(absPaths: string[], slice: Slicer, signal: AbortSignal): Promise<number[]> {
  const out = new Array<number>(absPaths.length).fill(0);
  for (const [i, abs] of absPaths.entries()) {
    if (slice.due()) {
      await slice.pause();
      if (signal.aborted) break;
    }
    try {
      out[i] = fs.statSync(abs, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    } catch {
      // unreadable: oldest
    }
  }
  return out;
}

/**
 * The names (relative to `root`) that are regular files inside the
 * workspace, checked through the safe walk: a listing made by path while a
 * folder was swapped for a link out may hold outside names, which this drops.
 */
export function filesBelow(root: ResolvedPath, rels: string[]): string[] {
  const dirs = new DirCache();
  try {
    return rels.filter((rel) => {
      try {
        return statBelow({ root: root.root, rel: path.posix.join(root.rel, rel) }, dirs)?.isFile() === true;
      } catch {
        return false;
      }
    });
  } finally {
    dirs.close();
  }
}
