/**
 * Core data types shared by every part of the engine. Type-only: no runtime code.
 */

/** A byte range with an inclusive end, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  startByte: number;
  /** Inclusive. */
  endByte: number;
}

/**
 * Identifies one segment inside a swarm. `renditionId` is derived from the rendition's metadata (see
 * `renditionIdOf`), never from its index in a manifest, so every player of the same stream agrees on it.
 * `segmentId` is a non-negative safe integer that is stable across viewers: the HLS media sequence number,
 * the DASH `$Number$`, or the start time in milliseconds.
 */
export interface SegmentKey {
  renditionId: string;
  segmentId: number;
}

/** What a rendition is, as far as a manifest says. Used to derive a stable `renditionId`. */
export interface RenditionMetadata {
  /** Media type of the rendition's segments. */
  type?: 'main' | 'video' | 'audio' | 'subtitle';
  bandwidthBps?: number;
  codecs?: string;
  width?: number;
  height?: number;
  language?: string;
  name?: string;
}

/** A segment as the engine sees it: where the origin serves it and where it sits in time. */
export interface Segment extends SegmentKey {
  url: string;
  byteRange?: ByteRange;
  durationSec?: number;
  startTimeSec?: number;
}
