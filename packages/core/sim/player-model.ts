/**
 * One live player, modelled on hls.js's defaults, driving a ShoalEngine the way hls.js with Shoal's loader
 * does: it joins the swarm as the manifest starts loading (`setStreams` with the manifest URL), describes
 * the renditions once the manifest is in, polls the media playlist and hands each new list to the engine
 * (`updateStream`), starts
 * `liveSyncSegments` behind the live edge, loads one segment at a time through the engine while the buffer
 * is short (the next as soon as one arrives), plays once the first segment is in, reports its playback to
 * the engine on every tick, and stalls when the buffer runs dry.
 *
 * Time and timers come from an injected `Clock`: the simulator's `VirtualClock`, or `systemClock` for real
 * engines on real timers. Playback advances by the clock time that really passed, however late a timer
 * fires, so a busy machine shows up as stalls, never hides them. The manifest and the playlists come from
 * sources (`playlist-source.ts`): HTTP for a real origin, the simulated stream for the simulator.
 *
 * Renditions are data, from the manifest; the model plays the first (no ABR yet).
 */
import type { Clock, LoadSegmentResult, SegmentDescription, ShoalEngine, TimerHandle } from '../src/index';
import type { LivePlaylist, ManifestSource, PlayerRendition } from './playlist-source';

/** What the model asks of an engine: the calls a player adapter makes. */
export type PlayerEngine = Pick<ShoalEngine, 'setStreams' | 'updateStream' | 'setPlayback' | 'loadSegment'>;

export interface PlayerModelOptions {
  engine: PlayerEngine;
  clock: Clock;
  /** The stream's manifest: its URL and renditions. The model plays the first rendition. */
  manifest: ManifestSource;
  /** A VOD stream when false: the engine is told so and playback starts at the first segment. @default true */
  live?: boolean;
  /** Segments behind the live edge to start at (hls.js `liveSyncDurationCount`). @default 3 */
  liveSyncSegments?: number;
  /** Stop loading ahead once this many seconds are buffered (hls.js `maxBufferLength`). @default 30 */
  maxBufferSec?: number;
  /** How often, in ms, playback advances and is reported to the engine. @default 100 */
  tickMs?: number;
  /**
   * Ms from one playlist answer to the next request. @default half the target duration (hls.js's reload
   * period for a live playlist that has not changed since the last load)
   */
  playlistRefreshMs?: number;
  /** Each segment as it arrives, with the engine's result (bytes included), for checks the report does not keep. */
  onSegment?(segment: LoadedSegment, result: LoadSegmentResult): void;
}

/** The player's habits when an option is left out: hls.js's defaults. */
export const DEFAULT_PLAYER_MODEL = Object.freeze({
  /** hls.js `liveSyncDurationCount`. */
  liveSyncSegments: 3,
  /** Seconds; hls.js `maxBufferLength`. */
  maxBufferSec: 30,
  /** Ms; hls.js's stream controller ticks every 100 ms. */
  tickMs: 100,
});

/** Used until a playlist has said its target duration, in seconds: the shortest `#EXT-X-TARGETDURATION`. */
const FALLBACK_TARGET_DURATION_SEC = 1;

export interface LoadedSegment {
  renditionId: string;
  segmentId: number;
  source: LoadSegmentResult['source'];
  sizeBytes: number;
  p2pBytes: number;
  /** Clock ms when it first appeared in the playlist. */
  listedAtMs: number;
  /** Clock ms when the player asked the engine for it. */
  requestedAtMs: number;
  /** Clock ms when it arrived. */
  arrivedAtMs: number;
  /** Media seconds of the playhead when the player asked for it. */
  positionAtRequestSec: number;
  /**
   * Media seconds from the playhead to the segment's start when it arrived: how early it came. ≤ 0 is a
   * missed deadline (playback had reached it). Undefined for the first segment (nothing was playing).
   */
  slackSec: number | undefined;
}

