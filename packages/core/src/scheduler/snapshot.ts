/**
 * Builds the policy's snapshot from read-only views of the engine's state: deadlines from the playhead
 * and the player's buffer, who holds what (`SwarmView`), what runs (`TaskView`), stored sizes
 * (`StoredSizes`) and the estimates. A pure function of its inputs; the only place that turns media time
 * into clock time.
 */
import type { IntegritySource } from '../download/download-context';
import type { StoredSizes } from '../holdings/holdings';
import type { OriginSizes } from '../sizes/origin-sizes';
import { isUsableClaim, p2pSizeOf } from '../sizes/size-claims';
import type { SwarmView } from '../swarm/swarm-view';
import type { Segment, SegmentKey } from '../types';
import type { TransferEstimate } from './bandwidth-estimator';
import { HANDED_GAP_TOLERANCE_SEC } from './handed-media';
import type { SchedulerPolicyConfig, SchedulerSnapshot, SegmentSnapshot, SegmentState } from './policy';
import type { StreamRegistry } from './stream-registry';

export interface PlaybackState {
  positionSec: number;
  /** Playback rate; 0 or less is treated as 1 (a paused player is about to play: stay ready). */
  rate: number;
  /** End of the buffered range that contains the playhead. */
  bufferedUntilSec: number;
  /** Renditions being played now (video and audio may be two). */
  activeRenditions: string[];
}

/** Size assumed for a segment nobody has announced and the manifest gives no size for. */
export const UNKNOWN_SEGMENT_SIZE_BYTES = 1024 * 1024;

/** A wanted segment as the snapshot reads it (the scheduler's `SegmentTask`). */
export interface TaskView {
  readonly key: SegmentKey;
  readonly segment: Pick<Segment, 'url' | 'startTimeSec' | 'durationSec' | 'byteRange'>;
  readonly state: SegmentState;
  readonly requestedByPlayer: boolean;
  /** The size its download learned (from peers or the origin); undefined before. */
  readonly sizeBytes: number | undefined;
  readonly receivedBytes: number;
  p2pBytesPerSecNow(nowMs: number): number | undefined;
  /** Clock ms when the running P2P download started; undefined when none runs. */
  readonly p2pStartedAtMs?: number | undefined;
  /** Clock ms when the running P2P download last took a whole block. */
  readonly p2pLastBlockAtMs?: number | undefined;
  readonly originLottery: number;
  readonly createdAtMs: number;
  readonly requestedAtMs?: number | undefined;
  /** This viewer's last origin request for the segment failed: the player's request is its retry. */
  readonly originFailed?: boolean;
  /** Clock ms before which a prefetch peers could not finish does not ask peers again. */
  readonly p2pRetryAtMs?: number | undefined;
}

/** What the snapshot reads of the stream's segments. */
export type RegistryView = Pick<StreamRegistry, 'live' | 'segment' | 'typicalDurationSec'> & Partial<Pick<StreamRegistry, 'declaredBitsPerSec'>>;

export interface SnapshotInput {
  nowMs: number;
  tasks: readonly TaskView[];
  registry: RegistryView;
  /** Undefined while there is no swarm (peers off, or not joined yet). */
  swarm: SwarmView | undefined;
  playback: PlaybackState | undefined;
  stored: StoredSizes;
  /** Segment sizes the origin stated: holders announcing another size do not count (`size-claims.ts`). */
  sizes: Pick<OriginSizes, 'sizeOf'>;
  /**
   * The integrity manifest, when the stream has one: holders of a segment whose entry is still on its way
   * count as peers fetching it (wait for them), since no byte of theirs is taken before it arrives.
   */
  integrity?: Pick<IntegritySource, 'entryPending'> | undefined;
  /** Cap on a size only peers have stated (`ShoalConfig.maxSegmentBytes`). */
  maxSegmentBytes: number;
  httpEstimate: TransferEstimate;
  p2pEstimate: TransferEstimate;
  policy: SchedulerPolicyConfig;
  prefetchLookaheadSec: number;
  /** Media start of the segment the player asked for last (see `playbackAnchorSec`). */
  lastRequestedStartSec: number | undefined;
  /**
   * Whether a segment handed to the player ends where `startSec` begins (`handed-media.ts`): media the
   * player holds but may not have appended yet. Never, when undefined.
   */
  handedLeadsUpTo?: (renditionId: string, startSec: number) => boolean;
}

/**
 * Where playback is about to be, in media seconds: the playhead once media is buffered at it. Before that
 * (the player has not started, or has just seeked) the playhead says nothing — a live player sits at 0,
 * far before the live window, until its first segment is appended — and the player's own requests say
 * where it will play: the start of the last segment it asked for. Undefined when neither is known yet:
 * then nothing is fetched ahead (a live viewer would otherwise fetch old segments it never plays).
 */
