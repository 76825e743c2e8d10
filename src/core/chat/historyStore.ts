/**
 * Saved conversations of one workspace: `<dir>/conversations/<id>.json`, one
 * file per conversation, plus `<dir>/index.json` (the list and the open
 * conversation). Every write is atomic: a temporary file is written and
 * fsynced, then renamed over the old one, then the folder is fsynced. A crash
 * or a killed extension host leaves either the old or the new file, never a
 * half-written one; a leftover temporary file is ignored and cleaned up.
 * The index is derived data: when it is missing or unreadable it is rebuilt
 * from the conversation files, with a warning in the log and `onRepaired`
 * (the editor tells the user).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ConversationEntry } from './records';
import { isConversationRecord, type ConversationRecord } from './conversation';

interface IndexFile {
  version: 1;
  /** The conversation open when the editor closed. */
  active?: string;
  conversations: ConversationEntry[];
}

const TMP_SUFFIX = '.tmp';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export interface StoreOptions {
  /** Conversations kept; older ones are deleted (never the open one). A function is read at each save (a setting that may change). */
  maxConversations?: number | (() => number);
  log?: { warn(message: string): void };
  /** The index was damaged (or lost while conversations remained) and was rebuilt from the conversation files. */
  onRepaired?: (repair: IndexRepair) => void;
}

/** What a rebuild of the index found. */
export interface IndexRepair {
  /** Why the index was rebuilt: `missing` (conversations without an index) or the parse problem. */
  reason: string;
  /** Conversations recovered from their files. */
  recovered: number;
}

