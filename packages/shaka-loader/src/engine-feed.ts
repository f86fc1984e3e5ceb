/**
 * Keeps the engine told what Shaka knows: the stream's renditions and their segment lists (from the
 * manifest, read in `manifest-internals.ts`; refreshed on manifest updates, track changes and every few
 * seconds of playback), which renditions are active (`getVariantTracks()`), and the playback state (media
 * element events, through core's `PlaybackFeed`).
 */
import { PlaybackFeed, type MediaElementLike, type SegmentDescription, type ShoalEngine } from '@shoal/core';
import { BUFFER_HOLE_TOLERANCE_SEC } from './media';
import type { HlsMediaSequences } from './hls-media-sequence';
import { manifestVariants, segmentReferences } from './manifest-internals';
import { manifestKind, renditionsOf, type ShakaRendition } from './rendition';
import { describeIndex, describeReference, mediaSequenceSegmentId, startTimeSegmentId, type SegmentIdOf } from './segments';
import type { ShakaPlayer, ShakaSegmentReference, ShakaStream } from './shaka';

/** Player events after which the renditions or their segment lists may have changed. */
const STREAM_EVENTS = ['streaming', 'loaded', 'trackschanged', 'variantchanged', 'adaptation', 'manifestupdated'] as const;

/** How often, at most, segment lists are re-read on playback progress (live windows slide; 2 s segments). */
const SEGMENT_REFRESH_INTERVAL_MS = 2000;

export class EngineFeed {
  private renditions = new Map<number, ShakaRendition>();
  private manifestUrl: string | undefined;
  private readonly playback: PlaybackFeed;
  private lastSegmentRefreshMs = -Infinity;
  /** How the current stream names its segments (see `segments.ts`). */
  private segmentIdOf: SegmentIdOf = startTimeSegmentId;

  constructor(
    private readonly player: ShakaPlayer,
    engine: ShoalEngine,
    private readonly hlsSequences: HlsMediaSequences,
  ) {
    this.playback = new PlaybackFeed({
      engine,
      holeToleranceSec: () => BUFFER_HOLE_TOLERANCE_SEC,
      activeRenditions: () => this.activeRenditions(),
      beforeReport: () => this.beforeReport(),
      onDestroy: () => this.stopListening(),
    });
    for (const type of STREAM_EVENTS) player.addEventListener(type, this.onStreamsChanged);
    player.addEventListener('unloading', this.onUnloading);
    this.onStreamsChanged();
  }

  /** The rendition of a Shaka stream, or undefined (text, images, a stream of another manifest). */
  renditionOf(stream: ShakaStream | undefined): ShakaRendition | undefined {
    if (!stream || this.playback.destroyed) return undefined;
    if (!this.renditions.has(stream.id)) this.describeStreams();
    return this.renditions.get(stream.id);
  }

  /**
   * Shaka asks for a manifest: when it is the asset's own (not a refresh, not an HLS media playlist), join
   * its swarm now, as the hls.js adapter does at MANIFEST_LOADING, so the tracker and the first peer
   * connections come up during the manifest and playlist round trips instead of after them.
   */
  manifestRequested(uri: string | undefined): void {
    if (this.playback.destroyed || this.manifestUrl !== undefined || !uri || uri !== this.player.getAssetUri()) return;
    this.playback.toEngine((engine) => engine.setStreams({ manifestUrl: uri }));
  }

  /** A media segment's description for the engine, or undefined to leave it to Shaka's own plugin. */
  describe(reference: ShakaSegmentReference): SegmentDescription | undefined {
    return this.playback.destroyed ? undefined : describeReference(reference, this.segmentIdOf, '');
  }

  /** Stop listening to Shaka and the media element. Idempotent. */
  destroy(): void {
    this.playback.destroy();
  }

  /** The feed's own teardown, run once by `PlaybackFeed.destroy()`. */
  private stopListening(): void {
    for (const type of STREAM_EVENTS) this.player.removeEventListener(type, this.onStreamsChanged);
    this.player.removeEventListener('unloading', this.onUnloading);
    this.renditions.clear();
  }

  private readonly onStreamsChanged = (): void => {
    if (this.playback.destroyed) return;
    this.describeStreams();
    this.refreshSegments();
    this.playback.setMedia((this.player.getMediaElement() as MediaElementLike | null) ?? null);
    this.playback.report();
  };

  private readonly onUnloading = (): void => {
    this.renditions.clear();
    this.manifestUrl = undefined;
    this.hlsSequences.clear();
  };

  private describeStreams(): void {
    const variants = manifestVariants(this.player);
    const manifestUrl = this.player.getAssetUri();
    if (!variants || !manifestUrl) return;
    const kind = manifestKind(this.player.getManifestType());
    this.segmentIdOf = kind === 'hls' ? mediaSequenceSegmentId(this.hlsSequences) : startTimeSegmentId;
    this.renditions = renditionsOf(variants, kind);
    this.manifestUrl = manifestUrl;
    const renditions = [...this.renditions.values()].map(({ id, metadata }) => ({ id, metadata }));
    this.playback.toEngine((engine) => engine.setStreams({ manifestUrl, live: this.player.isLive(), renditions }));
  }

  /** Segment lists of the streams whose index Shaka has built (it builds them when it first needs them). */
  private refreshSegments(): void {
    if (this.manifestUrl === undefined) return;
    this.lastSegmentRefreshMs = performance.now();
    const live = this.player.isLive();
    for (const { id, stream } of this.renditions.values()) {
      const references = segmentReferences(stream);
      if (!references) continue;
      const segments = describeIndex(references, this.segmentIdOf);
      this.playback.toEngine((engine) => engine.updateStream(id, segments, { live }));
    }
  }

  /** Before each playback report: nothing to report before a stream is described; live windows slide. */
  private beforeReport(): boolean {
    if (this.manifestUrl === undefined) return false;
    if (performance.now() - this.lastSegmentRefreshMs >= SEGMENT_REFRESH_INTERVAL_MS) this.refreshSegments();
    return true;
  }

  private activeRenditions(): Array<string | undefined> {
    const active = this.player.getVariantTracks().find((track) => track.active);
    return [active?.videoId, active?.audioId].map((streamId) =>
      streamId === null || streamId === undefined ? undefined : this.renditions.get(streamId)?.id,
    );
  }
}