export interface PlayerReport {
  loaded: LoadedSegment[];
  /** Times the playhead reached the end of the buffer after playback started. */
  stalls: number;
  stallSec: number;
  /** Segments that arrived after playback had reached their start. */
  lateSegments: number[];
  /** Clock ms when the first segment arrived (playback started). */
  playingSinceMs: number | undefined;
  /** Playlist errors, failed loads and falls out of the playlist window: hls.js would have reported them. */
  failures: string[];
}

export class PlayerModel {
  readonly report: PlayerReport = { loaded: [], stalls: 0, stallSec: 0, lateSegments: [], playingSinceMs: undefined, failures: [] };
  private readonly options: PlayerModelOptions & { liveSyncSegments: number; maxBufferSec: number; tickMs: number };
  /** The rendition playing; known once the manifest is in. */
  private rendition: PlayerRendition | undefined;
  private segments: SegmentDescription[] = [];
  /** When each segment id first appeared in the playlist (clock ms). */
  private readonly listedAtMs = new Map<number, number>();
  private targetDurationSec = FALLBACK_TARGET_DURATION_SEC;
  private next: number | undefined;
  private positionSec = 0;
  private bufferedUntilSec = 0;
  private lastAdvanceMs = 0;
  private stalled = false;
  private loading = false;
  private started = false;
  private stopped = false;
  private tickTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;

  constructor(options: PlayerModelOptions) {
    this.options = {
      ...options,
      liveSyncSegments: options.liveSyncSegments ?? DEFAULT_PLAYER_MODEL.liveSyncSegments,
      maxBufferSec: options.maxBufferSec ?? DEFAULT_PLAYER_MODEL.maxBufferSec,
      tickMs: options.tickMs ?? DEFAULT_PLAYER_MODEL.tickMs,
    };
  }

