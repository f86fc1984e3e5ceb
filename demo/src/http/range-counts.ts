/**
 * Origin traffic per (path, byte range) of `Range` requests. Per-path counters cannot tell the segments of
 * a single-file layout apart (HLS `EXT-X-BYTERANGE`, DASH `SegmentBase`/`SegmentList`: every segment is a
 * range of one file); these can, so the swarm benchmark counts origin requests per segment for every layout.
 */
import type { ByteRange } from './respond';

export interface RangeCounter {
  requests: number;
  /** Body bytes handed to sockets (a response cut short counts what was sent). */
  bytes: number;
}

/** Keyed by request path, then by the served range `startByte-endByte` (inclusive, see `rangeKeyOf`). */
export type RangeTraffic = Record<string, Record<string, RangeCounter>>;

/** `startByte-endByte`, both ends inclusive: the range as served (after clamping to the body), not as asked. */
export function rangeKeyOf(range: ByteRange): string {
  return `${range.startByte}-${range.endByte}`;
}

/** The range of a `rangeKeyOf` key; undefined for anything else. */
export function parseRangeKey(key: string): ByteRange | undefined {
  const match = /^(\d+)-(\d+)$/.exec(key);
  if (!match) return undefined;
  const range = { startByte: Number(match[1]), endByte: Number(match[2]) };
  return range.endByte >= range.startByte ? range : undefined;
}

/** Counters per path and range, at most `maxPaths` paths (the oldest dropped: live mints new paths). */
export class RangeCounts {
  private readonly byPath = new Map<string, Map<string, RangeCounter>>();

  constructor(private readonly maxPaths: number) {}

  count(path: string, range: ByteRange, requests: number, bytes: number): void {
    let ranges = this.byPath.get(path);
    if (!ranges) {
      ranges = new Map();
      this.byPath.set(path, ranges);
      if (this.byPath.size > this.maxPaths) this.byPath.delete(this.byPath.keys().next().value as string);
    }
    const key = rangeKeyOf(range);
    const counter = ranges.get(key) ?? { requests: 0, bytes: 0 };
    ranges.set(key, counter);
    counter.requests += requests;
    counter.bytes += bytes;
  }

  /** A copy: later requests do not change it. */
  snapshot(): RangeTraffic {
    return Object.fromEntries([...this.byPath].map(([path, ranges]) => [path, Object.fromEntries([...ranges].map(([key, c]) => [key, { ...c }]))]));
  }
}
