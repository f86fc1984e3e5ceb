/**
 * Origin requests per media segment, the same figure for every layout: pure functions of the demo origin's
 * counters (`byPath`, `byRange`), no I/O.
 *
 * - File per segment (`seg-12.ts`, `chunk-0-00012.m4s`): a segment is a path; every request of it counts,
 *   a `Range` request for part of it (bytes a peer did not deliver) too.
 * - Single file (HLS `EXT-X-BYTERANGE` `media.ts`/`media.mp4`, DASH `SegmentBase`/`SegmentList`
 *   `media-0.mp4`): a segment is a requested byte range of the file, keyed by the range as served. A
 *   request whose range lies inside another requested range (the missing tail of a segment) counts toward
 *   that range, as a partial request of a segment file does. A range that spans or overlaps other ranges
 *   without lying inside one is a segment of its own: hls.js, Shaka and p2p-media-loader ask one segment's
 *   range at a time, so this only shows up if a player merges ranges. Ranges that end before the file's
 *   first media byte (init segment, `sidx`: `mediaStartByte`) are left out, as init segments are for file
 *   per segment. Distinct bytes are the union of the media ranges: each byte once.
 */
import type { OriginSegmentCounts } from './types';

interface Counter {
  requests: number;
  bytes: number;
}

/**
 * Media segments of file-per-segment layouts (not playlists, manifests or init segments):
 * `/live/hls-ts/v0/seg-12.ts`, `/vod/hls-fmp4/v1/seg-3.m4s`, DASH `/live/dash/chunk-0-00012.m4s`.
 */
const SEGMENT_PATH = /^\/(live|vod)\/.+\/(seg-\d+\.(ts|m4s|mp4)|chunk-\d+-\d+\.m4s)$/;
/** Media files whose segments are byte ranges; any other path with `Range` requests is left out. */
const SINGLE_FILE_PATH = /^\/(live|vod)\/.+\.(ts|mp4|m4s)$/;

/** `start-end` keys (inclusive) as the origin writes them; see demo/src/http/range-counts.ts. */
function parseRange(key: string): { startByte: number; endByte: number } | undefined {
  const match = /^(\d+)-(\d+)$/.exec(key);
  return match ? { startByte: Number(match[1]), endByte: Number(match[2]) } : undefined;
}

/**
 * Where an fMP4 file's media starts: its first media segment's first top-level box, `styp` or `moof`
 * (after `ftyp`, `moov` and a whole-file `sidx`, the DASH `SegmentBase` index), or its length if it has
 * none (an init file). 0 for anything that is not ISO BMFF (MPEG-TS has no header). `head` needs only
 * the file's first bytes up to that box.
 */
export function mediaStartByte(head: Uint8Array): number {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const typeAt = (offset: number): string => String.fromCharCode(...head.subarray(offset + 4, offset + 8));
  if (head.length < 8 || !['ftyp', 'styp'].includes(typeAt(0))) return 0;
  let offset = 0;
  while (offset + 8 <= head.length) {
    if (typeAt(offset) === 'moof' || typeAt(offset) === 'styp') return offset;
    const size32 = view.getUint32(offset);
    const sizeBytes = size32 === 1 && offset + 16 <= head.length ? Number(view.getBigUint64(offset + 8)) : size32;
    if (sizeBytes < 8) return head.length; // 0 (to the end of the file) or malformed: no media box follows
    offset += sizeBytes;
  }
  return head.length;
}

/** One single-file path's media ranges: its segments, their requests and the bytes of their union. */
interface RangeGroup {
  range: { startByte: number; endByte: number };
  requests: number;
  bytes: number;
}

