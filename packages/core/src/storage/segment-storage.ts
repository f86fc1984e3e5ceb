/** Where held segments live. Type-only. Every implementation passes `test/storage-contract.ts`. */
import type { SegmentKey } from '../types';

export interface StoredSegmentInfo extends SegmentKey {
  sizeBytes: number;
  /** Clock time (ms) of the last `put` or `get`. */
  lastUsedMs: number;
}

export interface SegmentStorage {
  /** Total bytes held. */
  readonly usedBytes: number;
  has(key: SegmentKey): boolean;
  /** Resolves `undefined` when absent. */
  get(key: SegmentKey): Promise<Uint8Array | undefined>;
  put(key: SegmentKey, bytes: Uint8Array): Promise<void>;
  delete(key: SegmentKey): Promise<void>;
  /** Every held segment, synchronously (implementations keep an in-memory index). */
  list(): StoredSegmentInfo[];
  destroy(): void;
}
