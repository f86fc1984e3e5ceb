/**
 * Shaka's verdict on bytes Shoal delivered (issue 16, requirement 2): when Shaka cannot append, transmux or
 * transform a media segment, its `error` event names the segment's URI; if the engine served that segment,
 * the engine is told (`engine.reportRejected`), which refetches it over HTTP if peers delivered it and puts
 * those peers on probation. The hls.js adapter does the same on FRAG_PARSING_ERROR / BUFFER_APPEND_ERROR.
 *
 * Shaka's errors carry a URI, not a segment reference, so the URIs of the segments routed to the engine are
 * remembered (the last `MAX_REMEMBERED_SEGMENTS`). A URI shared by several segments (byte ranges of one
 * file) maps to the latest routed: Shaka appends in order, so that is the one it just failed on.
 */
import type { SegmentKey, ShoalEngine } from '@shoal/core';
import type { Shaka, ShakaError } from './shaka';

/** Segment URIs remembered for error reports: well over a buffer's worth (Shaka buffers ~10–30 segments per stream). */
export const MAX_REMEMBERED_SEGMENTS = 256;

/** Which `data` slot of each segment-rejecting `shaka.util.Error` code holds the segment's URI. */
function uriSlotsOf(shaka: Shaka): ReadonlyMap<number, number> {
  const { Code } = shaka.util.Error;
  return new Map<number, number>([
    [Code.MEDIA_SOURCE_OPERATION_FAILED, 1], // data[0]: MediaError code; data[1]: the segment URI
    [Code.MEDIA_SOURCE_OPERATION_THREW, 2], // data[0]: the exception; data[1]: details; data[2]: the URI
    [Code.TRANSMUXING_FAILED, 0],
    [Code.CONTENT_TRANSFORMATION_FAILED, 0],
  ]);
}

export class RejectionReporter {
  private readonly segments = new Map<string, SegmentKey>();
  private readonly uriSlots: ReadonlyMap<number, number>;

  constructor(
    shaka: Shaka,
    private readonly engine: ShoalEngine,
  ) {
    this.uriSlots = uriSlotsOf(shaka);
  }

  /** A media segment request was routed to the engine. */
  routed(uris: readonly string[], key: SegmentKey): void {
    for (const uri of uris) {
      this.segments.delete(uri);
      this.segments.set(uri, { renditionId: key.renditionId, segmentId: key.segmentId });
    }
    for (const uri of this.segments.keys()) {
      if (this.segments.size <= MAX_REMEMBERED_SEGMENTS) break;
      this.segments.delete(uri);
    }
  }

  /** The player's `error` event: a rejected segment the engine served is reported; anything else is ignored. */
  readonly onError = (event: Event): void => {
    const error = (event as Event & { detail?: Partial<ShakaError> }).detail;
    const slot = error?.code === undefined ? undefined : this.uriSlots.get(error.code);
    const uri = slot === undefined ? undefined : error?.data?.[slot];
    const key = typeof uri === 'string' ? this.segments.get(uri) : undefined;
    if (key) this.engine.reportRejected(key);
  };

  clear(): void {
    this.segments.clear();
  }
}
