import type { ByteRange, SegmentKey } from './types';

/** A map key for a segment: `renditionId/segmentId`. */
export function segmentKeyString(key: SegmentKey): string {
  return `${key.renditionId}/${key.segmentId}`;
}

/** Byte count of an inclusive range. */
export function byteRangeLength(range: ByteRange): number {
  return range.endByte - range.startByte + 1;
}

/** The value of an HTTP `Range` header for an inclusive range. */
export function rangeHeader(range: ByteRange): string {
  return `bytes=${range.startByte}-${range.endByte}`;
}
