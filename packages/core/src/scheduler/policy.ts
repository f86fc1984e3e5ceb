/**
 * The scheduler's policy: for each wanted segment, peers, HTTP or wait? A pure function of a snapshot
 * (clock time, deadlines, who holds what, bandwidth estimates): no timers, no I/O, no randomness of its
 * own. The engine builds a snapshot on every tick or event, calls `decide`, and acts on the decisions.
 *
 * Rules, in order, for segments by earliest deadline first:
 * 1. A segment neither requested nor inside the look-ahead is never fetched; one being downloaded is cancelled.
 * 2. Peers when they can deliver before the deadline with `safetyMarginMs` to spare: complete holders, or
 *    partial holders (still downloading it) whose relay is expected to finish in time (cut-through). For a
 *    segment the player asked for, past the last moment HTTP makes its deadline with the margin, nothing
 *    could rescue peers running late: while HTTP alone still makes the deadline it goes to HTTP; after
 *    that, complete holders may still serve it, partial holders alone not (their finish is a guess). The
 *    simulator's stalls were this: a joiner's second segment given to peers past that moment, at a slow
 *    or busy holder's pace. `npm run sim -- --arrival-window 10`, N = 25, 50, 100, 7 runs: stalls in 4
 *    runs before, 0 after (with rule 5's silence below), for a share of the bound 0.01 lower on average.
 * 3. Otherwise, for a segment the player asked for: HTTP, except a new live segment nobody holds. For those
 *    only a few viewers (k / N of them, by the segment's lottery draw) fetch from the origin at once; the
 *    others wait for it to appear in the swarm until HTTP plus the margin would no longer fit, then use HTTP.
 *    Turns are drawn over the viewer's slack (sparse at its start for a viewer with many peers:
 *    `origin-turn.ts`); a fast uploader's from its first tenth.
 * 4. Look-ahead segments the player has not asked for come from peers, or from the origin only when this
 *    viewer is one of the rare segment's fetchers (so the swarm gets it); never from HTTP otherwise. One
 *    that peers could not finish waits until `p2pRetryAtMs` before asking peers again.
 * 5. A peer download projected to miss its deadline is completed over HTTP (Range for the missing bytes),
 *    when HTTP would finish sooner and the segment may use HTTP (rule 3 or 4) — at the last moment HTTP
 *    for the missing bytes still makes the deadline with the margin, not before: until then peers go on.
 *    A download silent for S ms (no byte yet, or no whole block since the last) expects the rest to start
 *    no sooner than S ms from now: its average rate says nothing of a holder that stopped sending.
 * 6. At most `maxParallelHttp` and `maxParallelP2P` downloads at once. Running downloads are not preempted;
 *    new ones start earliest deadline first, and the rest wait for a slot.
 * 7. Before this viewer's first peer is ready, while the tracker counts other viewers (a connection is on
 *    its way), a segment the player asks for that nobody holds waits for that peer while HTTP plus the
 *    margin still fits its deadline, and at least `firstPeerWaitMs` from when it was wanted (0 by default:
 *    see below): a joining viewer's first segments are held by the swarm. The segment playback needs
 *    first goes to HTTP at once; those a player asks for with it (Shaka asks for several, audio and video)
 *    are needed later and wait for the peer.
 * 8. A VOD segment the player asks for that nobody holds or fetches, with time to spare, waits for this
 *    viewer's origin turn, drawn within `vodOriginStaggerMs` (as live turns are, in a shorter window): of
 *    viewers asking at once (one download frontier), the earliest turn fetches and the others relay.
 * 9. The player's retry of a segment whose origin request failed here (a 5xx, a timeout, a network error)
 *    waits for nothing (no origin turn, no first peer, no other viewer's fetch): peers if they fit or are
 *    faster, else HTTP at once. The player's own retry schedule (hls.js backs off 1, 2, 4, 8 s) is then
 *    the plain player's: during an origin outage every viewer's fetches fail alike, and a wait for the
 *    swarm only delays the failure, pushing each retry later (measured: the fourth retry of a fragment
 *    came 1.6 s after a plain page's, past the fragment's time in the live window). Such a segment is
 *    never fetched ahead from the origin (no origin turn): only the player's retry asks it again, else a
 *    failing origin would be asked in a loop, a failed prefetch making a new one.
 * 10. A segment the player waits for with nothing buffered ahead of it (`playerWaiting`: starting, or
 *    stalled) goes to HTTP when no peer fits its deadline (none can: it is now), not to peers on the
 *    estimate that they are faster: that estimate is a guess for connections that carried nothing yet,
 *    and a first transfer from holders whose uplinks relay the live edge came late. Rule 9's retries are
 *    excepted (the origin just failed them). Measured in the simulator (`npm run sim -- --viewers 100
 *    --duration 120 --arrival-window 10`, seeds 1 and 2): startup median 607 / 615 ms and p95 1869 / 1497
 *    ms before, 496 / 502 and 1369 / 1159 after, the same as those viewers without P2P, for a P2P share
 *    within a run's noise (0.752 → 0.736, 0.692 → 0.695). On VOD, a segment that segments already handed
 *    to the player lead up to is no stall, whatever the buffer reports (`handed-media.ts`): a starting
 *    hls.js asks for its next segment a few ms after the last one loaded, before it is appended, and
 *    such next segments went to the origin (its deadline is still the buffer's: no wait is added).
 */
