/**
 * Plain file-system FileAccess and an in-memory ReadTracker: what headless
 * mode (`elixir-agent run`) and the tests use, and what the editor's
 * FileAccess (src/vscode/tools/files.ts) uses for the disk. Every access goes
 * through safeFs.ts/safeWrite.ts (the walk from the workspace folder that no
 * link swapped in after the check can lead out of); when the tree changed
 * under it, the path is checked again and the access retried, then refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_TEXT_FILE_BYTES, describeKind, resolveInWorkspace, type FileKind, type ResolvedPath } from './paths';
import { AlreadyExistsError, HardLinkedError, NotRegularFileError, PathChangedError, openFileBelow, readFd, statBelow } from './safeFs';
import { writeFileBelow } from './safeWrite';
import { ToolError, type FileAccess, type ReadTracker } from './types';

/** A version stamp from a stat: changes when the content, size or inode does. */
export function diskStamp(st: fs.BigIntStats): string {
  return `disk:${st.mtimeNs}:${st.size}:${st.ino}`;
}

export function kindOf(st: fs.BigIntStats | fs.Stats): FileKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return 'other';
}

export const CHANGED_WHILE_OPENING = (p: string) =>
  `${p} kept changing while it was being opened (a folder or link on the way was replaced, perhaps by another program), so nothing was read or written. Try again.`;
/** The one hard-link policy of every tool. */
export const HARD_LINKED = (p: string, n: number) =>
  `${p} has ${n} hard links: its other names may be outside the workspace, so tools do not read, search or change it.`;

const ATTEMPTS = 3;

function toToolError(err: unknown, p: ResolvedPath): unknown {
  if (err instanceof HardLinkedError) return new ToolError(HARD_LINKED(p.path, err.nlink));
  if (err instanceof NotRegularFileError) return new ToolError(`${p.path} is ${describeKind(kindOf(err.stat))}, not a regular file.`);
  if (err instanceof AlreadyExistsError) return new ToolError(`${p.path} was created by another program while it was being written, so it was not changed. Read it, then write again.`);
  return err;
}

/**
 * Run `op` on `p`; when the tree changed under it (PathChangedError), check
 * the path again (which refuses it if it now leads outside) and retry, then
 * refuse. safeFs errors become ToolErrors that say what happened.
 */
export async function onChecked<T>(p: ResolvedPath, op: (p: ResolvedPath) => T | Promise<T>): Promise<T> {
  let cur = p;
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      return await op(cur);
    } catch (err) {
      if (!(err instanceof PathChangedError)) throw toToolError(err, cur);
      cur = resolveInWorkspace(p.path, p.folders);
    }
  }
  throw new ToolError(CHANGED_WHILE_OPENING(p.path));
}

/** onChecked for synchronous operations. */
export function onCheckedSync<T>(p: ResolvedPath, op: (p: ResolvedPath) => T): T {
  let cur = p;
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      return op(cur);
    } catch (err) {
      if (!(err instanceof PathChangedError)) throw toToolError(err, cur);
      cur = resolveInWorkspace(p.path, p.folders);
    }
  }
  throw new ToolError(CHANGED_WHILE_OPENING(p.path));
}

export interface PathInfo {
  kind: FileKind;
  size: number;
  nlink: number;
  stat?: fs.BigIntStats;
}

/** What is at `p`, without opening it and without following a link (through the safe walk). */
export function statChecked(p: ResolvedPath): PathInfo {
  const st = onCheckedSync(p, (q) => statBelow(q));
  if (!st) return { kind: 'missing', size: 0, nlink: 0 };
  return { kind: kindOf(st), size: Number(st.size), nlink: Number(st.nlink), stat: st };
}

/**
 * The bytes of the regular file at `p` through the safe walk: at most
 * `maxBytes` (`whole`: a bigger file is an error instead). Missing,
 * non-regular and hard-linked files are errors.
 */
export async function readChecked(p: ResolvedPath, maxBytes: number, { whole = true } = {}): Promise<{ data: Buffer; stat: fs.BigIntStats }> {
  return onChecked(p, async (q) => {
    const opened = openFileBelow(q);
    if (!opened) throw new ToolError(`File does not exist: ${p.path}.`);
    try {
      if (whole && opened.stat.size > BigInt(maxBytes)) {
        throw new ToolError(`${p.path} is too large (${opened.stat.size} bytes; the limit is ${maxBytes}). Use Grep to search it, or Bash (e.g. \`sed -n '100,200p'\`) to see a part.`);
      }
      return { data: await readFd(opened.fd, Number(opened.stat.size), maxBytes), stat: opened.stat };
    } finally {
      fs.closeSync(opened.fd);
    }
  });
}

export class NodeFileAccess implements FileAccess {
  async readText(p: ResolvedPath): Promise<{ text: string; version: string }> {
    const { data, stat } = await readChecked(p, MAX_TEXT_FILE_BYTES);
    return { text: data.toString('utf8'), version: diskStamp(stat) };
  }

  async version(p: ResolvedPath): Promise<string | undefined> {
    const { stat } = statChecked(p);
    return stat ? diskStamp(stat) : undefined;
  }

  /**
   * A new file is created exclusively; an existing one replaced atomically
   * (a temporary file beside it takes its place, keeping its permission bits),
   * so a full disk or a crash never leaves a half-written file.
   */
  async writeText(p: ResolvedPath, text: string): Promise<void> {
    await onChecked(p, (q) => writeFileBelow(q, Buffer.from(text, 'utf8')));
  }
}

/** The read-before-write memory of one conversation. */
export class MemoryReadTracker implements ReadTracker {
  private readonly seen = new Map<string, string>();

  markRead(absPath: string, version: string): void {
    this.seen.set(path.resolve(absPath), version);
  }

  lastRead(absPath: string): string | undefined {
    return this.seen.get(path.resolve(absPath));
  }

  clear(): void {
    this.seen.clear();
  }
}
