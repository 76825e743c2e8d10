/**
 * Where tools may go. Every path a tool touches is absolute, inside one of the
 * workspace folders, and checked on its REAL location: `..` is normalised
 * away, symbolic links are followed one component at a time (like
 * realpath(3)) and must stay inside, and case differences are compared the
 * way the platform's file system does. Then the file is opened through
 * safeFs.ts, which walks from the workspace folder without following links,
 * so a link swapped in after this check cannot lead out (the race).
 *
 * One answer for every path that is refused for being outside: "X is outside
 * the workspace", whether X is /etc/passwd, /etc/passwd/x, /etc/nothing/x, a
 * link to any of them or a dangling link out. Nothing outside is looked at
 * when the path is inside the workspace by its name and leaves it only
 * through a link: the walk stops as soon as it would step out, so the answer
 * never depends on what exists outside.
 *
 * Hard links: a regular file with more than one link may have its other names
 * anywhere on the same file system, so no tool reads, searches or changes it
 * (safeFs.ts refuses it; Grep leaves it out). Its name is still listed by LS
 * and Glob, like any workspace entry.
 *
 * Some files inside the workspace are protected: they configure the editor,
 * this agent's approvals, or run commands (tasks, git hooks, MCP servers), so
 * a tool may write them only after a confirmation that says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolError } from './types';

/** A path checked by {@link resolveInWorkspace}. */
export interface ResolvedPath {
  /** The path to use: the workspace folder as configured + the real relative path. */
  path: string;
  /** The real location on disk (symlinks resolved). */
  real: string;
  /** The workspace folder (as configured) that holds it. */
  folder: string;
  /** The real location of that folder: where safe walks start. */
  root: string;
  /** Relative to that folder, with `/` separators ('' for the folder itself). */
  rel: string;
  exists: boolean;
  /** All workspace folders (as configured), to check the path again after a race. */
  folders: readonly string[];
}

export type FileKind = 'file' | 'directory' | 'missing' | 'fifo' | 'socket' | 'character device' | 'block device' | 'other';

/** Files bigger than this are not read whole (use offset/limit, Grep or Bash). */
export const MAX_READ_WHOLE_BYTES = 256 * 1024;
/** Files bigger than this are never loaded into memory by a tool. */
export const MAX_TEXT_FILE_BYTES = 32 * 1024 * 1024;

const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32';

function comparable(p: string): string {
  return caseInsensitive ? p.toLowerCase() : p;
}

/** True when `child` is `parent` or below it (after normalisation). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(comparable(parent), comparable(child));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

/** The message for every path refused for being outside, whatever is (or is not) there. */
export function outsideMessage(input: string, workspaceFolders: readonly string[]): string {
  return `${input} is outside the workspace (${workspaceFolders.join(', ')}). Tools only touch files inside the workspace folders, and do not follow links out of them.`;
}

/** Why a walk stopped, and where: the caller answers in detail only when `at` is inside. */
class WalkStop {
  constructor(
    readonly at: string,
    readonly why: 'outside' | 'not a directory' | 'loop' | 'dangling' | 'access',
    readonly detail = '',
  ) {}
}

const MAX_LINKS = 40;

function components(p: string): { top: string; parts: string[] } {
  const top = path.parse(p).root;
  return { top, parts: p.slice(top.length).split(/[\\/]+/).filter(Boolean) };
}

/**
 * The real location of `parts` below the real directory `from`, following
 * symbolic links one component at a time; a missing tail is kept as given.
 * Once the walk has been inside the workspace it never looks at a location
 * outside it (other than the folders above a workspace folder, on the way
 * back in): it stops there, and the caller refuses the path with the one
 * outside message, whatever exists out there.
 */