import { isOriginFetcher, partialRelayFinishMs, requestMs, streamMs } from './estimates';
import { liveOriginTurnMs } from './origin-turn';
import type { Decision, SchedulerSnapshot, SegmentSnapshot } from './policy-types';

export {
  policyConfigOf,
  type Decision,
  type DecisionAction,
  type HttpReason,
  type P2PReason,
  type PartialHolder,
  type SchedulerPolicyConfig,
  type SchedulerSnapshot,
  type SegmentSnapshot,
  type SegmentState,
  type WaitReason,
} from './policy-types';


/** Whether peers may be used at all: the swarm (this viewer included) counts at least `minSwarmPeers`. */
export function swarmLargeEnough(swarmSize: number, minSwarmPeers: number): boolean {
  return swarmSize >= minSwarmPeers;
}

/**
 * The snapshot the rules see: as it is, or — while the swarm is smaller than `minSwarmPeers` — as a viewer
 * alone would see it (no holders, a swarm of one), so every segment the player asks for goes to the origin
 * as a plain player's would, and nothing waits for peers.
 */
export function gatedSnapshot(snapshot: SchedulerSnapshot): SchedulerSnapshot {
  if (swarmLargeEnough(snapshot.swarmSize, snapshot.config.minSwarmPeers ?? 0)) return snapshot;
  return {
    ...snapshot,
    swarmSize: 1,
    awaitingFirstPeer: false,
    segments: snapshot.segments.map((segment) => ({ ...segment, holders: [], partialHolders: [], fetchingHolders: 0 })),
  };
}

/** A decision before it is given its segment's key. */
type Intent = WithoutKey<Decision>;
type WithoutKey<D> = D extends unknown ? Omit<D, 'key'> : never;

/** What one `decide` call knows, and the download slots still free as it goes. */
interface Context {
  snapshot: SchedulerSnapshot;
  freeHttp: number;
  freeP2P: number;
}

/** Decisions for the snapshot's segments: cancellations first, then by earliest deadline. */
export function decide(input: SchedulerSnapshot): Decision[] {
  const snapshot = gatedSnapshot(input);
  const decisions: Decision[] = [];
  const open: SegmentSnapshot[] = [];
  let runningHttp = 0;
  let runningP2P = 0;
  for (const segment of snapshot.segments) {
    if (segment.state === 'done') continue;
    const wanted = segment.requestedByPlayer || segment.inLookahead;
    if (segment.state !== 'idle' && !wanted) {
      decisions.push({ key: segment.key, action: 'cancel', reason: 'not-wanted' });
      continue;
    }
    if (segment.state === 'http') runningHttp++;
    if (segment.state === 'p2p') runningP2P++;
    if (wanted) open.push(segment);
  }
  const context: Context = {
    snapshot,
    freeHttp: snapshot.config.maxParallelHttp - runningHttp,
    freeP2P: snapshot.config.maxParallelP2P - runningP2P,
  };
  for (const segment of open.sort(byDeadline)) {
    // A running HTTP download is left alone: it is the last resort already.
    const intent =
      segment.state === 'idle'
        ? planIdle(segment, context)
        : segment.state === 'p2p'
          ? planRunningP2P(segment, context)
          : undefined;
    if (intent) decisions.push({ key: segment.key, ...admit(segment, intent, context) });
  }
  return decisions;
}

