/**
 * The scheduler: a task per wanted segment (the player's requests and the look-ahead), a snapshot of
 * them, the pure `decide()` on it, and each decision handed to the segment's `SegmentDownload` (start
 * P2P, start HTTP, finish over HTTP, cancel). It decides again on every event and at the time the policy
 * names, and settles the player's waiters when a download settles. It holds no bytes: downloads do.
 */
import type { Clock, TimerHandle } from '../clock/clock';
import type { DownloadContext, DownloadSettlement } from '../download/download-context';
import { SegmentDownload } from '../download/segment-download';
import { ShoalError } from '../errors';
import type { Holdings } from '../holdings/holdings';
import { segmentKeyString } from '../segment-key';
import type { Swarm } from '../swarm/swarm';
import type { Segment, SegmentKey } from '../types';
import type { HttpEstimator, P2PEstimator } from './bandwidth-estimator';
import { HandedMedia } from './handed-media';
import { decide, type Decision, type SchedulerPolicyConfig } from './policy';
import { lotteryDraw, SegmentTask, type LoadSegmentResult, type Waiter } from './segment-task';
import { buildSnapshot, httpEstimateForDeadlines, playbackAnchorSec, type PlaybackState } from './snapshot';
import type { StreamRegistry } from './stream-registry';

/** While downloads run, decide again at least this often (to catch a P2P download falling behind). */
export const SCHEDULER_TICK_MS = 250;
/** Segments whose origin failure is remembered for the player's retry (policy rule 9); the oldest go first. */
export const MAX_REMEMBERED_ORIGIN_FAILURES = 64;

export interface SchedulerHooks {
  onLoaded(key: SegmentKey, result: LoadSegmentResult): void;
  onFailed(key: SegmentKey, error: ShoalError): void;
  /** A step of the segment's download threw (a bug of ours): it falls back to HTTP (`engine:error`). */
  onInternalError(key: SegmentKey, error: ShoalError): void;
}

export interface SchedulerOptions {
  clock: Clock;
  peerId: string;
  registry: StreamRegistry;
  /** What this viewer holds: stored segments are not fetched ahead, stored sizes feed size estimates. */
  holdings: Holdings;
  /** What every segment download shares (fetcher, store, estimators, byte counters). */
  downloads: DownloadContext;
  httpEstimator: HttpEstimator;
  p2pEstimator: P2PEstimator;
  swarm(): Swarm | undefined;
  /** Whether the player has started playing (its playhead moved in a buffered range): see `addLookaheadTasks`. */
  playbackStarted(): boolean;
  policy: SchedulerPolicyConfig;
  prefetchLookaheadSec: number;
  hooks: SchedulerHooks;
  /** Every decision acted on (not waits), for tracing a segment's life. */
  onDecision?: (decision: Decision, nowMs: number) => void;
}

export class Scheduler {
  private readonly options: SchedulerOptions;
  private readonly tasks = new Map<string, SegmentTask>();
  /** Segments whose last origin request failed here, oldest first: the player's next request is a retry. */
  private readonly originFailures = new Set<string>();
  private playback: PlaybackState | undefined;
  /** Media start of the segment the player asked for last: where it loads before anything is buffered. */
  private lastRequestedStartSec: number | undefined;
  private readonly handed = new HandedMedia();
  private timer: TimerHandle | undefined;
  private timerAtMs = Infinity;
  private destroyed = false;

  constructor(options: SchedulerOptions) {
    this.options = options;
  }

  setPlayback(playback: PlaybackState): void {
    this.playback = playback;
    this.soon();
  }

  /** The player asked for a segment (served from the cache or not): it is loading around there. */
  playerAsked(segment: Segment): void {
    this.lastRequestedStartSec = this.options.registry.segment(segment)?.startTimeSec ?? segment.startTimeSec ?? this.lastRequestedStartSec;
  }

  /** The player got a segment's bytes (from the cache or a download): the next one is no stall (`handed-media.ts`). */
  handedToPlayer(segment: Segment): void {
    const known = this.options.registry.segment(segment);
    const startSec = known?.startTimeSec ?? segment.startTimeSec;
    const durationSec = known?.durationSec ?? segment.durationSec;
    if (startSec === undefined || durationSec === undefined) return;
    this.handed.add({ renditionId: segment.renditionId, startSec, endSec: startSec + durationSec });
  }

