/**
 * Saving a conversation in order: each save takes a snapshot of the record
 * when it is asked for and runs after the saves before it, so a slow save
 * never overwrites a newer one. A failed save is logged; the next one writes
 * the whole record again.
 */
import type { ModelLogger } from '../model/client';
import type { ConversationRecord } from './conversation';

export class OrderedSaver {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly record: ConversationRecord,
    private readonly write?: (record: ConversationRecord) => Promise<void>,
    private readonly log?: ModelLogger,
  ) {}

  /** Queues a save of the record as it is now; resolves when it (and every save before it) is done. */
  save(): Promise<void> {
    const write = this.write;
    if (!write) return Promise.resolve();
    this.record.updatedAt = Date.now();
    const snapshot = structuredClone(this.record);
    this.saving = this.saving.then(() =>
      write(snapshot).catch((err: unknown) => {
        this.log?.error(`saving the conversation failed: ${err instanceof Error ? err.message : String(err)}`);
      }),
    );
    return this.saving;
  }

  /** Waits for pending saves. */
  flush(): Promise<void> {
    return this.saving;
  }
}