/** Earliest deadline first; the player's requests before prefetches; then by key, so ties are stable. */
function byDeadline(a: SegmentSnapshot, b: SegmentSnapshot): number {
  if (a.deadlineAtMs !== b.deadlineAtMs) return a.deadlineAtMs < b.deadlineAtMs ? -1 : 1;
  if (a.requestedByPlayer !== b.requestedByPlayer) return a.requestedByPlayer ? -1 : 1;
  if (a.key.renditionId !== b.key.renditionId) return a.key.renditionId < b.key.renditionId ? -1 : 1;
  return a.key.segmentId - b.key.segmentId;
}

function remainingBytesOf(segment: SegmentSnapshot): number {
  return Math.max(0, segment.sizeBytes - segment.receivedBytes);
}

/** The last clock ms at which starting HTTP still finishes `safetyMarginMs` before the deadline. */
function latestHttpStartMs(segment: SegmentSnapshot, { snapshot }: Context): number {
  const httpMs = requestMs(remainingBytesOf(segment), snapshot.httpEstimate);
  return segment.deadlineAtMs - httpMs - snapshot.config.safetyMarginMs;
}

/**
 * A new live segment nobody holds, and this viewer's origin turn has come. Turns are staggered: each
 * viewer's falls at a draw over the slack between `wantedSinceAtMs` and the latest HTTP start
 * (`originTurnMs`). The viewer with the earliest turn fetches and announces the segment as fetching at
 * once; everyone whose turn comes later finds a holder and relays instead. So the origin serves a new
 * segment about once per swarm (more when turns fall before news of the first fetch reaches them, which
 * takes longer the larger the swarm), and nobody waits past the time HTTP would still make the deadline.
 * With `originFetchersPerSegment` k, a viewer whose draw is below k / swarmSize takes its turn at once
 * (0 by default: the stagger alone spreads the load, and an early turn only adds duplicates).
 */
function isRareFetcher(segment: SegmentSnapshot, context: Context): boolean {
  const { snapshot } = context;
  if (!snapshot.live || segment.holders.length > 0 || segment.partialHolders.length > 0) return false;
  if ((segment.fetchingHolders ?? 0) > 0) return false; // someone's turn came first: relay from it
  if (segment.originFailed) return false; // rule 9: only the player's retry asks the origin again
  // Alone (or before the first peer connects) there is nobody to wait for: what the player asks for goes
  // to the origin at once, and nothing is fetched ahead for a swarm that is not there.
  if (snapshot.swarmSize <= 1) return segment.requestedByPlayer;
  if (
    isOriginFetcher({
      originLottery: segment.originLottery,
      originFetchersPerSegment: snapshot.config.originFetchersPerSegment,
      swarmSize: snapshot.swarmSize,
    })
  ) {
    return true;
  }
  return snapshot.nowMs >= originTurnMs(segment, context);
}

/** A peer is already downloading the segment (bytes flowing or still waiting for the origin's first). */
function anyoneFetching(segment: SegmentSnapshot): boolean {
  return segment.partialHolders.length > 0 || (segment.fetchingHolders ?? 0) > 0;
}

/** Rule 3: this viewer's origin turn for a new live segment (`liveOriginTurnMs`). */
function originTurnMs(segment: SegmentSnapshot, context: Context): number {
  return liveOriginTurnMs({
    wantedSinceAtMs: segment.wantedSinceAtMs,
    latestHttpStartMs: latestHttpStartMs(segment, context),
    sizeBytes: segment.sizeBytes,
    originLottery: segment.originLottery,
    peerCount: context.snapshot.swarmSize - 1,
    uplinkBytesPerSec: context.snapshot.uplinkBytesPerSec,
  });
}

/**
 * Rule 8: when this viewer fetches a VOD segment nobody holds or fetches. Alone, at once; else at its draw
 * within the stagger window from when it was wanted, and never past the last HTTP start that keeps the
 * margin (so a segment needed soon, at startup or after a seek, goes at once).
 */
function vodOriginTurnMs(segment: SegmentSnapshot, context: Context): number {
  const { snapshot } = context;
  if (snapshot.swarmSize <= 1) return -Infinity;
  const latestMs = latestHttpStartMs(segment, context);
  // From the player's request: a segment sits in the look-ahead (waiting for peers) long before.
  const sinceMs = segment.requestedSinceAtMs ?? segment.wantedSinceAtMs;
  const turnMs = sinceMs + segment.originLottery * snapshot.config.vodOriginStaggerMs;
  return Math.min(turnMs, latestMs);
}

/** Whether the origin may be asked for this segment at all (rules 3 and 4). */
function mayUseHttp(segment: SegmentSnapshot, context: Context): boolean {
  return segment.requestedByPlayer || isRareFetcher(segment, context);
}