function rangeGroups(ranges: Record<string, Counter>, mediaStart: number): RangeGroup[] {
  const media = Object.entries(ranges)
    .map(([key, counter]) => ({ range: parseRange(key), ...counter }))
    .filter((r): r is RangeGroup => r.range !== undefined && r.requests > 0 && r.range.endByte >= mediaStart);
  // Keys are distinct, so two entries never hold the same range: "inside" is strict.
  const holds = (outer: RangeGroup, inner: RangeGroup): boolean => outer.range.startByte <= inner.range.startByte && inner.range.endByte <= outer.range.endByte;
  const groups = media.filter((r) => !media.some((other) => other !== r && holds(other, r))).map((r) => ({ ...r, requests: 0, bytes: 0 }));
  for (const r of media) {
    // The first segment holding it (a range is held by at least one: itself, or one that holds it).
    const group = groups.find((g) => holds(g, r))!;
    group.requests += r.requests;
    group.bytes += r.bytes;
  }
  return groups.sort((a, b) => a.range.startByte - b.range.startByte);
}

/** Bytes of the union of `ranges` from `fromByte` on, each byte once. */
function unionBytes(ranges: Array<{ startByte: number; endByte: number }>, fromByte: number): number {
  let total = 0;
  let coveredTo = fromByte - 1;
  for (const { startByte, endByte } of [...ranges].sort((a, b) => a.startByte - b.startByte)) {
    const start = Math.max(startByte, coveredTo + 1);
    if (endByte >= start) total += endByte - start + 1;
    coveredTo = Math.max(coveredTo, endByte);
  }
  return total;
}

/**
 * Segments, requests and bytes of media at the origin, every layout counted alike (see the file comment).
 * `mediaStartBytes`: per single-file path, its first media byte (`mediaStartByte`); a path missing here
 * starts at 0.
 */
export function originSegmentCounts(
  byPath: Record<string, Counter>,
  byRange: Record<string, Record<string, Counter>> = {},
  mediaStartBytes: Record<string, number> = {},
): OriginSegmentCounts {
  let segments = 0;
  let requests = 0;
  let bytes = 0;
  let distinctBytes = 0;
  for (const [path, counter] of Object.entries(byPath)) {
    if (!SEGMENT_PATH.test(path) || counter.requests === 0) continue;
    segments++;
    requests += counter.requests;
    bytes += counter.bytes;
    distinctBytes += counter.bytes / counter.requests;
  }
  for (const [path, ranges] of Object.entries(byRange)) {
    if (SEGMENT_PATH.test(path) || !SINGLE_FILE_PATH.test(path)) continue;
    const mediaStart = mediaStartBytes[path] ?? 0;
    const groups = rangeGroups(ranges, mediaStart);
    segments += groups.length;
    requests += groups.reduce((a, g) => a + g.requests, 0);
    bytes += groups.reduce((a, g) => a + g.bytes, 0);
    distinctBytes += unionBytes(groups.filter((g) => g.bytes > 0).map((g) => g.range), mediaStart);
  }
  return { segments, requests, bytes, distinctBytes, requestsPerSegment: segments === 0 ? 0 : requests / segments };
}

/** Media segments requested more than once, with their request counts: `path` or `path bytes=start-end`. */
export function repeatedSegments(
  byPath: Record<string, { requests: number }>,
  byRange: Record<string, Record<string, Counter>> = {},
  mediaStartBytes: Record<string, number> = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [path, c] of Object.entries(byPath)) if (SEGMENT_PATH.test(path) && c.requests > 1) out[path] = c.requests;
  for (const [path, ranges] of Object.entries(byRange)) {
    if (SEGMENT_PATH.test(path) || !SINGLE_FILE_PATH.test(path)) continue;
    for (const g of rangeGroups(ranges, mediaStartBytes[path] ?? 0)) if (g.requests > 1) out[`${path} bytes=${g.range.startByte}-${g.range.endByte}`] = g.requests;
  }
  return out;
}

/** The single-file media paths of `byRange` whose first media byte the caller must look up. */
export function singleFilePaths(byRange: Record<string, unknown>): string[] {
  return Object.keys(byRange).filter((path) => SINGLE_FILE_PATH.test(path) && !SEGMENT_PATH.test(path));
}
