/**
 * The engine's segment store: the platform's, or memory, or (`persistentCache`) memory that hands over to a
 * persistent store once the stream is known to be VOD (`FallbackStorage`). A failing store is a
 * `storage:warning`, never a failed load.
 */
import type { Clock } from '../clock/clock';
import type { ShoalConfig } from '../config';
import type { ShoalError } from '../errors';
import { FallbackStorage } from '../storage/fallback-storage';
import { IndexedDbSegmentStorage } from '../storage/indexeddb-storage';
import { MemoryStorage } from '../storage/memory-storage';
import type { SegmentStorage, StoredSegmentInfo } from '../storage/segment-storage';
import { storageFailure } from '../storage/storage-failure';
import { infoHashFromSwarmId } from '../swarm/swarm-identity';
import type { SegmentKey } from '../types';
import type { ShoalPlatform } from './shoal-platform';

export interface EngineStorageOptions {
  config: ShoalConfig;
  platform: Pick<ShoalPlatform, 'storage' | 'openPersistentStorage' | 'shareSegmentBytes'>;
  clock: Clock;
  /** A segment left the store (evicted, or lost with a failing persistent store). */
  onEvict: (key: SegmentKey) => void;
  onWarning: (error: ShoalError) => void;
  /** The persistent store opened holding `segments` from earlier pages. */
  onRestored: (segments: StoredSegmentInfo[]) => void;
}

export class EngineStorage {
  readonly storage: SegmentStorage;
  /** Set when `persistentCache` is on (and no `platform.storage` given). */
  private readonly fallbackStorage: FallbackStorage | undefined;
  private readonly options: EngineStorageOptions;

  constructor(options: EngineStorageOptions) {
    this.options = options;
    const { config, platform, clock } = options;
    const memory = new MemoryStorage({
      capBytes: config.storageCapBytes,
      clock,
      onEvict: (key) => options.onEvict(key),
      ...(platform.shareSegmentBytes ? { shareBytes: platform.shareSegmentBytes } : {}),
    });
    this.fallbackStorage = !platform.storage && config.persistentCache
      ? new FallbackStorage({
          memory,
          onWarning: (error) => options.onWarning(error),
          onRestored: (segments) => options.onRestored(segments),
          onLost: (key) => options.onEvict(key),
        })
      : undefined;
    this.storage = platform.storage ?? this.fallbackStorage ?? memory;
  }

  /**
   * `persistentCache`: open the stream's persistent store as soon as its swarm is known, unless it is
   * known to be live (players often tell live or VOD only with the first media playlist, and may ask for
   * the first segment before that news reaches us); a stream that turns out live goes back to memory.
   */
  openPersistentCache(swarmId: string | undefined, live: boolean | undefined): void {
    if (!this.fallbackStorage || swarmId === undefined) return;
    if (live === true) return this.fallbackStorage.release();
    const { config, platform, clock, onEvict } = this.options;
    const open = platform.openPersistentStorage ?? ((options) => IndexedDbSegmentStorage.open(options));
    const namespace = infoHashFromSwarmId(swarmId);
    this.fallbackStorage.adopt(() =>
      open({
        namespace,
        capBytes: config.storageCapBytes,
        clock,
        onEvict: (key) => onEvict(key),
      }),
    );
  }

  /**
   * The stored bytes of `key`, if the store has them. A store whose read fails (a broken IndexedDB) is a
   * miss and a `storage:warning`: the segment is loaded again from peers or the origin, never failed.
   */
  async read(key: SegmentKey): Promise<Uint8Array | undefined> {
    try {
      return await this.storage.get(key);
    } catch (error) {
      this.options.onWarning(storageFailure(error, 'Reading a stored segment'));
      return undefined;
    }
  }
}