  /** Load the manifest, then the playlist, and start playing. Once; a stopped player stays stopped. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    // As the hls.js adapter does on MANIFEST_LOADING: the tracker and first peers come up meanwhile.
    this.options.engine.setStreams({ manifestUrl: this.options.manifest.url });
    void this.loadManifest();
  }

  /** Stop playing: no more timers, loads or engine calls. Idempotent. The engine is the caller's to destroy. */
  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.tickTimer);
    this.options.clock.clearTimeout(this.refreshTimer);
  }

  private async loadManifest(): Promise<void> {
    const { engine, manifest, clock } = this.options;
    try {
      const renditions = await manifest.load();
      if (this.stopped) return;
      this.rendition = renditions[0];
      if (!this.rendition) throw new Error('no rendition');
      engine.setStreams({ manifestUrl: manifest.url, live: this.options.live !== false, renditions: renditions.map(({ id, metadata }) => ({ id, metadata })) });
      void this.refreshPlaylist(this.rendition);
    } catch (error) {
      if (this.stopped) return;
      this.report.failures.push(`manifest: ${String(error)}`);
      this.refreshTimer = clock.setTimeout(() => void this.loadManifest(), (FALLBACK_TARGET_DURATION_SEC * 1000) / 2);
    }
  }

  private async refreshPlaylist(rendition: PlayerRendition): Promise<void> {
    try {
      const playlist = await rendition.playlist.load();
      if (this.stopped) return;
      this.onPlaylist(rendition, playlist);
    } catch (error) {
      if (this.stopped) return;
      this.report.failures.push(`playlist: ${String(error)}`);
    }
    const refreshMs = this.options.playlistRefreshMs ?? (this.targetDurationSec * 1000) / 2;
    this.refreshTimer = this.options.clock.setTimeout(() => void this.refreshPlaylist(rendition), refreshMs);
  }

  private onPlaylist(rendition: PlayerRendition, { segments, targetDurationSec }: LivePlaylist): void {
    const { engine, clock } = this.options;
    this.targetDurationSec = targetDurationSec;
    const changed = segments.at(-1)?.segmentId !== this.segments.at(-1)?.segmentId;
    this.segments = segments;
    const nowMs = clock.now();
    for (const { segmentId } of segments) if (!this.listedAtMs.has(segmentId)) this.listedAtMs.set(segmentId, nowMs);
    const live = this.options.live !== false;
    if (changed) engine.updateStream(rendition.id, segments, { live });
    if (this.next === undefined) {
      const edge = segments.at(-1);
      if (!edge) return;
      this.next = live ? Math.max(segments[0]!.segmentId, edge.segmentId - (this.options.liveSyncSegments - 1)) : segments[0]!.segmentId;
      this.positionSec = this.bufferedUntilSec = this.segment(this.next)!.startTimeSec;
      this.lastAdvanceMs = nowMs;
      this.tick();
    } else if (changed) {
      this.maybeLoad();
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.advance();
    this.reportPlayback();
    this.maybeLoad();
    this.tickTimer = this.options.clock.setTimeout(() => this.tick(), this.options.tickMs);
  }

  /** Move the playhead by the clock time since the last call, stopping (stalling) at the buffer's end. */
  private advance(): void {
    const nowMs = this.options.clock.now();
    if (this.report.playingSinceMs !== undefined) {
      const targetSec = this.positionSec + (nowMs - this.lastAdvanceMs) / 1000;
      if (targetSec > this.bufferedUntilSec) {
        if (!this.stalled) this.report.stalls++;
        this.stalled = true;
        this.report.stallSec += targetSec - Math.max(this.positionSec, this.bufferedUntilSec);
        this.positionSec = this.bufferedUntilSec;
      } else {
        this.stalled = false;
        this.positionSec = targetSec;
      }
    }
    this.lastAdvanceMs = nowMs;
  }

  private reportPlayback(): void {
    const { positionSec, bufferedUntilSec } = this;
    const activeRenditions = this.rendition ? [this.rendition.id] : [];
    this.options.engine.setPlayback({ positionSec, rate: 1, bufferedUntilSec, activeRenditions });
  }

  private maybeLoad(): void {
    const { rendition } = this;
    if (this.stopped || this.loading || this.next === undefined || !rendition) return;
    if (this.bufferedUntilSec - this.positionSec >= this.options.maxBufferSec) return;
    const first = this.segments[0];
    if (first && this.next < first.segmentId) {
      this.report.failures.push(`fell out of the playlist window at segment ${this.next}`);
      this.next = first.segmentId;
    }
    const segment = this.segment(this.next);
    if (!segment) return; // not published yet
    const { clock, engine } = this.options;
    const renditionId = rendition.id;
    this.loading = true;
    const requestedAtMs = clock.now();
    const positionAtRequestSec = this.positionSec;
    engine.loadSegment({ renditionId, ...segment }).then(
      (result) => {
        if (this.stopped) return;
        this.advance();
        const playing = this.report.playingSinceMs !== undefined;
        const slackSec = playing ? segment.startTimeSec - this.positionSec : undefined;
        if (slackSec !== undefined && slackSec <= 0) this.report.lateSegments.push(segment.segmentId);
        const { source, sizeBytes, p2pBytes } = result;
        const arrivedAtMs = clock.now();
        const listedAtMs = this.listedAtMs.get(segment.segmentId) ?? requestedAtMs;
        const loaded: LoadedSegment = { renditionId, segmentId: segment.segmentId, source, sizeBytes, p2pBytes, listedAtMs, requestedAtMs, arrivedAtMs, positionAtRequestSec, slackSec };
        this.report.loaded.push(loaded);
        this.options.onSegment?.(loaded, result);
        this.report.playingSinceMs ??= arrivedAtMs;
        this.bufferedUntilSec = segment.startTimeSec + segment.durationSec;
        this.next = segment.segmentId + 1;
        this.loading = false;
        this.reportPlayback();
        this.maybeLoad();
      },
      (error: unknown) => {
        if (this.stopped) return;
        this.report.failures.push(`segment ${segment.segmentId}: ${String(error)}`);
        this.next = segment.segmentId + 1; // the player skips a segment it cannot load
        this.loading = false;
      },
    );
  }

  private segment(segmentId: number): SegmentDescription | undefined {
    return this.segments.find((s) => s.segmentId === segmentId);
  }
}
