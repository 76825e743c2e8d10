/**
 * Where tools may go. Every path a tool touches is absolute, inside one of the
 * workspace folders, and checked on its REAL location: `..` is normalised
 * away, symbolic links are followed (realpath) and must stay inside, and case
 * differences are compared the way the platform's file system does. Some
 * files inside the workspace are protected: they configure the editor, this
 * agent's approvals, or run commands (tasks, git hooks, MCP servers), so a
 * tool may write them only after a confirmation that says so.
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
  /** Relative to that folder, with `/` separators ('' for the folder itself). */
  rel: string;
  exists: boolean;
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

/**
 * Resolve the real location of `abs` (which may not exist yet): the deepest
 * existing ancestor is realpath'd, the missing rest appended. A dangling
 * symbolic link, a link loop or a non-directory in the middle is an error.
 */
function realLocation(abs: string, shown: string): { real: string; exists: boolean } {
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let lst: fs.Stats | undefined;
    try {
      lst = fs.lstatSync(cur);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new ToolError(`${shown}: a part of this path is a file, not a directory.`);
      if (code !== 'ENOENT') throw new ToolError(`${shown}: cannot access ${cur} (${code ?? String(err)}).`);
    }
    if (lst) {
      let real: string;
      try {
        real = fs.realpathSync.native(cur);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (lst.isSymbolicLink() && code === 'ENOENT') {
          let target = '?';
          try {
            target = fs.readlinkSync(cur);
          } catch {
            /* keep '?' */
          }
          throw new ToolError(`${shown}: ${cur} is a symbolic link to ${target}, which does not exist. Tools do not follow dangling links.`);
        }
        if (code === 'ELOOP') throw new ToolError(`${shown}: too many levels of symbolic links.`);
        throw new ToolError(`${shown}: cannot resolve ${cur} (${code ?? String(err)}).`);
      }
      if (missing.length > 0 && !fs.statSync(real).isDirectory()) {
        throw new ToolError(`${shown}: ${cur} is a file, not a directory.`);
      }
      return { real: missing.length ? path.join(real, ...missing.reverse()) : real, exists: missing.length === 0 };
    }
    const parent = path.dirname(cur);
    if (parent === cur) return { real: abs, exists: false };
    missing.push(path.basename(cur));
    cur = parent;
  }
}

export interface ResolveOptions {
  /** Parameter name for messages, e.g. 'file_path'. */
  param?: string;
}

/**
 * Check a path given by the model. Throws a ToolError that tells the model
 * what went wrong (relative path, outside the workspace, escaping symlink).
 */
export function resolveInWorkspace(input: unknown, workspaceFolders: readonly string[], options: ResolveOptions & { cwd?: string } = {}): ResolvedPath {
  const param = options.param ?? 'file_path';
  if (typeof input !== 'string' || input.trim() === '') throw new ToolError(`${param} must be a non-empty absolute path.`);
  if (input.includes('\0')) throw new ToolError(`${param} contains a NUL character.`);
  if (workspaceFolders.length === 0) throw new ToolError('No workspace folder is open, so tools cannot touch files. Open a folder first.');
  if (!path.isAbsolute(input)) {
    const base = options.cwd ?? workspaceFolders[0];
    const guess = input.startsWith('~') ? '' : ` Did you mean ${path.resolve(base, input)}?`;
    throw new ToolError(`${param} must be an absolute path, got "${input}".${guess}`);
  }
  const abs = path.resolve(input);
  const { real, exists } = realLocation(abs, input);
  for (const folder of workspaceFolders) {
    const realFolder = realpathOr(folder);
    if (isInside(real, realFolder)) {
      const relNative = path.relative(realFolder, real);
      return { path: relNative ? path.join(folder, relNative) : folder, real, folder, rel: relNative.split(path.sep).join('/'), exists };
    }
  }
  const lexicallyInside = workspaceFolders.some((f) => isInside(abs, f) || isInside(abs, realpathOr(f)));
  const folders = workspaceFolders.join(', ');
  if (lexicallyInside) {
    throw new ToolError(`${input} resolves through a symbolic link to ${real}, which is outside the workspace (${folders}). Tools only touch files inside the workspace folders.`);
  }
  throw new ToolError(`${input} is outside the workspace (${folders}). Tools only touch files inside the workspace folders.`);
}

/** What kind of thing is at `p` (following symlinks), without opening it. */
export function fileKind(p: string): { kind: FileKind; size: number; nlink: number; mtimeMs: number } {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', size: 0, nlink: 0, mtimeMs: 0 };
    throw err;
  }
  const kind: FileKind = st.isFile()
    ? 'file'
    : st.isDirectory()
      ? 'directory'
      : st.isFIFO()
        ? 'fifo'
        : st.isSocket()
          ? 'socket'
          : st.isCharacterDevice()
            ? 'character device'
            : st.isBlockDevice()
              ? 'block device'
              : 'other';
  return { kind, size: st.size, nlink: st.nlink, mtimeMs: st.mtimeMs };
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
