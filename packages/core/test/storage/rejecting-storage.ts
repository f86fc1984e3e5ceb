/**
 * A store whose `put` rejects, as `IndexedDbSegmentStorage` does with `storage-quota` when the disk is
 * full, or (`failing: 'get'`) whose reads reject, as a broken IndexedDB does: what the `SegmentStorage`
 * contract allows a store to do (see `storage/segment-storage.ts`). Everything else is a working
 * in-memory store (holding nothing when puts fail).
 */
import type { Clock } from '../../src/clock/clock';
import { ShoalError } from '../../src/errors';
import { MemoryStorage } from '../../src/storage/memory-storage';
import type { SegmentStorage, StoredSegmentInfo } from '../../src/storage/segment-storage';
import type { SegmentKey } from '../../src/types';

export class RejectingStorage implements SegmentStorage {
  /** How many `put` calls were refused. */
  rejectedPuts = 0;
  /** How many `get` calls were refused. */
  rejectedGets = 0;
  private readonly inner: MemoryStorage;
  private readonly failing: 'put' | 'get';

  constructor(options: { clock: Clock; failing?: 'put' | 'get' }) {
    this.inner = new MemoryStorage({ capBytes: 64 * 1024 * 1024, clock: options.clock });
    this.failing = options.failing ?? 'put';
  }

  get usedBytes(): number {
    return this.inner.usedBytes;
  }

  has(key: SegmentKey): boolean {
    return this.inner.has(key);
  }

  async get(key: SegmentKey): Promise<Uint8Array | undefined> {
    if (this.failing === 'put') return this.inner.get(key);
    this.rejectedGets++;
    throw new ShoalError('storage-failed', 'Read failed (test store)', { source: 'storage' });
  }

  async put(key: SegmentKey, bytes: Uint8Array): Promise<void> {
    if (this.failing === 'get') return this.inner.put(key, bytes);
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
