/**
 * The scheduler policy's input and output: the snapshot it decides on (`SchedulerSnapshot`, a
 * `SegmentSnapshot` per wanted segment), its configuration, and the decisions it returns with their
 * reasons. The rules themselves are in policy.ts.
 */
import { DEFAULT_FIRST_PEER_WAIT_MS, DEFAULT_VOD_ORIGIN_STAGGER_MS, type ShoalConfig } from '../config';
import type { SegmentKey } from '../types';
import type { TransferEstimate } from './bandwidth-estimator';

export type SegmentState = 'idle' | 'p2p' | 'http' | 'done';

/** A peer that announced the segment while still downloading it. */
export interface PartialHolder {
  peerId: string;
  /** Clock ms when it announced the segment as partial: about when it started downloading it. */
  announcedAtMs: number;
}

export interface SegmentSnapshot {
  key: SegmentKey;
  /** Size as announced by holders, else estimated (bitrate × duration). */
  sizeBytes: number;
  /** Clock ms when playback reaches the segment. Infinity while paused, if the engine so chooses. */
  deadlineAtMs: number;
  /** The player asked for it (a pending `loadSegment`). */
  requestedByPlayer: boolean;
  /**
   * Inside the prefetch look-ahead, as the engine measures it in media time from the playhead (so pausing
   * or a playback rate does not stretch it). Segments outside it are fetched only when requested.
   */
  inLookahead: boolean;
  /** `p2p` and `http` are running downloads (a P2P download completed by a Range request is `http`). */
  state: SegmentState;
  /** Bytes already held: of the running download, or kept from an earlier, unfinished one. */
  receivedBytes: number;
  /** Measured rate of the running P2P download; undefined until its first byte. */
  p2pBytesPerSecNow?: number;
  /** Clock ms when the running P2P download started (rule 5 reads how long it has waited for a byte). */
  p2pStartedAtMs?: number;
  /** Clock ms when the running P2P download last took a whole block (rule 5 reads how long it has made no progress). */
  p2pLastBlockAtMs?: number;
  /** Connected peers that hold all of it and serve uploads. */
  holders: string[];
  partialHolders: PartialHolder[];
  /** Peers that started fetching it from the origin and have no byte yet (they announce its size later). */
  fetchingHolders?: number;
  /**
   * This viewer's random draw for the segment, in [0, 1): drawn once per segment and kept, never redrawn
   * per tick (else everyone eventually becomes a fetcher). Places its origin turn: see `isRareFetcher`.
   */
  originLottery: number;
  /** Clock ms when this viewer first wanted the segment (it entered the playlist or the look-ahead). */
  wantedSinceAtMs: number;
  /** Clock ms when the player first asked for it (rule 8 draws VOD turns from then); unset for a prefetch. */
  requestedSinceAtMs?: number;
  /** This viewer's last origin request for it failed: the player's request is its retry (rule 9). */
  originFailed?: boolean;
  /**
   * The player asked for it and, as its reported playback says, has nothing buffered ahead of it: it is
   * starting or stalled and waits for this segment now (rule 10). Unset when playback is not reported.
   */
  playerWaiting?: boolean;
  /** Clock ms before which a prefetch peers could not finish waits before asking peers again (rule 4). */
  p2pRetryAtMs?: number;
}

export interface SchedulerPolicyConfig {
  /** Slack kept between an estimated finish and the deadline, for estimate error and jitter. */
  safetyMarginMs: number;
  /** Viewers expected to fetch each new live segment from the origin at once, before the staggered turns. */
  originFetchersPerSegment: number;
  /** Most HTTP downloads running at once (Range completions included). */
  maxParallelHttp: number;
  /** Most P2P downloads running at once (each may use several peers). */
  maxParallelP2P: number;
  /**
   * Rule 7: how long a requested segment waits for this viewer's first peer connection, at least. Not a
   * `ShoalConfig` key: its default (`DEFAULT_FIRST_PEER_WAIT_MS`, 0) lives in config.ts with the others.
   */
  firstPeerWaitMs: number;
  /** P2P only while the swarm counts at least this many viewers (`ShoalConfig.minSwarmPeers`); 0: always. */
  minSwarmPeers?: number;
  /**
   * Rule 8: the window, in ms, VOD origin turns are drawn in. Not a `ShoalConfig` key: its default
   * (`DEFAULT_VOD_ORIGIN_STAGGER_MS`) lives in config.ts with the others.
   */
  vodOriginStaggerMs: number;
}

