/**
 * The player-independent half of an adapter's engine feed: the guarded engine calls (`toEngine`), the media
 * element wiring (`setMedia`: its playback events → `engine.setPlayback`) and the playback report itself.
 * Each adapter keeps only what its player tells (hls.js events, Shaka's manifest) and hands this feed the
 * few answers it needs: which renditions are active, how large a buffer hole its player jumps.
 */
import type { PlaybackState, ShoalEngine } from '../engine';
import { isShoalError } from '../errors';
import { mediaPlayback, PLAYBACK_EVENTS, type MediaElementLike } from './media-element';

export interface PlaybackFeedOptions {
  readonly engine: ShoalEngine;
  /**
   * Buffer holes this small (seconds) count as buffered: the player jumps them (hls.js's `maxBufferHole`,
   * Shaka's `streaming.smallGapLimit`). Read at each report.
   */
  holeToleranceSec(): number;
  /** The rendition ids the player loads or plays now; undefined entries and repeats are dropped. */
  activeRenditions(): Iterable<string | undefined>;
  /**
   * Called before each playback report: refresh what the engine should know first (a segment list), or
   * return false to skip the report (no stream described yet).
   */
  beforeReport?(): boolean;
  /**
   * The adapter's own teardown (stop listening to its player), run once when the feed is destroyed: by
   * `destroy()`, or because an engine call found the engine destroyed.
   */
  onDestroy?(): void;
}

export class PlaybackFeed {
  private media: MediaElementLike | null = null;
  private isDestroyed = false;

  constructor(private readonly options: PlaybackFeedOptions) {}

  /** Whether the feed ended: no more engine calls, no media element. */
  get destroyed(): boolean {
    return this.isDestroyed;
  }

  /**
   * An engine call made from a player event. Skipped once the feed is destroyed; an engine found destroyed
   * ends the feed instead of throwing into the player (its `ShoalError('destroyed')` is swallowed). Any
   * other error is the adapter's bug and is rethrown.
   */
  toEngine(call: (engine: ShoalEngine) => void): void {
    if (this.isDestroyed) return;
    try {
      call(this.options.engine);
    } catch (error) {
      if (isShoalError(error) && error.code === 'destroyed') this.destroy();
      else throw error;
    }
  }

  /** Follow `media` (null: none): report on its playback events, and once at once when it changes. */
  setMedia(media: MediaElementLike | null): void {
    if (this.media === media || (this.isDestroyed && media)) return;
    for (const type of PLAYBACK_EVENTS) this.media?.removeEventListener(type, this.report);
    this.media = media;
    for (const type of PLAYBACK_EVENTS) media?.addEventListener(type, this.report);
    this.report();
  }

  /**
   * Tell the engine where the player is: playhead, rate, how far the buffer reaches and the active
   * renditions. An arrow function: it is the media element listener, added and removed by identity.
   */
  readonly report = (): void => {
    const media = this.media;
    if (!media || this.isDestroyed) return;
    if (this.options.beforeReport && !this.options.beforeReport()) return;
    const activeRenditions = [...new Set(this.options.activeRenditions())].filter((id): id is string => id !== undefined);
    const playback: PlaybackState = { ...mediaPlayback(media, this.options.holeToleranceSec()), activeRenditions };
    this.toEngine((engine) => engine.setPlayback(playback));
  };

  /** Stop listening to the media element and calling the engine, then run the adapter's teardown. Idempotent. */
  destroy(): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    this.setMedia(null);
    this.options.onDestroy?.();
  }
}
