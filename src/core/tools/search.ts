/**
 * The search root shared by Glob, Grep and LS: the `path` parameter (or the
 * working folder), checked like every other path.
 */
import { describeKind, fileKind, resolveInWorkspace, type FileKind, type ResolvedPath } from './paths';
import { ToolError, type ToolContext } from './types';

export function searchRoot(ctx: ToolContext, given: string | undefined, { allowFile }: { allowFile: boolean }): ResolvedPath & { kind: FileKind } {
  const p = resolveInWorkspace(given ?? ctx.cwd, ctx.workspaceFolders, { param: 'path', cwd: ctx.cwd });
  const { kind } = fileKind(p.real);
  if (kind === 'missing') throw new ToolError(`Path does not exist: ${given ?? ctx.cwd}.`);
  if (kind === 'directory' || (allowFile && kind === 'file')) return { ...p, kind };
  throw new ToolError(`${given ?? ctx.cwd} is ${describeKind(kind)}; give a ${allowFile ? 'file or directory' : 'directory'}.`);
}

/** "(… more; narrow it …)" */
export function moreNote(shown: number, total: number, what: string, advice: string): string {
  return total > shown ? `\n\n(Showing ${shown} of ${total} ${what}. ${advice})` : '';
}