  /** The player asks for a segment: resolve it from whatever source the policy picks. */
  request(segment: Segment, signal: AbortSignal | undefined): Promise<LoadSegmentResult> {
    const id = segmentKeyString(segment);
    const owner = this.tasks.get(id) ?? this.addTask(segment);
    return new Promise<LoadSegmentResult>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (result) => (signal?.removeEventListener('abort', onAbort), resolve(result)),
        reject: (error) => (signal?.removeEventListener('abort', onAbort), reject(error)),
      };
      const onAbort = (): void => {
        owner.waiters.delete(waiter);
        reject(new ShoalError('aborted', 'Aborted', { source: 'engine' }));
        this.soon();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      owner.waiters.add(waiter);
      owner.requestedAtMs ??= this.options.clock.now();
      this.decideNow();
    });
  }

  /** Something changed (a peer's holdings, the playlist): decide again shortly. */
  soon(): void {
    this.schedule(this.options.clock.now());
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.options.clock.clearTimeout(this.timer);
    const error = new ShoalError('destroyed', 'The engine was destroyed', { source: 'engine', fatal: true });
    for (const task of this.tasks.values()) {
      task.download.destroy();
      for (const waiter of task.waiters) waiter.reject(error);
    }
    this.tasks.clear();
  }

  private schedule(atMs: number): void {
    if (this.destroyed || atMs >= this.timerAtMs) return;
    this.options.clock.clearTimeout(this.timer);
    this.timerAtMs = atMs;
    this.timer = this.options.clock.setTimeout(() => {
      this.timerAtMs = Infinity;
      this.decideNow();
    }, Math.max(0, atMs - this.options.clock.now()));
  }

  private decideNow(): void {
    if (this.destroyed) return;
    const { clock, registry, holdings } = this.options;
    this.addLookaheadTasks();
    // Nothing wanted: the snapshot would be empty and the policy would decide nothing (many decisions of a
    // viewer between two segments are for a peer's announcement, with no segment wanted at all).
    if (this.tasks.size === 0) return;
    const tasks = [...this.tasks.values()];
    const snapshot = buildSnapshot({
      nowMs: clock.now(),
      tasks,
      registry,
      swarm: this.options.swarm(),
      playback: this.playback,
      stored: holdings,
      sizes: this.options.downloads.sizes,
      maxSegmentBytes: this.options.downloads.maxSegmentBytes,
      integrity: this.options.downloads.integrity,
      httpEstimate: httpEstimateForDeadlines(
        this.options.httpEstimator.estimate(),
        this.options.httpEstimator.hasGoodEstimate,
        registry,
        holdings,
        this.playback,
      ),
      p2pEstimate: this.options.p2pEstimator.estimate(),
      policy: this.options.policy,
      prefetchLookaheadSec: this.options.prefetchLookaheadSec,
      lastRequestedStartSec: this.lastRequestedStartSec,
      handedLeadsUpTo: (renditionId, startSec) => this.handed.leadsUpTo(renditionId, startSec),
    });
    this.offerNewHolders(tasks);
    let nextMs = tasks.some((t) => t.state === 'p2p' || t.state === 'http') ? clock.now() + SCHEDULER_TICK_MS : Infinity;
    for (const decision of decide(snapshot)) {
      const task = this.tasks.get(segmentKeyString(decision.key));
      if (!task) continue;
      if (decision.action === 'wait') nextMs = Math.min(nextMs, decision.untilAtMs);
      else {
        this.options.onDecision?.(decision, clock.now());
        this.act(task, decision);
      }
    }
    // Tasks nobody wants and nothing runs for (seeked past, aborted prefetch) are dropped, with any bytes
    // an unfinished prefetch kept (peers hear they are not held).
    for (const task of this.tasks.values()) {
      if (task.state === 'idle' && !task.requestedByPlayer && !snapshot.segments.some((s) => segmentKeyString(s.key) === segmentKeyString(task.key))) {
        this.tasks.delete(segmentKeyString(task.key));
        task.download.cancel();
      }
    }
    if (Number.isFinite(nextMs)) this.schedule(Math.max(nextMs, clock.now() + 20));
  }

  /** Running P2P downloads take the complete holders that appeared since they started (`SegmentDownload.addHolders`). */
  private offerNewHolders(tasks: readonly SegmentTask[]): void {
    const swarm = this.options.swarm();
    if (!swarm) return;
    for (const task of tasks) {
      if (task.state !== 'p2p') continue;
      const complete = swarm.peersHolding(task.key).filter(({ held }) => !held.partial);
      if (complete.length > 0) task.download.addHolders(complete);
    }
  }

  /**
   * Look-ahead segments of the active renditions (from where playback is about to be) become tasks, so the
   * policy may prefetch them. Not while nothing is buffered at the playhead (starting, after a seek, in a
   * stall): then the player waits for the segment it asked for, and a prefetch would share the link and
   * the page's time with it. The look-ahead starts once media is buffered at the playhead; on VOD, not
   * before the player has first started playing: there the whole look-ahead exists at once, and a joiner
   * fed by peers received five segments together while it sought to its start position and decoded its
   * first frames. A live look-ahead before the start is the one or two segments up to the edge, and
   * fetching the next one beside the player's request measured a faster start (bench:swarm hls.js N=4,
   * N=6 startup ×0.93–1.05 with it, ×1.08 and ×1.18 without).
   */
  private addLookaheadTasks(): void {
    const playback = this.playback;
    if (!playback || playback.bufferedUntilSec <= playback.positionSec) return;
    if (!this.options.registry.live && !this.options.playbackStarted()) return;
    const anchorSec = playbackAnchorSec(playback, this.lastRequestedStartSec);
    if (anchorSec === undefined) return;
    for (const renditionId of playback.activeRenditions) {
      const segments = this.options.registry.segmentsBetween(renditionId, anchorSec, anchorSec + this.options.prefetchLookaheadSec);
      for (const segment of segments) {
        const id = segmentKeyString(segment);
        if (this.tasks.has(id) || this.options.holdings.isStored(segment)) continue;
        this.addTask(segment);
      }
    }
  }

  private addTask(segment: Segment): SegmentTask {
    const download = this.newDownload(segment, () => task);
    const task: SegmentTask = new SegmentTask(segment, {
      originLottery: lotteryDraw(this.options.peerId, segment),
      createdAtMs: this.options.clock.now(),
      download,
      originFailed: this.originFailures.has(segmentKeyString(segment)),
    });
    this.tasks.set(segmentKeyString(segment), task);
    return task;
  }

  /** A download whose settlement counts only while it is its task's current one. */
  private newDownload(segment: Segment, task: () => SegmentTask): SegmentDownload {
    const download: SegmentDownload = new SegmentDownload(
      segment,
      this.options.downloads,
      (settlement) => {
        if (task().download === download) this.settled(task(), settlement);
      },
      () => {
        // Peers could not finish it: the rest over HTTP if the player waits, else the policy decides again.
        if (task().requestedByPlayer) return true;
        this.soon();
        return false;
      },
    );
    return download;
  }

  /**
   * The one entry point of every step a segment's download takes: whatever it throws (a bug of ours) is
   * reported, and the segment starts over on a fresh download over HTTP, so one segment never wedges the
   * engine and the player's load still resolves as the origin allows.
   */
  private act(task: SegmentTask, decision: Exclude<Decision, { action: 'wait' }>): void {
    try {
      this.step(task, decision);
    } catch (error) {
      this.recover(task, error);
    }
  }

  private recover(task: SegmentTask, cause: unknown): void {
    const error = new ShoalError('internal-error', `Loading ${task.key.renditionId}/${task.key.segmentId} failed: ${String(cause)}`, { source: 'engine', cause });
    this.options.hooks.onInternalError(task.key, error);
    const broken = task.download;
    task.download = this.newDownload(task.segment, () => task);
    try {
      broken.destroy();
    } catch {
      // It is replaced either way.
    }
    try {
      task.download.startHttp();
    } catch (again) {
      this.tasks.delete(segmentKeyString(task.key));
      const failure = new ShoalError('internal-error', `HTTP fallback failed: ${String(again)}`, { source: 'engine', cause: again, fatal: true });
      for (const waiter of task.waiters) waiter.reject(failure);
      task.waiters.clear();
    }
  }

  private step(task: SegmentTask, decision: Exclude<Decision, { action: 'wait' }>): void {
    switch (decision.action) {
      case 'p2p': {
        const holders = this.options.swarm()?.peersHolding(task.key).filter(({ peer }) => decision.peerIds.includes(peer.id)) ?? [];
        return task.download.startP2P(holders, { fromPartialHolders: decision.reason === 'partial-fits' });
      }
      case 'http':
        return task.download.startHttp();
      case 'http-rest':
        return task.download.finishOverHttp();
      case 'cancel':
        task.download.cancel();
        this.tasks.delete(segmentKeyString(task.key));
        return;
    }
  }

  /** Whether the segment's last origin request failed, for the player's retry (bounded: oldest forgotten). */
  private rememberOriginFailure(id: string, failed: boolean): void {
    this.originFailures.delete(id);
    if (!failed) return;
    this.originFailures.add(id);
    if (this.originFailures.size > MAX_REMEMBERED_ORIGIN_FAILURES) this.originFailures.delete(this.originFailures.values().next().value!);
  }

  /** A download settled: the player's waiters get its bytes (or its error), and the task is done. */
  private settled(task: SegmentTask, settlement: DownloadSettlement): void {
    const id = segmentKeyString(task.key);
    if (this.tasks.get(id) === task) this.tasks.delete(id);
    this.rememberOriginFailure(id, !settlement.ok && settlement.error.source === 'http');
    if (settlement.ok) {
      const { bytes, source, p2pBytes, peerIds } = settlement.segment;
      const durationMs = this.options.clock.now() - task.createdAtMs;
      const result: LoadSegmentResult = { bytes, source, sizeBytes: bytes.byteLength, p2pBytes, durationMs, peerIds };
      this.options.hooks.onLoaded(task.key, result);
      for (const waiter of task.waiters) waiter.resolve(result);
    } else {
      if (task.waiters.size > 0) this.options.hooks.onFailed(task.key, settlement.error);
      for (const waiter of task.waiters) waiter.reject(settlement.error);
    }
    task.waiters.clear();
    this.soon();
  }
}
