/**
 * Shaka segment references in the engine's terms. Only public `SegmentReference` getters are used.
 *
 * Segment ids, which every viewer of a stream must derive alike (Shaka's public API exposes neither the
 * DASH `$Number$` nor the HLS media sequence of a reference):
 * - DASH: the start time in whole milliseconds on the presentation timeline (`startTimeSegmentId`); every
 *   viewer of an MPD computes the same presentation times, VOD and live.
 * - HLS: the media sequence number, as hls.js (`frag.sn`), read from the playlists (`hls-media-sequence.ts`),
 *   so hls.js and Shaka viewers of one stream trade segments.
 * A reference whose id is unknown is not described: Shaka's own HTTP plugin loads it.
 */
import type { ByteRange, SegmentDescription } from '@shoal/core';
import type { HlsMediaSequences } from './hls-media-sequence';
import type { ShakaSegmentReference } from './shaka';

const MS_PER_SEC = 1000;

/** A stream's segment naming: the id of a reference, or undefined when it cannot be named. */
export type SegmentIdOf = (reference: ShakaSegmentReference) => number | undefined;

/** DASH: the start time in whole milliseconds. */
export const startTimeSegmentId: SegmentIdOf = (reference) => Math.max(0, Math.round(reference.getStartTime() * MS_PER_SEC));

/** HLS: the media sequence number the playlists gave the reference's URI and first byte. */
export function mediaSequenceSegmentId(sequences: HlsMediaSequences): SegmentIdOf {
  return (reference) => {
    const uri = reference.getUris()[0];
    return uri === undefined ? undefined : sequences.sequenceOf(uri, reference.getStartByte());
  };
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
export function describeReference(reference: ShakaSegmentReference, segmentIdOf: SegmentIdOf, url?: string): SegmentDescription | undefined {
  const byteRange = byteRangeOf(reference);
  const uri = url ?? reference.getUris()[0];
  const segmentId = segmentIdOf(reference);
  if (byteRange === undefined || uri === undefined || segmentId === undefined) return undefined;
  const startTimeSec = reference.getStartTime();
  return {
    segmentId,
    url: uri,
    ...(byteRange ? { byteRange } : {}),
    durationSec: Math.max(0, reference.getEndTime() - startTimeSec),
    startTimeSec,
  };
}

/** Every reference a segment index holds now, in order. */
export function describeIndex(references: Iterable<ShakaSegmentReference | null>, segmentIdOf: SegmentIdOf): SegmentDescription[] {
  const segments: SegmentDescription[] = [];
  for (const reference of references) {
    const segment = reference && describeReference(reference, segmentIdOf);
    if (segment) segments.push(segment);
  }
  return segments;
}
