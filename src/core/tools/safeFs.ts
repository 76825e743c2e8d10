/**
 * Opening workspace files without a race between the path check
 * (paths.ts resolveInWorkspace) and the open: a folder swapped for a link
 * out of the workspace in between must not lead the open outside.
 *
 * What each platform guarantees:
 * - Linux with /proc mounted (the normal case, also in containers and VS Code
 *   remotes): race-free. Node has no openat(), but a path through
 *   `/proc/self/fd/<dirfd>/<name>` is looked up in the directory object that
 *   descriptor holds, like openat(dirfd, name). Every operation starts from
 *   the workspace folder's descriptor and opens one component at a time with
 *   O_DIRECTORY|O_NOFOLLOW; the last one with O_NOFOLLOW (O_CREAT|O_EXCL for a
 *   new file; an atomic replace writes a temporary file created in the held
 *   parent directory and renames it there). The final descriptor's real path
 *   (readlink /proc/self/fd/N) must still be inside the workspace folder, which
 *   catches a folder moved out of the workspace during the walk. A link or a
 *   file met where the check saw a folder means the tree changed:
 *   PathChangedError, and the caller checks the path again and retries, then
 *   refuses.
 * - macOS, Windows, and Linux without /proc: best effort. The file is opened
 *   by its checked real path (O_NOFOLLOW where the platform has it); fstat of
 *   the descriptor must show the device and inode that lstat showed just
 *   before and after, and the path's realpath must still be the checked one
 *   around that second lstat, else PathChangedError. A swap in place at the
 *   lstat and the open, undone at each realpath and redone at the second lstat
 *   is not detected. This mode forced on Linux against the race suite
 *   (4,000 calls, several runs): reads 0 to 7 of 1,360 escaped, and 15 to 45
 *   writes created a file outside (most left empty: data is written only
 *   after the check); with /proc, 0 of 10,000.
 *
 * Hard links: a regular file with more than one link is refused here
 * (HardLinkedError) for reading and writing alike, unless the caller only
 * asks for its stat.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { isInside } from './paths';
import { HardLinkedError, NotRegularFileError, PathChangedError } from './safeFsErrors';

const C = fs.constants;
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_DIRECTORY = C.O_DIRECTORY ?? 0;
const O_NONBLOCK = C.O_NONBLOCK ?? 0;
const O_NOCTTY = C.O_NOCTTY ?? 0;

/** A location below a workspace folder: the folder's real path and a `/`-separated relative path. */
export interface Below {
  root: string;
  rel: string;
}

export { AlreadyExistsError, HardLinkedError, NotRegularFileError, PathChangedError } from './safeFsErrors';

export type SafeFsMode = 'procfs' | 'portable';
let mode: SafeFsMode | undefined;

