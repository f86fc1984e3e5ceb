/**
 * The engine's store when `persistentCache` is on: memory until a persistent store (IndexedDB) is opened
 * for a VOD stream, then that store; back to memory for good at the persistent store's first failure
 * (unavailable, quota, a failed read), with one warning and never a rejected call: storage trouble must
 * not become playback trouble.
 *
 * While the persistent store opens, `get`, `put` and `delete` wait for it, so a segment cached by the
 * previous page is found rather than fetched again. `has` and `list` answer for the store in use.
 * `release()` goes back to memory without a warning (the stream turned out to be live).
 */
import { ShoalError } from '../errors';
import type { SegmentKey } from '../types';
import type { MemoryStorage } from './memory-storage';
import type { PlaybackContext, SegmentStorage, StoredSegmentInfo } from './segment-storage';

export interface FallbackStorageOptions {
  memory: MemoryStorage;
  /** Called once, with the failure, when the persistent store is given up for memory. */
  onWarning: (error: ShoalError) => void;
  /** Segments the persistent store already held when it opened (the swarm announces them). */
  onRestored: (segments: StoredSegmentInfo[]) => void;
  /** Segments no longer held because the persistent store was given up (the swarm announces them lost). */
  onLost: (key: SegmentKey) => void;
}

export class FallbackStorage implements SegmentStorage {
  private readonly options: FallbackStorageOptions;
  private current: SegmentStorage;
  private persistent: SegmentStorage | undefined;
  private opening: Promise<void> | undefined;
  private playback: PlaybackContext | undefined;
  private failed = false;
  private destroyed = false;

  constructor(options: FallbackStorageOptions) {
    this.options = options;
    this.current = options.memory;
  }

  /** Switches to the store `open` resolves with; on rejection stays in memory with a warning. Once only. */
  adopt(open: () => Promise<SegmentStorage>): void {
    if (this.opening || this.persistent || this.failed || this.destroyed) return;
    let started: Promise<SegmentStorage>;
    try {
      started = open();
    } catch (error) {
      started = Promise.reject(error);
    }
    this.opening = started.then(
      (store) => this.switchTo(store),
      (error: unknown) => this.fail(error),
    ).finally(() => {
      this.opening = undefined;
    });
  }

  /** Settles when no persistent store is being opened (tests and the engine's announcements wait on it). */
  async ready(): Promise<void> {
    await this.opening;
  }

  /** Whether segments are now kept in the persistent store. */
  get isPersistent(): boolean {
    return this.current === this.persistent && this.persistent !== undefined;
  }

  get usedBytes(): number {
    return this.current.usedBytes;
  }

  has(key: SegmentKey): boolean {
    return this.current.has(key);
  }

  list(): StoredSegmentInfo[] {
    return this.current.list();
  }

  async get(key: SegmentKey): Promise<Uint8Array | undefined> {
    await this.opening;
    const store = this.current;
    try {
      return await store.get(key);
    } catch (error) {
      this.fail(error, store);
      return undefined;
    }
  }

  async put(key: SegmentKey, bytes: Uint8Array): Promise<void> {
    await this.opening;
    const store = this.current;
    try {
      await store.put(key, bytes);
    } catch (error) {
      this.fail(error, store);
      if (this.current !== store) await this.current.put(key, bytes);
    }
  }

  async delete(key: SegmentKey): Promise<void> {
    await this.opening;
    const store = this.current;
    try {
      await store.delete(key);
    } catch (error) {
      this.fail(error, store);
    }
  }

  setPlaybackContext(context: PlaybackContext | undefined): void {
    this.playback = context;
    this.current.setPlaybackContext?.(context);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.options.memory.destroy();
    this.persistent?.destroy();
  }

  private async switchTo(store: SegmentStorage): Promise<void> {
    if (this.destroyed || this.failed) return store.destroy();
    const { memory } = this.options;
    // Whatever was stored before the persistent store opened moves into it.
    for (const info of memory.list()) {
      const bytes = await memory.get(info);
      if (bytes) await store.put(info, bytes).catch(() => undefined);
      await memory.delete(info);
    }
    if (this.destroyed) return store.destroy();
    this.persistent = store;
    this.current = store;
    store.setPlaybackContext?.(this.playback);
    this.options.onRestored(store.list());
  }

  /** Back to memory for good, without a warning: the persistent store is closed (or not adopted once open). */
  release(): void {
    this.giveUp(undefined);
  }

  /** Gives up the persistent store (when `from` is the one failing, or while it opens) with a warning. */
  private fail(error: unknown, from?: SegmentStorage): void {
    if (from !== undefined && from !== this.persistent) return;
    this.giveUp(
      error instanceof ShoalError
        ? error
        : new ShoalError('storage-failed', `Persistent segment cache failed: ${String(error)}`, { source: 'storage', cause: error }),
    );
  }

  private giveUp(warning: ShoalError | undefined): void {
    if (this.failed || this.destroyed) return;
    this.failed = true;
    const lost = this.persistent?.list() ?? [];
    this.persistent?.destroy();
    this.current = this.options.memory;
    this.options.memory.setPlaybackContext(this.playback);
    if (warning) this.options.onWarning(warning);
    for (const info of lost) this.options.onLost({ renditionId: info.renditionId, segmentId: info.segmentId });
  }
}
