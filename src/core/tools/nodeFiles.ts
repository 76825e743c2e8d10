/**
 * Plain file-system FileAccess and an in-memory ReadTracker: what headless
 * mode (`elixir-agent run`) and the tests use. The editor has its own
 * FileAccess (src/vscode/tools/files.ts) that sees unsaved buffers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { MAX_TEXT_FILE_BYTES, describeKind, type FileKind } from './paths';
import { ToolError, type FileAccess, type ReadTracker } from './types';

/** A version stamp from a stat: changes when the content, size or inode does. */
export function diskStamp(st: fs.BigIntStats): string {
  return `disk:${st.mtimeNs}:${st.size}:${st.ino}`;
}

function kindOf(st: fs.BigIntStats): FileKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return 'other';
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/**
 * Read a regular file's text safely: opened non-blocking (a FIFO swapped in
 * cannot hang us), without following a final symlink, and checked with fstat
 * on the open descriptor before reading.
 */
export async function readRegularFile(absPath: string, maxBytes = MAX_TEXT_FILE_BYTES): Promise<{ data: Buffer; stat: fs.BigIntStats }> {
  const handle = await fs.promises.open(absPath, fs.constants.O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
  try {
    const stat = await handle.stat({ bigint: true });
    const kind = kindOf(stat);
    if (kind !== 'file') throw new ToolError(`${absPath} is ${describeKind(kind)}, not a regular file.`);
    if (stat.size > BigInt(maxBytes)) {
      throw new ToolError(`${absPath} is too large (${stat.size} bytes; the limit is ${maxBytes}). Use Grep to search it, or Bash (e.g. \`sed -n '100,200p'\`) to see a part.`);
    }
    const data = await handle.readFile();
    return { data, stat };
  } finally {
    await handle.close();
  }
}

export class NodeFileAccess implements FileAccess {
  async readText(absPath: string): Promise<{ text: string; version: string }> {
    const { data, stat } = await readRegularFile(absPath);
    return { text: data.toString('utf8'), version: diskStamp(stat) };
  }

  async version(absPath: string): Promise<string | undefined> {
    try {
      return diskStamp(await fs.promises.stat(absPath, { bigint: true }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Atomic replace: the text goes to a temporary file beside the target,
   * which then takes the target's place (keeping its permission bits), so a
   * full disk or a crash never leaves a half-written file.
   */
  async writeText(absPath: string, text: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(absPath), { recursive: true });
    let mode: number | undefined;
    try {
      const st = await fs.promises.stat(absPath);
      if (!st.isFile()) throw new ToolError(`${absPath} is not a regular file; it was not written.`);
      mode = st.mode & 0o7777;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const tmp = path.join(path.dirname(absPath), `.${path.basename(absPath)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.promises.writeFile(tmp, text, { encoding: 'utf8', flag: 'wx', mode: mode ?? 0o666 });
      if (mode !== undefined) await fs.promises.chmod(tmp, mode);
      await fs.promises.rename(tmp, absPath);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
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
