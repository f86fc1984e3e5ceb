/**
 * A store whose `put` always rejects, as `IndexedDbSegmentStorage` does with `storage-quota` when the
 * disk is full: what the `SegmentStorage` contract allows a store to do (see `storage/segment-storage.ts`).
 * Everything else is a working in-memory store that holds nothing.
 */
import type { Clock } from '../../src/clock/clock';
import { ShoalError } from '../../src/errors';
import { MemoryStorage } from '../../src/storage/memory-storage';
import type { SegmentStorage, StoredSegmentInfo } from '../../src/storage/segment-storage';
import type { SegmentKey } from '../../src/types';

export class RejectingStorage implements SegmentStorage {
  /** How many `put` calls were refused. */
  rejectedPuts = 0;
  private readonly inner: MemoryStorage;

  constructor(options: { clock: Clock }) {
    this.inner = new MemoryStorage({ capBytes: 64 * 1024 * 1024, clock: options.clock });
  }

  get usedBytes(): number {
    return this.inner.usedBytes;
  }

  has(key: SegmentKey): boolean {
    return this.inner.has(key);
  }

  get(key: SegmentKey): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  async put(_key: SegmentKey, _bytes: Uint8Array): Promise<void> {
    this.rejectedPuts++;
    throw new ShoalError('storage-quota', 'Quota exceeded (test store)', { source: 'storage' });
  }

  delete(key: SegmentKey): Promise<void> {
    return this.inner.delete(key);
  }

  list(): StoredSegmentInfo[] {
    return this.inner.list();
  }

  destroy(): void {
    this.inner.destroy();
  }
}
