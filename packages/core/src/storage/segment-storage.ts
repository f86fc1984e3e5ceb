/** Where held segments live. Type-only. Every implementation passes `test/storage-contract.ts`. */
import type { Clock } from '../clock/clock';
import type { SegmentKey } from '../types';

export interface StoredSegmentInfo extends SegmentKey {
  sizeBytes: number;
  /** Clock time (ms) of the last `put` or `get`. */
  lastUsedAtMs: number;
}

/**
 * Where playback is, as eviction needs it: a plain snapshot, replaced (never mutated) when the playhead
 * moves on or the player switches rendition. A segment's position is
 * `(segmentId - playheadSegmentId) * secondsPerSegmentId` seconds from the playhead: negative behind it,
 * 0 the segment playing, positive ahead.
 */
export interface PlaybackContext {
  /** A live (or still growing event) stream; false for VOD. */
  live: boolean;
  /**
   * Per `renditionId`, the `segmentId` at the playhead: the segment playing, or for a rendition not
   * playing, its segment at the same media time.
   */
  playheadSegmentIds: Readonly<Record<string, number>>;
  /**
   * The playhead `segmentId` of renditions missing from `playheadSegmentIds`, for streams whose ids line
   * up across renditions (HLS media sequence numbers usually do; start times in ms always do). Without it
   * their segments have no known position and are evicted least-recently-used first.
   */
  defaultPlayheadSegmentId?: number;
  /**
   * Media seconds per unit of `segmentId`: the (target) segment duration when ids are sequence numbers,
   * 0.001 when ids are start times in milliseconds.
   */
  secondsPerSegmentId: number;
}

export interface SegmentStorage {
  /** Total bytes held. Never above the implementation's cap once a `put` has resolved. */
  readonly usedBytes: number;
  has(key: SegmentKey): boolean;
  /**
   * Resolves `undefined` when absent. May reject (an I/O error): the engine then treats the segment as
   * not held — the player's load fetches it again from peers or the origin (with a `storage:warning`),
   * and a peer asking for it hears `absent`.
   */
  get(key: SegmentKey): Promise<Uint8Array | undefined>;
  /**
   * Stores (or replaces) a segment, evicting others to stay under the cap; one larger than the cap is not
   * held. May reject (a `ShoalError` with `source: 'storage'`, e.g. `storage-quota` when the disk is
   * full, `storage-failed` on an I/O error): the segment is then not held (`has` is false
   * for it afterwards), and the store stays usable. The engine survives it: the load that fetched the
   * bytes still settles with them, the rejection becomes a `storage:warning`, and peers are not told the
   * segment is held. Resolving means stored, or (over the cap) knowingly not held: check `has`.
   */
  put(key: SegmentKey, bytes: Uint8Array): Promise<void>;
  delete(key: SegmentKey): Promise<void>;
  /** Every held segment, synchronously (implementations keep an in-memory index). */
  list(): StoredSegmentInfo[];
  /**
   * Where playback is, so eviction keeps what the player and its peers still need (see `chooseEvictions`
   * in `eviction.ts`); `undefined` forgets it (plain least-recently-used). May evict at once (live
   * segments that fell behind the keep-behind window). Optional: the engine calls it when present.
   */
  setPlaybackContext?(context: PlaybackContext | undefined): void;
  /** Drops everything; idempotent. Nothing is held afterwards, even by a later `put`. */
  destroy(): void;
}

/** What the engine hands a persistent store it opens for a VOD stream (`ShoalConfig.persistentCache`). */
export interface PersistentStorageOptions {
  /** The stream's swarm (its info-hash): segments of other streams in the same store are kept apart. */
  namespace: string;
  capBytes: number;
  clock: Clock;
  /** Called for each held segment of this namespace the store drops by itself (eviction). */
  onEvict: (key: SegmentKey) => void;
}

/** Opens a persistent store; rejects (with a `ShoalError`, `source: 'storage'`) where none can be had. */
export type OpenPersistentStorage = (options: PersistentStorageOptions) => Promise<SegmentStorage>;
