import type { Clock } from '../clock/clock';
import type { SegmentKey } from '../types';
import type { SegmentStorage, StoredSegmentInfo } from './segment-storage';
import { segmentKeyString } from '../segment-key';

interface Entry {
  info: StoredSegmentInfo;
  bytes: Uint8Array;
}

export interface MemoryStorageOptions {
  capBytes: number;
  clock: Clock;
  /** Called for each segment evicted to stay under the cap. */
  onEvict?: (key: SegmentKey) => void;
}

/** Segments in memory, with a byte cap: past it the least-recently-used segments are evicted. */
export class MemoryStorage implements SegmentStorage {
  private readonly entries = new Map<string, Entry>();
  private readonly options: MemoryStorageOptions;
  private used = 0;

  constructor(options: MemoryStorageOptions) {
    this.options = options;
  }

  get usedBytes(): number {
    return this.used;
  }

  has(key: SegmentKey): boolean {
    return this.entries.has(segmentKeyString(key));
  }

  async get(key: SegmentKey): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(segmentKeyString(key));
    if (!entry) return undefined;
    entry.info.lastUsedMs = this.options.clock.now();
    return entry.bytes;
  }

  async put(key: SegmentKey, bytes: Uint8Array): Promise<void> {
    const id = segmentKeyString(key);
    this.remove(id);
    const info = { renditionId: key.renditionId, segmentId: key.segmentId, sizeBytes: bytes.byteLength, lastUsedMs: this.options.clock.now() };
    this.entries.set(id, { info, bytes });
    this.used += bytes.byteLength;
    this.evictOverCap(id);
  }

  async delete(key: SegmentKey): Promise<void> {
    this.remove(segmentKeyString(key));
  }

  list(): StoredSegmentInfo[] {
    return [...this.entries.values()].map((e) => ({ ...e.info }));
  }

  destroy(): void {
    this.entries.clear();
    this.used = 0;
  }

  private remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.used -= entry.bytes.byteLength;
    return true;
  }

  private evictOverCap(keepId: string): void {
    if (this.used <= this.options.capBytes) return;
    const byAge = [...this.entries.entries()].sort((a, b) => a[1].info.lastUsedMs - b[1].info.lastUsedMs);
    for (const [id, entry] of byAge) {
      if (this.used <= this.options.capBytes) break;
      if (id === keepId) continue;
      this.remove(id);
      this.options.onEvict?.(entry.info);
    }
  }
}