interface P2PSource {
  peerIds: string[];
  finishMs: number;
  fits: boolean;
  viaPartial: boolean;
}

/**
 * Peers that can serve the segment: every complete holder, plus the partial holders whose relay fits the
 * deadline. Partial holders that cannot make it are no source at all; complete holders are (`fits` says
 * whether they make the deadline), except for the player's segment past its last HTTP moment (rule 2).
 */
function p2pSource(segment: SegmentSnapshot, context: Context): P2PSource | undefined {
  const { snapshot } = context;
  const { nowMs, httpEstimate, p2pEstimate, config } = snapshot;
  const remainingBytes = remainingBytesOf(segment);
  const fitsDeadline = (finishMs: number): boolean => finishMs + config.safetyMarginMs <= segment.deadlineAtMs;
  // Past the last moment HTTP makes the player's deadline with the margin, nothing could rescue peers that
  // run late. While HTTP alone still makes the deadline, peers are no source; once it does not, complete
  // holders still are (they may beat it), partial holders alone are not (their finish is a guess: their
  // origin fetch, then an uplink nobody measured). Not for the player's retry of a failed origin (rule 9).
  const noRescue = segment.requestedByPlayer && !segment.originFailed && nowMs >= latestHttpStartMs(segment, context);
  if (noRescue && nowMs + requestMs(remainingBytes, httpEstimate) <= segment.deadlineAtMs) return undefined;
  const partial = (noRescue && segment.holders.length === 0 ? [] : segment.partialHolders)
    .map((holder) => ({
      peerId: holder.peerId,
      finishMs: partialRelayFinishMs({
        announcedAtMs: holder.announcedAtMs,
        sizeBytes: segment.sizeBytes,
        http: httpEstimate,
        p2p: p2pEstimate,
        nowMs,
        remainingBytes,
      }),
    }))
    .filter((holder) => fitsDeadline(holder.finishMs));
  const partialIds = partial.map((holder) => holder.peerId);
  if (segment.holders.length > 0) {
    const finishMs = nowMs + requestMs(remainingBytes, p2pEstimate);
    return { peerIds: [...segment.holders, ...partialIds], finishMs, fits: fitsDeadline(finishMs), viaPartial: false };
  }
  if (partial.length === 0) return undefined;
  return { peerIds: partialIds, finishMs: Math.min(...partial.map((h) => h.finishMs)), fits: true, viaPartial: true };
}

/** What to do with a segment nobody is downloading yet (rules 2–4), before slot limits. */
function planIdle(segment: SegmentSnapshot, context: Context): Intent {
  const { nowMs, httpEstimate, live } = context.snapshot;
  if (!segment.requestedByPlayer && segment.p2pRetryAtMs !== undefined && nowMs < segment.p2pRetryAtMs) {
    return { action: 'wait', reason: 'prefetch-waiting-for-peers', untilAtMs: segment.p2pRetryAtMs };
  }
  const source = p2pSource(segment, context);
  if (source?.fits) {
    return { action: 'p2p', reason: source.viaPartial ? 'partial-fits' : 'p2p-fits', peerIds: source.peerIds };
  }
  const originRetry = segment.requestedByPlayer && segment.originFailed === true;
  if (!source && segment.requestedByPlayer && !originRetry && context.snapshot.awaitingFirstPeer && !anyoneFetching(segment)) {
    const untilAtMs = Math.max(segment.wantedSinceAtMs + context.snapshot.config.firstPeerWaitMs, latestHttpStartMs(segment, context));
    if (nowMs < untilAtMs) return { action: 'wait', reason: 'waiting-for-first-peer', untilAtMs };
  }
  const httpFinishMs = nowMs + requestMs(remainingBytesOf(segment), httpEstimate);
  const originFirst = segment.playerWaiting === true && !originRetry; // rule 10
  if (source && source.finishMs <= httpFinishMs && !originFirst) {
    return { action: 'p2p', reason: 'p2p-faster-than-http', peerIds: source.peerIds };
  }
  if (originRetry) return { action: 'http', reason: 'origin-retry' };
  if (isRareFetcher(segment, context)) return { action: 'http', reason: 'origin-fetcher' };
  if (!segment.requestedByPlayer) {
    if (source) return { action: 'p2p', reason: 'p2p-prefetch', peerIds: source.peerIds };
    const hasTurn = live && !anyoneFetching(segment) && !segment.originFailed && context.snapshot.swarmSize > 1;
    const turnMs = hasTurn ? originTurnMs(segment, context) : Infinity;
    return { action: 'wait', reason: 'prefetch-waiting-for-peers', untilAtMs: turnMs > nowMs ? turnMs : Infinity };
  }
  if (source) return { action: 'http', reason: 'p2p-too-slow' };
  if ((segment.fetchingHolders ?? 0) > 0) {
    // A peer asked the origin for it and waits for its first byte: relay from it if that comes in time.
    const untilAtMs = latestHttpStartMs(segment, context);
    if (nowMs < untilAtMs) return { action: 'wait', reason: 'waiting-for-swarm', untilAtMs };
    return { action: 'http', reason: 'deadline-close' };
  }
  if (!live) {
    const turnMs = vodOriginTurnMs(segment, context);
    if (nowMs < turnMs) return { action: 'wait', reason: 'waiting-for-swarm', untilAtMs: turnMs };
    return { action: 'http', reason: 'no-holders' };
  }
  const untilAtMs = anyoneFetching(segment) ? latestHttpStartMs(segment, context) : originTurnMs(segment, context);
  if (nowMs < untilAtMs) return { action: 'wait', reason: 'waiting-for-swarm', untilAtMs };
  return { action: 'http', reason: 'deadline-close' };
}

