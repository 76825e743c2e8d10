/**
 * The errors of the race-free file access (safeFs.ts, safeWrite.ts): the
 * callers (nodeFiles.ts) turn them into answers for the model.
 */
import type * as fs from 'node:fs';

/** The tree changed since the path was checked (a link or a file where a folder was). */
export class PathChangedError extends Error {
  constructor(what: string) {
    super(`${what} changed while it was being opened`);
    this.name = 'PathChangedError';
  }
}

/** A regular file with several hard links: its other names may be outside the workspace. */
export class HardLinkedError extends Error {
  constructor(readonly nlink: number) {
    super(`the file has ${nlink} hard links`);
    this.name = 'HardLinkedError';
  }
}

/** Not a regular file (a directory, FIFO, device...): the caller says what it is. */
export class NotRegularFileError extends Error {
  constructor(readonly stat: fs.BigIntStats) {
    super('not a regular file');
    this.name = 'NotRegularFileError';
  }
}

/** The file appeared while it was being created. */
export class AlreadyExistsError extends Error {
  constructor() {
    super('the file appeared while it was being created');
    this.name = 'AlreadyExistsError';
  }
}
