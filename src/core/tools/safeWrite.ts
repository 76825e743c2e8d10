/**
 * Writing a workspace file without a race between the path check and the
 * write (see safeFs.ts for what each platform guarantees): the parent folder
 * is opened by the safe walk (missing folders created on the way), a new file
 * is created in it with O_CREAT|O_EXCL|O_NOFOLLOW, and an existing one is
 * replaced atomically by a temporary file created and renamed inside that
 * same held folder, so a folder swapped for a link out cannot redirect it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  AlreadyExistsError,
  DirCache,
  HardLinkedError,
  NotRegularFileError,
  PathChangedError,
  assertInside,
  at,
  code,
  lstatOrUndefined,
  portableCheck,
  portableStill,
  safeFsMode,
  segments,
  type Below,
} from './safeFs';

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const writeFd = promisify(fs.write);

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await writeFd(fd, data, done, data.length - done, done)).bytesWritten;
}

/**
 * Write `data` to `b`, creating missing folders below the workspace folder.
 * A new file is created exclusively (AlreadyExistsError if one appeared); an
 * existing regular file is replaced atomically (a temporary file beside it,
 * renamed over it), keeping its permission bits. Links, non-regular files and
 * hard-linked files are refused.
 */
export async function writeFileBelow(b: Below, data: Buffer): Promise<void> {
  const procfs = safeFsMode() === 'procfs';
  const dirs = new DirCache();
  try {
    const segs = segments(b.rel);
    const name = segs.pop();
    if (!name) throw new NotRegularFileError(fs.lstatSync(b.root, { bigint: true }));
    let dir: (n: string) => string;
    if (procfs) {
      const dirFd = dirs.open(b.root, segs, true)!;
      assertInside(dirFd, b.root);
      dir = (n) => at(dirFd, n);
    } else {
      const parent = path.join(b.root, ...segs);
      fs.mkdirSync(parent, { recursive: true });
      portableCheck(parent, b.root);
      dir = (n) => path.join(parent, n);
    }
    const existing = lstatOrUndefined(dir(name));
    if (existing?.isSymbolicLink()) throw new PathChangedError(b.rel);
    if (existing && !existing.isFile()) throw new NotRegularFileError(existing);
    if (existing && existing.nlink > 1n) throw new HardLinkedError(Number(existing.nlink));
    const target = existing ? `.${name}.${randomBytes(6).toString('hex')}.tmp` : name;
    const perms = existing ? Number(existing.mode & 0o7777n) : 0o666;
    let fd: number;
    try {
      fd = fs.openSync(dir(target), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, perms);
    } catch (err) {
      if (code(err) === 'EEXIST' && !existing) throw new AlreadyExistsError();
      throw err;
    }
    let made: fs.BigIntStats;
    try {
      made = fs.fstatSync(fd, { bigint: true });
      // Portable: the file just created must be the one at the checked place before any data goes in.
      if (!procfs) portableStill(dir(target), made, b.root);
      await writeAll(fd, data);
      if (existing) fs.fchmodSync(fd, perms);
    } catch (err) {
      fs.closeSync(fd);
      // A new file keeps its name (another program may own it now); a temporary name is ours alone.
      if (existing || !(err instanceof PathChangedError)) fs.rmSync(dir(target), { force: true });
      throw err;
    }
    fs.closeSync(fd);
    if (!existing) return;
    try {
      if (!procfs) portableCheck(path.dirname(dir(name)), b.root);
      fs.renameSync(dir(target), dir(name));
    } catch (err) {
      fs.rmSync(dir(target), { force: true });
      throw err;
    }
    // Portable: a swap during the rename is not undone, but it is reported (and the write retried), not called a success.
    if (!procfs) portableStill(dir(name), made, b.root);
  } finally {
    dirs.close();
  }
}
