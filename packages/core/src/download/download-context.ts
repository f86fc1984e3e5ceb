/**
 * What a segment download is given and gives back: the context every download of an engine shares (the
 * fetcher, store, holdings, estimators, integrity and commitment checks), and the shapes of its results.
 */
import type { Clock } from '../clock/clock';
import type { CommitmentContext } from '../commitments/commitment-context';
import type { ShoalError } from '../errors';
import type { Holdings } from '../holdings/holdings';
import type { HttpFetcher } from '../http/http-fetcher';
import type { IntegrityEntry } from '../integrity/integrity-manifest';
import type { Sha256Base64 } from '../integrity/sha256';
import type { HttpEstimator, P2PEstimator } from '../scheduler/bandwidth-estimator';
import type { OriginSizes } from '../sizes/origin-sizes';
import type { SegmentStorage } from '../storage/segment-storage';
import type { Peer } from '../swarm/peer';
import type { Segment, SegmentKey } from '../types';

/** The integrity manifest as a download asks it (`SegmentIntegrity`). */
export interface IntegritySource {
  entryFor(segment: Pick<Segment, 'url' | 'byteRange'>): IntegrityEntry | undefined;
  /**
   * No entry yet, but a manifest fetch that may bring it is running or scheduled (a live segment listed
   * before this viewer's manifest caught up): its holders are worth waiting for, not bypassed over HTTP.
   */
  entryPending?(segment: Pick<Segment, 'url' | 'byteRange'>): boolean;
  readonly sha256: Sha256Base64;
}

/** A block a peer sent that does not match the integrity manifest. */
export interface IntegrityViolation {
  peerId: string;
  key: SegmentKey;
  blockIndex: number;
}

/**
 * Whether the bytes peers did not deliver come over HTTP at once (the player waits for the segment), or
 * the download goes back to idle, its bytes kept, for the scheduler to decide again: a prefetch has no
 * right to the origin of its own (policy rules 3, 4 and 9 say when it has).
 */
export type HttpAfterPeers = () => boolean;

/**
 * A prefetch peers could not finish asks peers again no sooner than this: they were gone, busy (their
 * uplink's queue full) or without the bytes yet, and asking at once only asks again (measured at the end
 * of an origin outage: a viewer restarted one prefetch 74 times in 140 ms from its one busy holder).
 */
export const PREFETCH_P2P_RETRY_MS = 500;

/** What every download of an engine shares. */
export interface DownloadContext {
  clock: Clock;
  fetcher: HttpFetcher;
  httpTimeoutMs: number;
  httpEstimator: HttpEstimator;
  p2pEstimator: P2PEstimator;
  /** Most blocks outstanding per peer. */
  pipelineBlocks: number;
  peerRequestTimeoutMs: number;
  storage: SegmentStorage;
  holdings: Holdings;
  /** Segment sizes the origin stated (byte ranges, earlier responses); downloads add what responses say. */
  sizes: OriginSizes;
  /** Largest segment a peer's announced size may make us allocate (`ShoalConfig.maxSegmentBytes`). */
  maxSegmentBytes: number;
  /** Every received byte, once, by source: the engine's totals and `bytes:downloaded`. */
  onDownloaded(source: 'http' | 'p2p', sizeBytes: number, peerId?: string): void;
  /** The store refused a downloaded segment (`storage:warning`): it is delivered, only not held. */
  onStorageWarning(error: ShoalError): void;
  /**
   * The stream's integrity manifest, when `integrityManifestUrl` is set: then every block is verified, and
   * a segment it has no entry for is fetched over HTTP only.
   */
  integrity?: IntegritySource;
  /** A peer sent a block proven wrong: the engine drops it and never takes it back. */
  onIntegrityViolation(violation: IntegrityViolation): void;
  /**
   * Without a manifest entry: segments assembled from peer bytes are checked against their holders'
   * commitments, and every stored segment is hashed for our own. Undefined when this page cannot hash:
   * peer bytes are then unverified and our announcements uncommitted.
   */
  commitments?: CommitmentContext;
}

/** `idle`: nothing runs; `p2p`/`http`: that download runs; `done`: every byte is here (being stored). */
export type DownloadState = 'idle' | 'p2p' | 'http' | 'done';

export interface DownloadedSegment {
  bytes: Uint8Array;
  /** `p2p` when peers delivered any of it (HTTP may have completed it). */
  source: 'http' | 'p2p';
  p2pBytes: number;
  /** Peer ids that delivered at least one block. */
  peerIds: string[];
}

export type DownloadSettlement = { ok: true; segment: DownloadedSegment } | { ok: false; error: ShoalError };

/** A peer that announced the segment, with the size it announced (0: it has no byte yet). */
export interface SegmentHolder {
  peer: Peer;
  held: { sizeBytes: number };
}