/** Which guarantee this process has (see the header); probed once. */
export function safeFsMode(): SafeFsMode {
  if (mode) return mode;
  mode = 'portable';
  if (process.platform === 'linux') {
    try {
      const fd = fs.openSync('/', C.O_RDONLY | O_DIRECTORY);
      try {
        if (fs.readlinkSync(`/proc/self/fd/${fd}`) === '/' && fs.statSync(`/proc/self/fd/${fd}/.`).ino === fs.statSync('/').ino) mode = 'procfs';
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // no /proc: portable
    }
  }
  return mode;
}

/** For tests: force a mode (undefined probes again). */
export function setSafeFsMode(m: SafeFsMode | undefined): void {
  mode = m;
}

/** The names of a relative path; `..`, `.` and empty names never reach the walk (it would step up). */
export function segments(rel: string): string[] {
  const segs = rel ? rel.split('/') : [];
  if (segs.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) throw new PathChangedError(rel);
  return segs;
}
export const at = (dirFd: number, name: string) => `/proc/self/fd/${dirFd}/${name}`;
export const code = (err: unknown) => (err as NodeJS.ErrnoException).code;
const readAsync = promisify(fs.read);
const closeFd = promisify(fs.close);

export function lstatOrUndefined(p: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(p, { bigint: true });
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Directory descriptors opened during one batch (Grep's check of many files); close() at the end. */
export class DirCache {
  private readonly fds = new Map<string, number>();

  /** The descriptor of the folder `segs` below `root`, opened without following links; undefined if missing. */
  open(root: string, segs: string[], create = false): number | undefined {
    const key = (n: number) => `${root}\0${segs.slice(0, n).join('/')}`;
    let n = segs.length;
    while (n > 0 && !this.fds.has(key(n))) n--;
    let fd = this.fds.get(key(n));
    if (fd === undefined) {
      fd = fs.openSync(root, C.O_RDONLY | O_DIRECTORY);
      this.fds.set(key(0), fd);
    }
    for (; n < segs.length; n++) {
      const next = openDirAt(fd, segs[n]!, create);
      if (next === undefined) return undefined;
      fd = next;
      this.fds.set(key(n + 1), fd);
    }
    return fd;
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}

function openDirAt(dirFd: number, name: string, create: boolean): number | undefined {
  const flags = C.O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
  try {
    return fs.openSync(at(dirFd, name), flags);
  } catch (err) {
    if (code(err) === 'ENOENT') {
      if (!create) return undefined;
      try {
        fs.mkdirSync(at(dirFd, name));
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e;
      }
      try {
        return fs.openSync(at(dirFd, name), flags);
      } catch (e) {
        if (code(e) === 'ENOTDIR' || code(e) === 'ELOOP' || code(e) === 'ENOENT') throw new PathChangedError(name);
        throw e;
      }
    }
    // O_DIRECTORY|O_NOFOLLOW on a link or a file: the check saw a folder here.
    if (code(err) === 'ENOTDIR' || code(err) === 'ELOOP') throw new PathChangedError(name);
    throw err;
  }
}

/** The descriptor's real path must be inside root (a folder moved out during the walk is caught here). */
export function assertInside(fd: number, root: string): void {
  const where = fs.readlinkSync(`/proc/self/fd/${fd}`);
  const gone = where.endsWith(' (deleted)') && fs.fstatSync(fd).nlink === 0;
  if (gone || !isInside(where, root)) throw new PathChangedError(where);
}

/**
 * Run `fn` with the held parent folder of `b` and the last name; undefined
 * when a folder on the way is missing. `checkParent: false` when the caller
 * checks the real path of what it opens there instead.
 */
function withParent<T>(b: Below, create: boolean, dirs: DirCache | undefined, fn: (dirFd: number, name: string) => T, checkParent = true): T | undefined {
  const segs = segments(b.rel);
  const name = segs.pop();
  const own = dirs ?? new DirCache();
  try {
    const dirFd = own.open(b.root, segs, create);
    if (dirFd === undefined) return undefined;
    if (checkParent) assertInside(dirFd, b.root);
    return fn(dirFd, name ?? '.');
  } finally {
    if (!dirs) own.close();
  }
}

// ---- portable (no /proc): check, open by path, check again ----

/** `full` (or, when missing, its nearest existing folder) must be where the check saw it: no link on the way, inside root. */
export function portableCheck(full: string, root: string): void {
  let real: string;
  try {
    real = fs.realpathSync.native(full);
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw err;
    const parent = path.dirname(full);
    if (parent === full || !isInside(parent, root)) throw new PathChangedError(full);
    portableCheck(parent, root);
    return;
  }
  if (!isInside(real, full) || !isInside(full, real) || !isInside(real, root)) throw new PathChangedError(full);
}

/** Portable: `full` still names, with no link, the file `st` describes; checked twice around an lstat, so a swap must flip back and forth to pass. */
export function portableStill(full: string, st: fs.BigIntStats, root: string): void {
  portableCheck(full, root);
  const there = lstatOrUndefined(full);
  if (!there || there.dev !== st.dev || there.ino !== st.ino) throw new PathChangedError(full);
  portableCheck(full, root);
}

/** lstat of `b` (never following a link at the end); undefined when missing. */
export function statBelow(b: Below, dirs?: DirCache): fs.BigIntStats | undefined {
  let st: fs.BigIntStats | undefined;
  if (safeFsMode() === 'procfs') {
    st = withParent(b, false, dirs, (dirFd, name) => lstatOrUndefined(at(dirFd, name)));
  } else {
    const full = path.join(b.root, ...segments(b.rel));
    try {
      st = lstatOrUndefined(full);
    } catch (err) {
      if (code(err) !== 'ENOTDIR') throw err;
      throw new PathChangedError(full);
    }
    portableCheck(full, b.root);
  }
  if (st?.isSymbolicLink()) throw new PathChangedError(b.rel);
  return st;
}

/**
 * Open the regular file at `b` for reading (non-blocking: a FIFO swapped in
 * cannot hang us). Undefined when missing. The caller closes the descriptor.
 */
export function openFileBelow(b: Below, dirs?: DirCache, options: { allowHardLinks?: boolean } = {}): { fd: number; stat: fs.BigIntStats } | undefined {
  const flags = C.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  const open = (p: string): number | undefined => {
    try {
      return fs.openSync(p, flags);
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      if (code(err) === 'ELOOP') throw new PathChangedError(b.rel); // a link at the end
      throw err;
    }
  };
  const procfs = safeFsMode() === 'procfs';
  const full = path.join(b.root, ...segments(b.rel));
  let fd: number | undefined;
  let before: fs.BigIntStats | undefined;
  if (procfs) {
    // Opened in the held parent without a look first (O_NONBLOCK|O_NOCTTY: a FIFO or terminal swapped in neither
    // blocks nor takes over); the parent is not checked, the opened file's own real path is, below.
    fd = withParent(b, false, dirs, (dirFd, name) => open(at(dirFd, name)), false);
  } else {
    before = statBelow(b);
    if (!before) return undefined;
    if (!before.isFile()) throw new NotRegularFileError(before);
    fd = open(full);
    if (fd === undefined) throw new PathChangedError(full);
  }
  if (fd === undefined) return undefined;
  try {
    const stat = fs.fstatSync(fd, { bigint: true });
    if (before && (stat.dev !== before.dev || stat.ino !== before.ino)) throw new PathChangedError(b.rel);
    if (procfs) assertInside(fd, b.root);
    else portableStill(full, stat, b.root);
    if (!stat.isFile()) throw new NotRegularFileError(stat);
    if (stat.nlink > 1n && !options.allowHardLinks) throw new HardLinkedError(Number(stat.nlink));
    return { fd, stat };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Read up to `maxBytes` of an open descriptor (the whole file when it is smaller). */
export async function readFd(fd: number, size: number, maxBytes: number): Promise<Buffer> {
  const want = Math.min(size, maxBytes);
  const buf = Buffer.alloc(want);
  let got = 0;
  while (got < want) {
    const { bytesRead } = await readAsync(fd, buf, got, want - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The regular file at `b` (RangeError when bigger than `maxBytes`); undefined when missing. */
export async function readFileBelow(b: Below, maxBytes = Infinity): Promise<{ data: Buffer; stat: fs.BigIntStats } | undefined> {
  const opened = openFileBelow(b);
  if (!opened) return undefined;
  try {
    if (Number(opened.stat.size) > maxBytes) throw new RangeError(`${b.rel} is larger than ${maxBytes} bytes`);
    return { data: await readFd(opened.fd, Number(opened.stat.size), maxBytes), stat: opened.stat };
  } finally {
    await closeFd(opened.fd);
  }
}

/** Entries of the folder at `b`, read through a descriptor opened without following links. */
export async function readdirBelow(b: Below): Promise<fs.Dirent[]> {
  if (safeFsMode() === 'procfs') {
    const dirs = new DirCache();
    try {
      const fd = dirs.open(b.root, segments(b.rel));
      if (fd === undefined) throw Object.assign(new Error(`${b.rel}: no such folder`), { code: 'ENOENT' });
      assertInside(fd, b.root);
      return await fs.promises.readdir(`/proc/self/fd/${fd}`, { withFileTypes: true });
    } finally {
      dirs.close();
    }
  }
  const full = path.join(b.root, ...segments(b.rel));
  portableCheck(full, b.root);
  const entries = await fs.promises.readdir(full, { withFileTypes: true });
  portableCheck(full, b.root);
  return entries;
}

/** The target of the link at `b` (read in its held parent folder). */
export function readlinkBelow(b: Below): string {
  if (safeFsMode() === 'procfs') {
    const target = withParent(b, false, undefined, (dirFd, name) => fs.readlinkSync(at(dirFd, name)));
    if (target === undefined) throw Object.assign(new Error(`${b.rel}: no such file`), { code: 'ENOENT' });
    return target;
  }
  const full = path.join(b.root, ...segments(b.rel));
  portableCheck(path.dirname(full), b.root);
  return fs.readlinkSync(full);
}
