/**
 * hls.js fragments in the engine's terms: the segment list of a playlist (for `updateStream`) and the
 * one segment a fragment request asks for (for `loadSegment`), or none when hls.js's own loader must
 * serve the request.
 */
import type { Segment, SegmentDescription } from '@shoal/core';
import type { Fragment, FragmentLoaderContext } from 'hls.js';
import { inclusiveByteRange } from './byte-range';

/**
 * A playlist's media segments. `segmentId` is the media sequence number: the same for every viewer of
 * a live stream however late it joined. Start times are on hls.js's timeline, the one the media
 * element's `currentTime` (the engine's `positionSec`) is on.
 */
export function segmentDescriptions(fragments: readonly Fragment[]): SegmentDescription[] {
  const segments: SegmentDescription[] = [];
  for (const frag of fragments) {
    if (typeof frag.sn !== 'number' || frag.gap) continue;
    const [startByte, endByteExclusive] = frag.byteRange;
    const byteRange = inclusiveByteRange(startByte, endByteExclusive);
    segments.push({
      segmentId: frag.sn,
      url: frag.url,
      ...(byteRange ? { byteRange } : {}),
      durationSec: frag.duration,
      startTimeSec: frag.start,
    });
  }
  return segments;
}

/**
 * The engine segment a fragment request asks for, or undefined to leave the request to hls.js's own
 * loader: init segments (`sn === 'initSegment'`: small, fetched once, and not in any swarm), LL-HLS
 * parts (slices of a segment still being written), and fragments of no known rendition (subtitles, a
 * level hls.js has just dropped). Encrypted segments go through the engine as they are: hls.js decrypts
 * the bytes after loading.
 */
export function engineSegmentFor(
  context: FragmentLoaderContext,
  renditionIdOf: (frag: Fragment) => string | undefined,
): Segment | undefined {
  const { frag, part } = context;
  if (part || typeof frag.sn !== 'number') return undefined;
  const renditionId = renditionIdOf(frag);
  if (renditionId === undefined) return undefined;
  const byteRange = inclusiveByteRange(context.rangeStart, context.rangeEnd);
  return {
    renditionId,
    segmentId: frag.sn,
    url: context.url,
    ...(byteRange ? { byteRange } : {}),
    durationSec: frag.duration,
    startTimeSec: frag.start,
  };
}
