/** The engine's state for one segment it is fetching or has been asked for. */
import type { ShoalError } from '../errors';
import type { SegmentLoadedEvent } from '../events';
import type { PartialSegment } from '../swarm/partial-segment';
import type { P2PDownload } from '../swarm/p2p-download';
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
  segment: Segment;
  state: SegmentState = 'idle';
  readonly waiters = new Set<Waiter>();
  /** Drawn once per segment: whether this viewer is one of its origin fetchers. */
  readonly originLottery: number;
  readonly createdAtMs: number;
  /** The bytes as they arrive, served to peers before the download completes (cut-through). */
  partial: PartialSegment | undefined;
  /** The size we told peers when announcing that we are downloading it (0: size not known yet). */
  announcedPartialSizeBytes: number | undefined;
  p2p: P2PDownload | undefined;
  /** The P2P download relays a holder's own ongoing download: its speed says nothing of peers. */
  p2pFromPartialHolders = false;
  httpAbort: AbortController | undefined;
  readonly peers = new Set<string>();
  p2pBytes = 0;
  httpBytes = 0;

  constructor(segment: Segment, originLottery: number, nowMs: number) {
    this.key = { renditionId: segment.renditionId, segmentId: segment.segmentId };
    this.segment = segment;
    this.originLottery = originLottery;
    this.createdAtMs = nowMs;
  }

  get requestedByPlayer(): boolean {
    return this.waiters.size > 0;
  }

  get receivedBytes(): number {
    return this.partial?.availableBytes ?? 0;
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