export function playbackAnchorSec(playback: PlaybackState, lastRequestedStartSec: number | undefined): number | undefined {
  return playback.bufferedUntilSec > playback.positionSec ? playback.positionSec : lastRequestedStartSec;
}

export function buildSnapshot(input: SnapshotInput): SchedulerSnapshot {
  const { nowMs, playback, swarm, registry } = input;
  const rate = playback && playback.rate > 0 ? playback.rate : 1;
  const anchorSec = playback && playbackAnchorSec(playback, input.lastRequestedStartSec);
  const segments: SegmentSnapshot[] = [];
  const firstRequestedSec = earliestRequestedStartSec(input);
  for (const task of input.tasks) {
    const known = registry.segment(task.key);
    const startTimeSec = known?.startTimeSec ?? task.segment.startTimeSec;
    let deadlineAtMs: number;
    let inLookahead = false;
    let playerWaiting = false;
    if (playback && startTimeSec !== undefined) {
      // Media seconds until playback reaches the segment, counted from where playback is about to be.
      const aheadSec = startTimeSec - (anchorSec ?? playback.positionSec);
      const durationSec = known?.durationSec ?? task.segment.durationSec ?? 0;
      inLookahead =
        anchorSec !== undefined &&
        aheadSec + durationSec > 0 &&
        aheadSec < input.prefetchLookaheadSec &&
        playback.activeRenditions.includes(task.key.renditionId);
      // The player asks for a segment when it needs it: by the time its buffer runs dry (whatever the
      // playhead says: before a live start it sits at 0, far from the segments). A segment fetched ahead
      // is needed when playback reaches its start, and not before the buffer in front of it runs dry.
      const bufferSec = Math.max(0, playback.bufferedUntilSec - playback.positionSec);
      // Nothing buffered yet (starting, after a seek): of the segments the player asked for, the earliest
      // plays first and the others after it — from the playhead, when the player has put it past that
      // segment's start (Shaka fetches the segment before its live start point, then seeks into the next:
      // counted from the first segment's start, the one after the start point looked 2 s further away than
      // it was, so a wait for peers or an origin turn could run past the moment playback needs it).
      const requestedAheadSec = bufferSec === 0 && firstRequestedSec !== undefined ? startTimeSec - Math.max(firstRequestedSec, playback.positionSec) : 0;
      const untilNeededSec = task.requestedByPlayer ? Math.max(bufferSec, requestedAheadSec) : Math.max(aheadSec, bufferSec);
      deadlineAtMs = nowMs + (untilNeededSec / rate) * 1000;
      // VOD: media handed to the player just before it (not appended yet, or before playback starts) means
      // the player does not stall on it: not rule 10's case. Its deadline stays what the buffer says
      // (`handed-media.ts`). Live keeps rule 10 for it: hls.js's first frame came 0.2–0.3 s after its
      // second live segment landed, and live holders' uplinks relay the edge.
      playerWaiting = task.requestedByPlayer && untilNeededSec <= 0 && (registry.live || !handedBefore(input, playback, task.key.renditionId, startTimeSec));
    } else if (playback) {
      const bufferSec = Math.max(0, playback.bufferedUntilSec - playback.positionSec);
      deadlineAtMs = nowMs + (bufferSec / rate) * 1000;
      playerWaiting = task.requestedByPlayer && bufferSec === 0;
    } else {
      deadlineAtMs = nowMs; // nothing known of playback: as urgent as can be
    }
    const holders: string[] = [];
    const partialHolders: SegmentSnapshot['partialHolders'] = [];
    let fetchingHolders = 0;
    const range = task.segment.byteRange;
    const originSizeBytes = input.sizes.sizeOf(range ? { ...task.key, byteRange: range } : task.key);
    const holding = (swarm?.peersHolding(task.key) ?? []).filter(({ peer }) => peer.remoteUploadEnabled);
    // Only holders whose announced size is the origin's (or, while it is unknown, an agreed hint under the
    // cap) can serve: the policy must not wait for peers a download would not use.
    const p2pSize = p2pSizeOf(holding.map(({ held }) => held.sizeBytes), originSizeBytes, input.maxSegmentBytes);
    // Strong mode, the segment's hashes not in yet: its holders cannot serve before they are, but will.
    const awaitingHashes = input.integrity?.entryPending?.(task.segment) ?? false;
    for (const { peer, held } of holding) {
      if (awaitingHashes || (held.partial && held.sizeBytes === 0)) fetchingHolders++; // no hashes, or no byte yet: it cannot serve, but it will
      else if (!isUsableClaim(held.sizeBytes, p2pSize)) continue;
      else if (!held.partial) holders.push(peer.id);
      else partialHolders.push({ peerId: peer.id, announcedAtMs: held.announcedAtMs });
    }
    const announcedSize = p2pSize && holders.length + partialHolders.length > 0 ? p2pSize.sizeBytes : undefined;
    const sizeBytes = task.sizeBytes ?? originSizeBytes ?? announcedSize ?? estimateSize(input, task);
    const p2pBytesPerSecNow = task.p2pBytesPerSecNow(nowMs);
    segments.push({
      key: task.key,
      sizeBytes,
      deadlineAtMs,
      requestedByPlayer: task.requestedByPlayer,
      inLookahead,
      state: task.state,
      receivedBytes: task.receivedBytes,
      ...(p2pBytesPerSecNow !== undefined ? { p2pBytesPerSecNow } : {}),
      ...(task.p2pStartedAtMs !== undefined ? { p2pStartedAtMs: task.p2pStartedAtMs } : {}),
      ...(task.p2pLastBlockAtMs !== undefined ? { p2pLastBlockAtMs: task.p2pLastBlockAtMs } : {}),
      holders,
      partialHolders,
      fetchingHolders,
      originLottery: task.originLottery,
      wantedSinceAtMs: task.createdAtMs,
      ...(task.requestedByPlayer && task.requestedAtMs !== undefined ? { requestedSinceAtMs: task.requestedAtMs } : {}),
      ...(task.originFailed ? { originFailed: true } : {}),
      ...(playerWaiting ? { playerWaiting: true } : {}),
      ...(task.p2pRetryAtMs !== undefined && task.p2pRetryAtMs > nowMs ? { p2pRetryAtMs: task.p2pRetryAtMs } : {}),
    });
  }
  return {
    nowMs,
    live: registry.live,
    swarmSize: (swarm?.peerCount ?? 0) + 1,
    awaitingFirstPeer: swarm?.awaitingFirstPeer ?? false,
    ...(swarm?.uplinkBytesPerSec !== undefined ? { uplinkBytesPerSec: swarm.uplinkBytesPerSec } : {}),
    httpEstimate: input.httpEstimate,
    p2pEstimate: input.p2pEstimate,
    segments,
    config: input.policy,
  };
}

