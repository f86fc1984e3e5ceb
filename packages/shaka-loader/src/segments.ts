/**
 * Shaka segment references in the engine's terms. Only public `SegmentReference` getters are used.
 *
 * Segment ids: the start time in whole milliseconds on Shaka's presentation timeline, for DASH and HLS.
 * Shaka's public API exposes neither the DASH `$Number$` nor the HLS media sequence of a reference. For
 * DASH every viewer of an MPD computes the same presentation times (VOD and live). For HLS this does NOT
 * agree with hls.js, which uses the media sequence (`frag.sn`): a mixed hls.js + Shaka swarm needs the
 * media sequence here too (planned: read it from the media playlist in a response filter).
 */
import type { ByteRange, SegmentDescription } from '@shoal/core';
import type { ShakaSegmentReference } from './shaka';

const MS_PER_SEC = 1000;

/** The segment id of a reference (see above). */
export function segmentIdOf(reference: ShakaSegmentReference): number {
  return Math.max(0, Math.round(reference.getStartTime() * MS_PER_SEC));
}

/**
 * The engine's inclusive byte range of a reference, `null` for the whole resource, or undefined when the
 * engine cannot express it (an open-ended range from a non-zero offset). Shaka's `endByte` is inclusive
 * too, and `null` means "to the end".
 */
export function byteRangeOf(reference: ShakaSegmentReference): ByteRange | null | undefined {
  const startByte = reference.getStartByte();
  const endByte = reference.getEndByte();
  if (endByte === null) return startByte === 0 ? null : undefined;
  return { startByte, endByte };
}

/** A reference as the engine's segment description, or undefined when the engine cannot serve it. */
export function describeReference(reference: ShakaSegmentReference, url?: string): SegmentDescription | undefined {
  const byteRange = byteRangeOf(reference);
  const uri = url ?? reference.getUris()[0];
  if (byteRange === undefined || uri === undefined) return undefined;
  const startTimeSec = reference.getStartTime();
  return {
    segmentId: segmentIdOf(reference),
    url: uri,
    ...(byteRange ? { byteRange } : {}),
    durationSec: Math.max(0, reference.getEndTime() - startTimeSec),
    startTimeSec,
  };
}

/** Every reference a segment index holds now, in order. */
export function describeIndex(references: Iterable<ShakaSegmentReference | null>): SegmentDescription[] {
  const segments: SegmentDescription[] = [];
  for (const reference of references) {
    const segment = reference && describeReference(reference);
    if (segment) segments.push(segment);
  }
  return segments;
}
