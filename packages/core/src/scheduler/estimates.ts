/**
 * Time estimates the scheduler's policy is built on: how long a transfer takes, when a peer that is still
 * downloading a segment will have it, and whether this viewer is one of the few that fetch a rare live
 * segment from the origin. Pure functions; every time is in clock milliseconds.
 */
import type { TransferEstimate } from './bandwidth-estimator';

/** Milliseconds for a new request of `bytes`: the time to first byte, then the bytes at the estimated rate. */
export function requestMs(bytes: number, estimate: TransferEstimate): number {
  return estimate.ttfbMs + streamMs(bytes, estimate.bytesPerSec);
}

/** Milliseconds to receive `bytes` once they flow at `bytesPerSec`; Infinity at a rate of 0. */
export function streamMs(bytes: number, bytesPerSec: number): number {
  if (bytes <= 0) return 0;
  return bytesPerSec > 0 ? (bytes * 1000) / bytesPerSec : Infinity;
}

export interface PartialHolderEstimate {
  /** When the holder announced the segment as partial: about when it started downloading it. */
  announcedAtMs: number;
  sizeBytes: number;
  /** Our own HTTP estimate: the holder is most likely fetching from the same origin. */
  http: TransferEstimate;
  p2p: TransferEstimate;
  nowMs: number;
  /** Bytes this viewer still needs. */
  remainingBytes: number;
}

/**
 * When a cut-through download from a partial holder would end: not before our own P2P transfer of the
 * remaining bytes, and not before the holder has the last byte plus one request round trip to relay it.
 */
export function partialRelayFinishMs(estimate: PartialHolderEstimate): number {
  const { announcedAtMs, sizeBytes, http, p2p, nowMs, remainingBytes } = estimate;
  const holderCompleteMs = announcedAtMs + requestMs(sizeBytes, http);
  return Math.max(nowMs + requestMs(remainingBytes, p2p), holderCompleteMs + p2p.ttfbMs);
}

/**
 * Probability that a viewer fetches a new live segment nobody holds from the origin: k / N, at most 1.
 * Across the swarm that is k fetchers per segment on average, whatever its size.
 */
export function originFetcherProbability(originFetchersPerSegment: number, swarmSize: number): number {
  return Math.min(1, originFetchersPerSegment / Math.max(1, swarmSize));
}

export interface OriginLottery {
  /** This viewer's random draw for the segment, in [0, 1). */
  originLottery: number;
  originFetchersPerSegment: number;
  /** Viewers in the swarm, this one included. */
  swarmSize: number;
}

/** Whether this viewer is one of the segment's origin fetchers. */
export function isOriginFetcher(lottery: OriginLottery): boolean {
  return lottery.originLottery < originFetcherProbability(lottery.originFetchersPerSegment, lottery.swarmSize);
}
