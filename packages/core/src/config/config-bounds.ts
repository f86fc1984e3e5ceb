/** Every numeric config key's accepted range: what `mergeConfig` checks and the README's config reference shows. */
import type { ShoalConfig } from '../config';
import { BLOCK_BYTES } from '../wire/messages';

/** The largest segment size a `have` can carry: its `sizeBytes` field is a u32 (PROTOCOL.md). */
const MAX_ANNOUNCED_SIZE_BYTES = 0xffff_ffff;

/**
 * The longest delay a timer can hold, in ms: browsers and Node store it as a signed 32-bit integer, and a
 * longer one fires at once (`httpTimeoutMs: 2 ** 31` made every load time out in ~7 ms).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Inclusive range of a numeric key, and whether it must be whole. Shown in the README's config reference. */
export interface ConfigBound {
  min: number;
  max: number;
  integer: boolean;
}

/**
 * Every numeric key's accepted range. Timers stop at `MAX_TIMER_MS`; counts stop where more only costs
 * (a browser refuses new RTCPeerConnections past a few hundred; a pipeline past 1024 blocks is 63 MiB in
 * flight from one peer); `announceIntervalMs` starts at 1 s (each announce makes up to 5 connections).
 */
export const CONFIG_BOUNDS: Readonly<Partial<Record<keyof ShoalConfig, ConfigBound>>> = Object.freeze({
  minSwarmPeers: { min: 0, max: 256, integer: true },
  maxPeers: { min: 1, max: 256, integer: true },
  startupPeers: { min: 1, max: 256, integer: true },
  offerTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  announceIntervalMs: { min: 1_000, max: MAX_TIMER_MS, integer: true },
  peerRequestTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  peerPipelineBlocks: { min: 1, max: 1_024, integer: true },
  httpTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  // At least one wire block (a smaller cap would refuse every peer, `p2pEnabled: false` says that); at most
  // the wire's u32 size field, the largest size a peer can announce (a larger cap would cap nothing).
  maxSegmentBytes: { min: BLOCK_BYTES, max: MAX_ANNOUNCED_SIZE_BYTES, integer: true },
  storageCapBytes: { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
  // An hour ahead is a whole episode: more is downloading the film, not prefetching.
  prefetchLookaheadSec: { min: 0, max: 3_600, integer: false },
  safetyMarginMs: { min: 0, max: MAX_TIMER_MS, integer: false },
  originFetchersPerSegment: { min: 0, max: 256, integer: false },
  maxParallelHttp: { min: 1, max: 64, integer: true },
  maxParallelP2P: { min: 1, max: 64, integer: true },
  // A partition is a swarm: past 4,096 of them a swarm of a million viewers has ~250 each, the smallest that
  // still shares well; more trackers per partition than that only multiplies announces.
  partitionCount: { min: 1, max: 4_096, integer: true },
  trackersPerPartition: { min: 1, max: 8, integer: true },
});
