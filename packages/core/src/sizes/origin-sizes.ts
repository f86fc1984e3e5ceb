/**
 * Segment sizes as the origin states them: the only sizes Shoal trusts. A segment's size is known from
 * the origin when the playlist/MPD gives its byte range, or once an HTTP response for it said it (a 200's
 * `Content-Length`, a 206's or 416's `Content-Range` total); `learned` is also the hook for the integrity
 * manifest's sizes. A size a peer announces is only a hint (`size-claims.ts`), and a peer whose
 * announcement the origin contradicts loses its connection (`size-guard.ts`).
 */
import EventEmitter from 'eventemitter3';
import { byteRangeLength, segmentKeyString } from '../segment-key';
import type { Segment, SegmentKey } from '../types';

/**
 * Sizes learned from HTTP kept, at most (oldest forgotten first): a 2 h live stream of 2 s segments in two
 * renditions is 7,200; ~100 bytes each, under 1 MiB. A forgotten size only makes the next P2P download
 * of that segment use the peers' hint again.
 */
export const MAX_LEARNED_SIZES = 8192;

/** Where an authoritative size came from (named in the errors of the peers it contradicts). */
export type OriginSizeSource =
  | 'byte-range'
  | 'content-length'
  | 'content-range'
  /** The length of a whole-segment body that came without `Content-Length` (chunked). */
  | 'http-body'
  | 'manifest';

export interface OriginSizesEvents {
  /** The origin's size of `key` became known (or changed). */
  learned: (key: SegmentKey, sizeBytes: number, source: OriginSizeSource) => void;
}

export interface OriginSizesOptions {
  /** The segment as the playlist describes it (its byte range), when known. */
  segmentOf(key: SegmentKey): Pick<Segment, 'byteRange'> | undefined;
}

export class OriginSizes extends EventEmitter<OriginSizesEvents> {
  private readonly options: OriginSizesOptions;
  private readonly learnedSizes = new Map<string, { sizeBytes: number; source: OriginSizeSource }>();

  constructor(options: OriginSizesOptions) {
    super();
    this.options = options;
  }

  /** The segment's size from the origin (its byte range first), or undefined while only peers have said one. */
  sizeOf(segment: SegmentKey & Pick<Segment, 'byteRange'>): number | undefined {
    return this.known(segment)?.sizeBytes;
  }

  /** The origin's size of the segment and where it came from; undefined when not known. */
  known(segment: SegmentKey & Pick<Segment, 'byteRange'>): { sizeBytes: number; source: OriginSizeSource } | undefined {
    const range = segment.byteRange ?? this.options.segmentOf(segment)?.byteRange;
    if (range) return { sizeBytes: byteRangeLength(range), source: 'byte-range' };
    return this.learnedSizes.get(segmentKeyString(segment));
  }

  /** The origin (an HTTP response, the integrity manifest) says the segment is `sizeBytes` long. */
  learned(key: SegmentKey, sizeBytes: number, source: OriginSizeSource): void {
    const id = segmentKeyString(key);
    if (this.learnedSizes.get(id)?.sizeBytes === sizeBytes) return;
    this.learnedSizes.delete(id);
    this.learnedSizes.set(id, { sizeBytes, source });
    if (this.learnedSizes.size > MAX_LEARNED_SIZES) this.learnedSizes.delete(this.learnedSizes.keys().next().value!);
    this.emit('learned', key, sizeBytes, source);
  }

  destroy(): void {
    this.learnedSizes.clear();
    this.removeAllListeners();
  }
}