/** Rule 5: a running P2P download projected to miss its deadline; undefined while it is on track. */
function planRunningP2P(segment: SegmentSnapshot, context: Context): Intent | undefined {
  const { nowMs, httpEstimate, p2pEstimate, config } = context.snapshot;
  const remainingBytes = remainingBytesOf(segment);
  const rateNow = segment.p2pBytesPerSecNow;
  // No byte yet after waiting W ms: the holders are busy (their uplinks queue others' requests first), so
  // the first byte is expected no sooner than as long again, whatever the estimate says.
  const waitedMs = rateNow === undefined && segment.p2pStartedAtMs !== undefined ? nowMs - segment.p2pStartedAtMs : 0;
  // Likewise once bytes flowed: no whole block for S ms (the holder waits for the bytes itself, or its
  // uplink serves others first), the rest starts no sooner than S ms from now, whatever the average rate
  // says. Counted in blocks taken, so a peer trickling a block a byte at a time does not look on track.
  const lastProgressAtMs = segment.p2pLastBlockAtMs ?? segment.p2pStartedAtMs;
  const silentMs = rateNow !== undefined && lastProgressAtMs !== undefined ? nowMs - lastProgressAtMs : 0;
  const nextByteAtMs = rateNow !== undefined ? nowMs + silentMs : nowMs + Math.max(p2pEstimate.ttfbMs, waitedMs);
  const p2pFinishMs = nextByteAtMs + streamMs(remainingBytes, rateNow ?? p2pEstimate.bytesPerSec);
  if (p2pFinishMs + config.safetyMarginMs <= segment.deadlineAtMs) return undefined;
  if (!mayUseHttp(segment, context)) return undefined;
  if (nowMs + requestMs(remainingBytes, httpEstimate) >= p2pFinishMs) return undefined;
  // The last responsible moment: while HTTP for what is left still makes the deadline with the margin,
  // peers keep going. A young download's rate is noisy (a relay starts at its source's pace, a busy
  // holder's queue serves others first), and every byte peers still send is one the origin does not.
  if (nowMs < latestHttpStartMs(segment, context)) return undefined;
  return { action: 'http-rest', reason: 'p2p-falling-behind' };
}

/** Rule 6: start the intent if a slot is free, else wait for one (or, near the deadline, use HTTP instead). */
function admit(segment: SegmentSnapshot, intent: Intent, context: Context): Intent {
  switch (intent.action) {
    case 'p2p': {
      if (context.freeP2P > 0) {
        context.freeP2P--;
        return intent;
      }
      if (!segment.requestedByPlayer) return { action: 'wait', reason: 'p2p-slots-full', untilAtMs: Infinity };
      const untilAtMs = latestHttpStartMs(segment, context);
      if (context.snapshot.nowMs < untilAtMs) return { action: 'wait', reason: 'p2p-slots-full', untilAtMs };
      return admit(segment, { action: 'http', reason: 'deadline-close' }, context);
    }
    case 'http':
    case 'http-rest': {
      if (context.freeHttp <= 0) return { action: 'wait', reason: 'http-slots-full', untilAtMs: Infinity };
      context.freeHttp--;
      if (intent.action === 'http-rest') context.freeP2P++;
      return intent;
    }
    default:
      return intent;
  }
}