function walk(from: string, parts: string[], where: { inside(p: string): boolean; above(p: string): boolean }): { real: string; exists: boolean } {
  let cur = from;
  let entered = where.inside(from);
  const todo = parts.map((name) => ({ name, link: undefined as undefined | { path: string; target: string } }));
  let links = 0;
  while (todo.length) {
    const { name, link } = todo.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      cur = path.dirname(cur);
      continue;
    }
    const next = path.join(cur, name);
    if (entered && !where.inside(next) && !where.above(next)) throw new WalkStop(next, 'outside');
    let st: fs.Stats;
    try {
      st = fs.lstatSync(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (code === 'ENOENT') {
        if (link) throw new WalkStop(next, 'dangling', `${link.path} is a symbolic link to ${link.target}, which does not exist. Tools do not follow dangling links`);
        return { real: path.join(next, ...todo.map((t) => t.name)), exists: false };
      }
      if (code === 'ENOTDIR') throw new WalkStop(cur, 'not a directory');
      throw new WalkStop(next, 'access', `cannot access ${next} (${code})`);
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new WalkStop(next, 'loop');
      let target: string;
      try {
        target = fs.readlinkSync(next);
      } catch (err) {
        throw new WalkStop(next, 'access', `cannot read the link ${next} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
      const { top, parts: targetParts } = components(path.resolve(cur, target));
      cur = top;
      todo.unshift(...targetParts.map((n) => ({ name: n, link: { path: next, target } })));
      continue;
    }
    if (todo.length > 0 && !st.isDirectory()) throw new WalkStop(next, 'not a directory');
    cur = next;
    entered ||= where.inside(cur);
  }
  return { real: cur, exists: true };
}

/** `abs` relative to `folder` as path parts when it is lexically inside it, else undefined. */
function partsBelow(abs: string, folder: string): string[] | undefined {
  if (!isInside(abs, folder)) return undefined;
  return abs.slice(folder.length).split(/[\\/]+/).filter(Boolean);
}

export interface ResolveOptions {
  /** Parameter name for messages, e.g. 'file_path'. */
  param?: string;
}

/**
 * Check a path given by the model. Throws a ToolError that tells the model
 * what went wrong (relative path, outside the workspace, a part that is a
 * file, a link loop inside the workspace).
 */
export function resolveInWorkspace(input: unknown, workspaceFolders: readonly string[], options: ResolveOptions & { cwd?: string } = {}): ResolvedPath {
  const param = options.param ?? 'file_path';
  if (typeof input !== 'string' || input.trim() === '') throw new ToolError(`${param} must be a non-empty absolute path.`);
  if (input.includes('\0')) throw new ToolError(`${param} contains a NUL character.`);
  if (workspaceFolders.length === 0) throw new ToolError('No workspace folder is open, so tools cannot touch files. Open a folder first.');
  if (!path.isAbsolute(input)) {
    const base = options.cwd ?? workspaceFolders[0]!; // none was answered above
    const guess = input.startsWith('~') ? '' : ` Did you mean ${path.resolve(base, input)}?`;
    throw new ToolError(`${param} must be an absolute path, got "${input}".${guess}`);
  }
  const abs = path.resolve(input);
  const roots = workspaceFolders.map((folder) => ({ folder, real: realpathOr(folder) }));
  const inside = (p: string) => roots.some((r) => isInside(p, r.real));
  const above = (p: string) => roots.some((r) => isInside(r.real, p));
  // Start at the deepest workspace folder the path names (by either form), else at the top of the file system.
  let start = { from: components(abs).top, parts: components(abs).parts, depth: -1 };
  for (const r of roots) {
    for (const form of [r.folder, r.real]) {
      const parts = partsBelow(abs, form);
      if (parts && form.length > start.depth) start = { from: r.real, parts, depth: form.length };
    }
  }
  let walked: { real: string; exists: boolean };
  try {
    walked = walk(start.from, start.parts, { inside, above });
  } catch (err) {
    if (!(err instanceof WalkStop)) throw err;
    if (err.why === 'outside' || !inside(err.at)) throw new ToolError(outsideMessage(input, workspaceFolders));
    if (err.why === 'not a directory') throw new ToolError(`${input}: a part of this path is a file, not a directory.`);
    if (err.why === 'loop') throw new ToolError(`${input}: too many levels of symbolic links.`);
    throw new ToolError(`${input}: ${err.detail}.`);
  }
  for (const r of roots) {
    if (isInside(walked.real, r.real)) {
      const relNative = path.relative(r.real, walked.real);
      const rel = relNative.split(path.sep).join('/');
      return { path: relNative ? path.join(r.folder, relNative) : r.folder, real: walked.real, folder: r.folder, root: r.real, rel, exists: walked.exists, folders: workspaceFolders };
    }
  }
  throw new ToolError(outsideMessage(input, workspaceFolders));
}

const KIND_NAMES: Record<FileKind, string> = {
  file: 'a file',
  directory: 'a directory',
  missing: 'missing',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  'character device': 'a character device',
  'block device': 'a block device',
  other: 'not a regular file',
};

/** "is a FIFO (named pipe)": for error messages. */
export function describeKind(kind: FileKind): string {
  return KIND_NAMES[kind];
}

/** Normalise one path segment for protected-name comparison: case-folded, and
 *  Windows' ignored trailing dots/spaces and stream suffixes removed. */
function segmentKey(seg: string): string {
  return seg
    .toLowerCase()
    .replace(/:.*$/, '')
    .replace(/[. ]+$/, '');
}

/**
 * Why writing `p` needs the user's explicit confirmation, or undefined.
 * Compared case-insensitively on every platform: on a case-insensitive file
 * system `.VSCode/Settings.json` IS `.vscode/settings.json`.
 */
export function protectedWriteReason(p: ResolvedPath, extraProtected: readonly string[] = []): string | undefined {
  const segs = p.rel.split('/').filter(Boolean).map(segmentKey);
  const last = segs[segs.length - 1] ?? '';
  const shown = p.rel || p.path;
  if (segs.includes('.vscode')) {
    return `${shown} is in .vscode/, which holds VS Code workspace settings (including this agent's approval settings), tasks and launch configurations that can run commands.`;
  }
  if (last.endsWith('.code-workspace')) return `${shown} is a VS Code workspace file: its settings include this agent's approval settings.`;
  const claudeAt = segs.indexOf('.claude');
  if (claudeAt >= 0 && claudeAt === segs.length - 2 && /^settings(\.local)?\.json$/.test(last)) {
    return `${shown} holds Claude Code permission settings (which tools run without asking).`;
  }
  if (segs.length === 1 && last === '.mcp.json') return `${shown} declares MCP servers, which the agent starts as processes.`;
  if (segs.includes('.git')) return `${shown} is inside .git/: git's configuration and hooks can run commands.`;
  for (const extra of extraProtected) {
    if (isInside(p.real, extra) || isInside(p.path, extra) || comparable(p.real) === comparable(extra)) {
      return `${shown} is protected by this extension's configuration.`;
    }
  }
  return undefined;
}

/** Workspace-relative form for titles: `lib/foo.ex` (folder name prefixed with several folders). */
export function displayPath(p: ResolvedPath, workspaceFolders: readonly string[]): string {
  if (!p.rel) return p.path;
  return workspaceFolders.length > 1 ? `${path.basename(p.folder)}/${p.rel}` : p.rel;
}
