/** The scheduler's entry for one segment it is fetching or has been asked for. */
import type { SegmentDownload } from '../download/segment-download';
import type { ShoalError } from '../errors';
import type { SegmentLoadedEvent } from '../events';
import type { Segment, SegmentKey } from '../types';
import type { SegmentState } from './policy';

export interface LoadSegmentResult extends Omit<SegmentLoadedEvent, 'key'> {
  bytes: Uint8Array;
}

export interface Waiter {
  resolve(result: LoadSegmentResult): void;
  reject(error: ShoalError): void;
}

export class SegmentTask {
  readonly key: SegmentKey;
  readonly segment: Segment;
  readonly waiters = new Set<Waiter>();
  /** Drawn once per segment: whether this viewer is one of its origin fetchers. */
  readonly originLottery: number;
  readonly createdAtMs: number;
  /** Clock ms when the player first asked for it; undefined while it is only fetched ahead. */
  requestedAtMs: number | undefined;
  /** Replaced by a fresh HTTP download when a step of this one threw (`Scheduler.recover`). */
  download: SegmentDownload;
  /** This viewer's last origin request for the segment failed (an earlier task's): this one is a retry. */
  readonly originFailed: boolean;

  constructor(segment: Segment, options: { originLottery: number; createdAtMs: number; download: SegmentDownload; originFailed?: boolean }) {
    this.key = { renditionId: segment.renditionId, segmentId: segment.segmentId };
    this.segment = segment;
    this.originLottery = options.originLottery;
    this.createdAtMs = options.createdAtMs;
    this.originFailed = options.originFailed ?? false;
    this.requestedAtMs = undefined;
    this.download = options.download;
  }

  get state(): SegmentState {
    return this.download.state;
  }

  get requestedByPlayer(): boolean {
    return this.waiters.size > 0;
  }

  /** The segment's size as its download learned it; undefined before. */
  get sizeBytes(): number | undefined {
    return this.download.sizeBytes;
  }

  get receivedBytes(): number {
    return this.download.receivedBytes;
  }

  p2pBytesPerSecNow(nowMs: number): number | undefined {
    return this.download.p2pBytesPerSecNow(nowMs);
  }

  get p2pStartedAtMs(): number | undefined {
    return this.download.p2pStartedAtMs;
  }

  get p2pLastBlockAtMs(): number | undefined {
    return this.download.p2pLastBlockAtMs;
  }

  get p2pRetryAtMs(): number | undefined {
    return this.download.p2pRetryAtMs;
  }
}

/** A stable pseudo-random number in [0, 1) for (peer, segment): FNV-1a, so a viewer's draw never changes. */
export function lotteryDraw(peerId: string, key: SegmentKey): number {
  let hash = 0x811c9dc5;
  const text = `${peerId}|${key.renditionId}|${key.segmentId}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // murmur3's finaliser: neighbouring segment ids must not give neighbouring draws.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}
