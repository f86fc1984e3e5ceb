/**
 * The origin's traffic counters: requests and body bytes in total, per `/<vod|live>/<variant>` prefix,
 * per path, and per path and served byte range (`RangeCounts`). At most `maxTrackedPaths` paths each (the
 * oldest dropped: a live demo mints a new segment URL every 2 s).
 */
import { RangeCounts, type RangeTraffic } from './range-counts';
import type { ByteRange } from './respond';

export interface TrafficCounter {
  requests: number;
  /** Body bytes handed to sockets (a throttled response cut short counts what was sent). */
  bytes: number;
}

export interface TrafficSnapshot {
  total: TrafficCounter;
  byPrefix: Record<string, TrafficCounter>;
  byPath: Record<string, TrafficCounter>;
  byRange: RangeTraffic;
}

export class TrafficStats {
  private readonly maxTrackedPaths: number;
  private total: TrafficCounter = { requests: 0, bytes: 0 };
  private byPrefix = new Map<string, TrafficCounter>();
  private byPath = new Map<string, TrafficCounter>();
  private byRange: RangeCounts;

  constructor(maxTrackedPaths: number) {
    this.maxTrackedPaths = maxTrackedPaths;
    this.byRange = new RangeCounts(maxTrackedPaths);
  }

  count(prefix: string, path: string, requests: number, bytes: number): void {
    const { total, byPrefix, byPath } = this;
    total.requests += requests;
    total.bytes += bytes;
    for (const [map, key] of [[byPrefix, prefix], [byPath, path]] as const) {
      let counter = map.get(key);
      if (!counter) {
        counter = { requests: 0, bytes: 0 };
        map.set(key, counter);
        if (map === byPath && map.size > this.maxTrackedPaths) map.delete(map.keys().next().value as string);
      }
      counter.requests += requests;
      counter.bytes += bytes;
    }
  }

  /** A media request's served `range` of `path` (its requests and bytes count in `count` too). */
  countRange(path: string, range: ByteRange, requests: number, bytes: number): void {
    this.byRange.count(path, range, requests, bytes);
  }

  /** Copies of every counter. */
  snapshot(): TrafficSnapshot {
    const copy = (map: Map<string, TrafficCounter>) => Object.fromEntries([...map].map(([k, v]) => [k, { ...v }]));
    return {
      total: { ...this.total },
      byPrefix: copy(this.byPrefix),
      byPath: copy(this.byPath),
      byRange: this.byRange.snapshot(),
    };
  }

  reset(): void {
    this.total = { requests: 0, bytes: 0 };
    this.byPrefix = new Map();
    this.byPath = new Map();
    this.byRange = new RangeCounts(this.maxTrackedPaths);
  }
}