/** Writes `text` to `file` atomically. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`);
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Not every platform can fsync a directory (Windows); the rename is still atomic.
  }
}

export class ConversationStore {
  private readonly convDir: string;
  private readonly indexFile: string;
  private index?: IndexFile;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly options: StoreOptions = {},
  ) {
    this.convDir = path.join(dir, 'conversations');
    this.indexFile = path.join(dir, 'index.json');
  }

  /** Conversations, most recently updated first. */
  async list(): Promise<ConversationEntry[]> {
    const index = await this.loadIndex();
    return [...index.conversations].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async load(id: string): Promise<ConversationRecord | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const file = this.fileOf(id);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isConversationRecord(parsed)) return parsed;
      throw new Error('not a conversation');
    } catch (err) {
      // Cannot happen with atomic writes, but a damaged disk or a hand edit can: keep the file aside, don't crash.
      const aside = `${file}.unreadable-${Date.now()}`;
      await fs.rename(file, aside).catch(() => undefined);
      this.options.log?.warn(`conversation ${id} could not be read (${err instanceof Error ? err.message : String(err)}); moved to ${aside}`);
      // Not awaited: load() may run inside a queued write (rename).
      void this.serial(async () => {
        const index = await this.loadIndex();
        index.conversations = index.conversations.filter((c) => c.id !== id);
        await this.writeIndex(index);
      }).catch(() => undefined);
      return undefined;
    }
  }

  /** Saves a conversation (atomically) and updates the index. Conversations without messages are not saved. */
  save(record: ConversationRecord): Promise<void> {
    if (!ID_PATTERN.test(record.id)) return Promise.reject(new Error(`invalid conversation id ${record.id}`));
    return this.serial(async () => {
      if (record.messages.length === 0) return;
      await writeFileAtomic(this.fileOf(record.id), JSON.stringify(record));
      const index = await this.loadIndex();
      const summary: ConversationEntry = { id: record.id, title: record.title, updatedAt: record.updatedAt, messageCount: record.messages.length };
      index.conversations = [summary, ...index.conversations.filter((c) => c.id !== record.id)];
      await this.prune(index);
      await this.writeIndex(index);
    });
  }

  rename(id: string, title: string): Promise<void> {
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, 200);
    if (!clean) return Promise.reject(new Error('a conversation title cannot be empty'));
    return this.serial(async () => {
      const record = await this.load(id);
      if (!record) throw new Error(`no conversation ${id}`);
      record.title = clean;
      await writeFileAtomic(this.fileOf(id), JSON.stringify(record));
      const index = await this.loadIndex();
      index.conversations = index.conversations.map((c) => (c.id === id ? { ...c, title: clean } : c));
      await this.writeIndex(index);
    });
  }

  delete(id: string): Promise<void> {
    return this.serial(async () => {
      if (ID_PATTERN.test(id)) await fs.rm(this.fileOf(id), { force: true });
      const index = await this.loadIndex();
      index.conversations = index.conversations.filter((c) => c.id !== id);
      if (index.active === id) index.active = undefined;
      await this.writeIndex(index);
    });
  }

  async getActive(): Promise<string | undefined> {
    return (await this.loadIndex()).active;
  }

  setActive(id: string | undefined): Promise<void> {
    return this.serial(async () => {
      const index = await this.loadIndex();
      if (index.active === id) return;
      index.active = id;
      await this.writeIndex(index);
    });
  }

  /** Waits for every queued write. */
  async flush(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private fileOf(id: string): string {
    return path.join(this.convDir, `${id}.json`);
  }

  /** One write at a time, in order; a failure is reported to its caller and does not block the next. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async loadIndex(): Promise<IndexFile> {
    if (this.index) return this.index;
    let index: IndexFile;
    try {
      const parsed = JSON.parse(await fs.readFile(this.indexFile, 'utf8')) as IndexFile;
      if (parsed?.version !== 1 || !Array.isArray(parsed.conversations)) throw new Error('unexpected index format');
      index = await this.reconcile(parsed);
    } catch (err) {
      index = await this.rebuildIndex();
      const missing = (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      // No index and no conversations is a fresh workspace, not a repair.
      if (!missing || index.conversations.length > 0) {
        const reason = missing ? 'missing' : err instanceof Error ? err.message : String(err);
        this.options.log?.warn(`the history index (${this.indexFile}) was ${missing ? 'missing' : `damaged (${reason})`}; rebuilt it from ${index.conversations.length} conversation file(s)`);
        try {
          this.options.onRepaired?.({ reason, recovered: index.conversations.length });
        } catch {
          // a listener's failure must not break loading the history
        }
      }
    }
    await this.removeStaleTemps();
    this.index ??= index;
    return this.index;
  }

  /** A crash between writing a conversation and writing the index leaves them out of step: trust the files. */
  private async reconcile(index: IndexFile): Promise<IndexFile> {
    let names: string[];
    try {
      names = (await fs.readdir(this.convDir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    } catch {
      names = [];
    }
    const onDisk = new Set(names.map((n) => n.slice(0, -'.json'.length)));
    const listed = new Set(index.conversations.map((c) => c.id));
    const conversations = index.conversations.filter((c) => onDisk.has(c.id));
    for (const id of onDisk) {
      if (listed.has(id)) continue;
      const summary = await this.summaryOf(path.join(this.convDir, `${id}.json`));
      if (summary) conversations.push(summary);
    }
    return { ...index, conversations };
  }

  private async summaryOf(file: string): Promise<ConversationEntry | undefined> {
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
      if (!isConversationRecord(parsed)) return undefined;
      return { id: parsed.id, title: parsed.title, updatedAt: parsed.updatedAt, messageCount: parsed.messages.length };
    } catch {
      this.options.log?.warn(`skipping unreadable conversation file ${path.basename(file)}`);
      return undefined;
    }
  }

  /** Rebuilds the list from the conversation files (the index was missing or damaged). */
  private async rebuildIndex(): Promise<IndexFile> {
    const conversations: ConversationEntry[] = [];
    let names: string[] = [];
    try {
      names = await fs.readdir(this.convDir);
    } catch {
      return { version: 1, conversations };
    }
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const summary = await this.summaryOf(path.join(this.convDir, name));
      if (summary) conversations.push(summary);
    }
    return { version: 1, conversations };
  }

  /** Temporary files left by a crash (older than a minute, so another window's write in progress is spared). */
  private async removeStaleTemps(): Promise<void> {
    for (const dir of [this.dir, this.convDir]) {
      let names: string[] = [];
      try {
        names = await fs.readdir(dir);
      } catch {
        continue;
      }
      for (const name of names.filter((n) => n.startsWith('.') && n.endsWith(TMP_SUFFIX))) {
        const file = path.join(dir, name);
        try {
          const st = await fs.stat(file);
          if (Date.now() - st.mtimeMs > 60_000) await fs.rm(file, { force: true });
        } catch {
          // already gone
        }
      }
    }
  }

  private async prune(index: IndexFile): Promise<void> {
    const option = this.options.maxConversations;
    const max = (typeof option === 'function' ? option() : option) ?? 200;
    if (index.conversations.length <= max) return;
    const sorted = [...index.conversations].sort((a, b) => b.updatedAt - a.updatedAt);
    const keep = new Set(sorted.slice(0, max).map((c) => c.id));
    if (index.active) keep.add(index.active);
    for (const c of index.conversations) if (!keep.has(c.id)) await fs.rm(this.fileOf(c.id), { force: true });
    index.conversations = index.conversations.filter((c) => keep.has(c.id));
  }

  private async writeIndex(index: IndexFile): Promise<void> {
    this.index = index;
    await writeFileAtomic(this.indexFile, JSON.stringify(index));
  }
}
