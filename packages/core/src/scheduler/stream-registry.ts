/**
 * What the engine knows of the stream: its renditions and their segments (url, byte range, timing),
 * kept current as live playlists refresh. Renditions are identified by `renditionIdOf(metadata)` unless
 * the adapter gives an id.
 */
import { renditionIdOf } from '../swarm/swarm-identity';
import { segmentKeyString } from '../segment-key';
import type { ByteRange, RenditionMetadata, Segment, SegmentKey } from '../types';

export interface SegmentDescription {
  /** Stable across viewers: HLS media sequence, DASH number, or start time in ms. */
  segmentId: number;
  url: string;
  byteRange?: ByteRange;
  durationSec: number;
  /** On the player's media timeline (the one `positionSec` is on). */
  startTimeSec: number;
}

export interface RenditionDescription {
  /** Defaults to `renditionIdOf(metadata)`. */
  id?: string;
  metadata: RenditionMetadata;
  segments?: SegmentDescription[];
}

export interface StreamsDescription {
  /** The manifest (master playlist / MPD) URL; the swarm id derives from it unless `swarmId` is configured. */
  manifestUrl: string;
  /** A live stream (sliding window) rather than VOD. @default false */
  live?: boolean;
  renditions?: RenditionDescription[];
}

/** A segment with everything the scheduler needs. */
export interface KnownSegment extends Segment {
  durationSec: number;
  startTimeSec: number;
}

interface Rendition {
  id: string;
  metadata: RenditionMetadata;
  /** Sorted by start time. */
  segments: KnownSegment[];
}

export class StreamRegistry {
  live = false;
  private readonly renditions = new Map<string, Rendition>();
  private readonly byKey = new Map<string, KnownSegment>();

  /** Replace the rendition list (keeping segments of renditions still present); returns their ids. */
  setRenditions(descriptions: RenditionDescription[]): string[] {
    const ids: string[] = [];
    for (const description of descriptions) {
      const id = description.id ?? renditionIdOf(description.metadata);
      ids.push(id);
      if (!this.renditions.has(id)) this.renditions.set(id, { id, metadata: description.metadata, segments: [] });
      if (description.segments) this.updateSegments(id, description.segments);
    }
    return ids;
  }

  /** Replace a rendition's segment list (a live playlist refresh, or a VOD playlist loaded late). */
  updateSegments(renditionId: string, segments: SegmentDescription[]): void {
    let rendition = this.renditions.get(renditionId);
    if (!rendition) this.renditions.set(renditionId, (rendition = { id: renditionId, metadata: {}, segments: [] }));
    for (const old of rendition.segments) this.byKey.delete(segmentKeyString(old));
    rendition.segments = segments
      .map((s) => ({ ...s, renditionId }))
      .sort((a, b) => a.startTimeSec - b.startTimeSec);
    for (const segment of rendition.segments) this.byKey.set(segmentKeyString(segment), segment);
  }

  renditionIds(): string[] {
    return [...this.renditions.keys()];
  }

  has(renditionId: string): boolean {
    return this.renditions.has(renditionId);
  }

  segment(key: SegmentKey): KnownSegment | undefined {
    return this.byKey.get(segmentKeyString(key));
  }

  /** A rendition's segments that are byte ranges of `url` (the pieces of a single-file rendition). */
  piecesOf(renditionId: string, url: string): Array<KnownSegment & { byteRange: ByteRange }> {
    return this.renditions.get(renditionId)?.segments.filter((s): s is KnownSegment & { byteRange: ByteRange } => s.url === url && s.byteRange !== undefined) ?? [];
  }

  /** Segments of a rendition overlapping `[fromSec, toSec)`, in playback order. */
  segmentsBetween(renditionId: string, fromSec: number, toSec: number): KnownSegment[] {
    const rendition = this.renditions.get(renditionId);
    if (!rendition) return [];
    return rendition.segments.filter((s) => s.startTimeSec + s.durationSec > fromSec && s.startTimeSec < toSec);
  }

  /** The segment playing at `positionSec`, or the first after it. */
  segmentAt(renditionId: string, positionSec: number): KnownSegment | undefined {
    return this.renditions.get(renditionId)?.segments.find((s) => s.startTimeSec + s.durationSec > positionSec);
  }

  /** The rendition's declared peak bitrate (HLS `BANDWIDTH`, DASH `@bandwidth`), when the manifest gave one. */
  declaredBitsPerSec(renditionId: string): number | undefined {
    const bps = this.renditions.get(renditionId)?.metadata.bandwidthBps;
    return bps !== undefined && Number.isFinite(bps) && bps > 0 ? bps : undefined;
  }

  /** Typical segment duration of a rendition (for eviction windows). */
  typicalDurationSec(renditionId: string): number | undefined {
    const segments = this.renditions.get(renditionId)?.segments;
    if (!segments || segments.length === 0) return undefined;
    return segments.reduce((sum, s) => sum + s.durationSec, 0) / segments.length;
  }
}