/**
 * Whether a segment handed to the player leads up to this one (`handed-media.ts`) before it is due: a
 * starting player (the playhead at 0, or before its start position, until its first segment is appended)
 * or a buffer that reports late. Not a player stalled at the segment's start, whatever was handed before.
 */
function handedBefore(input: SnapshotInput, playback: PlaybackState, renditionId: string, startSec: number): boolean {
  return startSec > playback.positionSec + HANDED_GAP_TOLERANCE_SEC && (input.handedLeadsUpTo?.(renditionId, startSec) ?? false);
}

/** Media start of the earliest segment the player is waiting for; undefined when it waits for none. */
function earliestRequestedStartSec({ tasks, registry }: SnapshotInput): number | undefined {
  let earliest: number | undefined;
  for (const task of tasks) {
    if (!task.requestedByPlayer || task.state === 'done') continue;
    const startSec = registry.segment(task.key)?.startTimeSec ?? task.segment.startTimeSec;
    if (startSec !== undefined && (earliest === undefined || startSec < earliest)) earliest = startSec;
  }
  return earliest;
}

/** Average size of stored segments of the same rendition, else `UNKNOWN_SEGMENT_SIZE_BYTES`. */
function estimateSize(input: SnapshotInput, task: TaskView): number {
  const sizes = input.stored.storedSizesBytes(task.key.renditionId);
  if (sizes.length > 0) return Math.round(sizes.reduce((sum, size) => sum + size, 0) / sizes.length);
  return UNKNOWN_SEGMENT_SIZE_BYTES;
}


/**
 * The HTTP estimate for deadlines. Before HTTP has been measured (a viewer fed by peers may never use
 * it), the cold default (1 Mbit/s) would make every deadline look unreachable and send every viewer to
 * the origin at once; but the player chose the rendition it plays because its bandwidth sustains that
 * bitrate, so the media rate is a floor until real samples come in: the stored segments' rate, else
 * (nothing stored yet: starting) the rendition's declared bitrate. At startup the cold default also
 * made a first peer download that got no byte look faster than HTTP for seconds (rule 5).
 */
export function httpEstimateForDeadlines(
  measured: TransferEstimate,
  hasGoodEstimate: boolean,
  registry: RegistryView,
  stored: StoredSizes,
  playback: PlaybackState | undefined,
): TransferEstimate {
  if (hasGoodEstimate || !playback) return measured;
  let mediaBytesPerSec = 0;
  for (const renditionId of playback.activeRenditions) {
    const sizes = stored.storedSizesBytes(renditionId);
    const durationSec = registry.typicalDurationSec(renditionId);
    if (sizes.length === 0 || !durationSec) {
      mediaBytesPerSec += (registry.declaredBitsPerSec?.(renditionId) ?? 0) / 8;
      continue;
    }
    const averageBytes = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
    mediaBytesPerSec += averageBytes / durationSec;
  }
  return { ...measured, bytesPerSec: Math.max(measured.bytesPerSec, mediaBytesPerSec) };
}