/** The policy's configuration from the engine's (`DEFAULT_CONFIG` holds every default, this one included). */
export function policyConfigOf(
  config: Pick<ShoalConfig, 'safetyMarginMs' | 'originFetchersPerSegment' | 'maxParallelHttp' | 'maxParallelP2P'> &
    Partial<Pick<ShoalConfig, 'minSwarmPeers'>>,
): SchedulerPolicyConfig {
  const { safetyMarginMs, originFetchersPerSegment, maxParallelHttp, maxParallelP2P, minSwarmPeers = 0 } = config;
  return {
    safetyMarginMs,
    originFetchersPerSegment,
    maxParallelHttp,
    maxParallelP2P,
    firstPeerWaitMs: DEFAULT_FIRST_PEER_WAIT_MS,
    vodOriginStaggerMs: DEFAULT_VOD_ORIGIN_STAGGER_MS,
    minSwarmPeers,
  };
}

export interface SchedulerSnapshot {
  /** Clock ms, on the same scale as every deadline. */
  nowMs: number;
  /** A live stream: new segments appear and are rare until someone fetches them. */
  live: boolean;
  /** Viewers in the swarm, this one included: connected peers + 1. */
  swarmSize: number;
  /** No peer has been ready yet, and the tracker counts other viewers (rule 7). */
  awaitingFirstPeer?: boolean;
  /** This viewer's measured uplink (bytes/s), once measured: a fast uploader takes its origin turns early. */
  uplinkBytesPerSec?: number;
  /** `HttpEstimator.estimate()`. */
  httpEstimate: TransferEstimate;
  /** `P2PEstimator.estimate()`. */
  p2pEstimate: TransferEstimate;
  segments: SegmentSnapshot[];
  config: SchedulerPolicyConfig;
}

export type P2PReason =
  /** Complete holders can deliver before the deadline with the margin to spare. */
  | 'p2p-fits'
  /** Only partial holders, and relaying as their download arrives fits the deadline. */
  | 'partial-fits'
  /** Nothing fits any more, and peers are expected to finish sooner than HTTP. */
  | 'p2p-faster-than-http'
  /** Not asked for yet and too slow for the deadline, but HTTP is not allowed for it: start early. */
  | 'p2p-prefetch';
export type HttpReason =
  /** Video on demand, nobody holds it, and the player asked. */
  | 'no-holders'
  /** Peers hold it but cannot deliver in time. */
  | 'p2p-too-slow'
  /** A new live segment nobody holds, and this viewer drew one of its origin fetches. */
  | 'origin-fetcher'
  /** Waiting for the swarm is over: HTTP plus the margin barely fits. */
  | 'deadline-close'
  /** Rule 9: the player retries a segment whose origin request failed here; nothing to wait for. */
  | 'origin-retry';
export type WaitReason =
  /** A new live segment nobody holds; another viewer is expected to fetch it. */
  | 'waiting-for-swarm'
  /** Rule 7: the first peer connection is on its way, and it will likely hold the segment. */
  | 'waiting-for-first-peer'
  /** Not asked for yet, nobody holds it, and this viewer is not its origin fetcher. */
  | 'prefetch-waiting-for-peers'
  | 'p2p-slots-full'
  | 'http-slots-full';

export type Decision =
  | { action: 'p2p'; key: SegmentKey; reason: P2PReason; /** Peers to download from. */ peerIds: string[] }
  | { action: 'http'; key: SegmentKey; reason: HttpReason }
  /** Stop the running P2P download and fetch the missing bytes over HTTP. */
  | { action: 'http-rest'; key: SegmentKey; reason: 'p2p-falling-behind' }
  /**
   * Start nothing. `untilAtMs` is when the decision would change with no event in between (Infinity when
   * only an event can change it: a slot freeing, a holder appearing, the player asking). The engine
   * decides again at the earliest `untilAtMs` and on every event.
   */
  | { action: 'wait'; key: SegmentKey; reason: WaitReason; untilAtMs: number }
  /** Abort the running download: the segment is no longer wanted (the player seeked away). */
  | { action: 'cancel'; key: SegmentKey; reason: 'not-wanted' };

export type DecisionAction = Decision['action'];
