/**
 * A small live player on real timers, modelled like the simulator's (`packages/core/sim/live-simulation.ts`)
 * on hls.js's defaults: it polls the media playlist every half target duration and hands each new list to
 * the engine (`updateStream`), starts `liveSyncSegments` behind the live edge, loads one segment at a time
 * through the engine while the buffer is short, plays once the first segment is in, reports its playback
 * to the engine on every tick, and stalls when the buffer runs dry. Playback advances by the wall time that
 * really passed, however late a timer fires, so a busy machine shows up as stalls, never hides them.
 */
import type { LoadSegmentResult, SegmentDescription, ShoalEngine } from '@shoal/core';
import { sha256 } from './origin';

export interface LivePlayerOptions {
  engine: ShoalEngine;
  playlistUrl: string;
  /** @default 'live-main' */
  renditionId?: string;
  /** Segments behind the live edge to start at (hls.js `liveSyncDurationCount`). @default 3 */
  liveSyncSegments?: number;
  /** Stop loading ahead once this much is buffered. @default 30 */
  maxBufferSec?: number;
  /** How often playback advances and is reported to the engine. @default 100 */
  tickMs?: number;
}

export interface LoadedSegment {
  segmentId: number;
  source: LoadSegmentResult['source'];
  sizeBytes: number;
  p2pBytes: number;
  sha256: string;
  /** Wall ms (`performance.now()`) when it first appeared in the playlist. */
  listedAtMs: number;
  /** Wall ms when the player asked the engine for it. */
  requestedAtMs: number;
  /** Wall ms when it arrived. */
  arrivedAtMs: number;
  /** Media seconds of the playhead when the player asked for it. */
  positionAtRequestSec: number;
  /**
   * Media seconds from the playhead to the segment's start when it arrived: how early it came. ≤ 0 is a
   * missed deadline (playback had reached it). Undefined for the first segment (nothing was playing).
   */
  slackSec: number | undefined;
}

export interface LivePlayerReport {
  loaded: LoadedSegment[];
  /** Times the playhead reached the end of the buffer after playback started. */
  stalls: number;
  stallSec: number;
  /** Segments that arrived after playback had reached their start. */
  lateSegments: number[];
  /** Wall ms when the first segment arrived (playback started). */
  playingSinceMs: number | undefined;
  /** Playlist errors and failed loads: the player's own loader would have failed. */
  failures: string[];
}

/** Segments of an HLS media playlist. Durations are constant here, so a segment starts at id × duration. */
export function parseMediaPlaylist(text: string, playlistUrl: string): SegmentDescription[] {
  const firstId = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(text)?.[1] ?? 0);
  const segments: SegmentDescription[] = [];
  let durationSec: number | undefined;
  for (const line of text.split('\n')) {
    const info = /^#EXTINF:([\d.]+)/.exec(line);
    if (info) durationSec = Number(info[1]);
    else if (line !== '' && !line.startsWith('#') && durationSec !== undefined) {
      const segmentId = firstId + segments.length;
      segments.push({ segmentId, url: new URL(line, playlistUrl).href, durationSec, startTimeSec: segmentId * durationSec });
      durationSec = undefined;
    }
  }
  return segments;
}

export class LivePlayer {
  readonly report: LivePlayerReport = { loaded: [], stalls: 0, stallSec: 0, lateSegments: [], playingSinceMs: undefined, failures: [] };
  private readonly options: Required<LivePlayerOptions>;
  private segments: SegmentDescription[] = [];
  /** When each segment id first appeared in the playlist (wall ms). */
  private readonly listedAtMs = new Map<number, number>();
  private next: number | undefined;
  private positionSec = 0;
  private bufferedUntilSec = 0;
  private lastAdvanceMs = 0;
  private stalled = false;
  private loading = false;
  private stopped = false;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LivePlayerOptions) {
    this.options = { renditionId: 'live-main', liveSyncSegments: 3, maxBufferSec: 30, tickMs: 100, ...options };
  }

  start(): void {
    void this.refreshPlaylist();
  }

  /** Stop playing: no more timers, loads or engine calls. The engine is the caller's to destroy. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.ticker);
    clearTimeout(this.refreshTimer);
  }

  private async refreshPlaylist(): Promise<void> {
    let targetDurationSec = 1;
    try {
      const response = await fetch(this.options.playlistUrl);
      const text = await response.text();
      if (this.stopped) return;
      targetDurationSec = Number(/^#EXT-X-TARGETDURATION:(\d+)$/m.exec(text)?.[1] ?? 1);
      this.onPlaylist(parseMediaPlaylist(text, this.options.playlistUrl));
    } catch (error) {
      if (!this.stopped) this.report.failures.push(`playlist: ${String(error)}`);
    }
    if (!this.stopped) this.refreshTimer = setTimeout(() => void this.refreshPlaylist(), (targetDurationSec * 1000) / 2);
  }

  private onPlaylist(segments: SegmentDescription[]): void {
    const { engine, renditionId } = this.options;
    const changed = segments.at(-1)?.segmentId !== this.segments.at(-1)?.segmentId;
    this.segments = segments;
    const nowMs = performance.now();
    for (const { segmentId } of segments) if (!this.listedAtMs.has(segmentId)) this.listedAtMs.set(segmentId, nowMs);
    if (this.next === undefined) {
      const edge = segments.at(-1);
      if (!edge) return;
      engine.setStreams({ manifestUrl: this.options.playlistUrl, live: true, renditions: [{ id: renditionId, metadata: { name: 'main' }, segments }] });
      this.next = Math.max(segments[0]!.segmentId, edge.segmentId - (this.options.liveSyncSegments - 1));
      this.positionSec = this.bufferedUntilSec = this.segment(this.next)!.startTimeSec;
      this.lastAdvanceMs = performance.now();
      this.ticker = setInterval(() => this.tick(), this.options.tickMs);
      this.tick();
    } else if (changed) {
      engine.updateStream(renditionId, segments);
      this.maybeLoad();
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.advance();
    this.reportPlayback();
    this.maybeLoad();
  }

  /** Move the playhead by the wall time since the last call, stopping (stalling) at the buffer's end. */
  private advance(): void {
    const nowMs = performance.now();
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
    this.options.engine.setPlayback({ positionSec, rate: 1, bufferedUntilSec, activeRenditions: [this.options.renditionId] });
  }

  private maybeLoad(): void {
    if (this.stopped || this.loading || this.next === undefined) return;
    if (this.bufferedUntilSec - this.positionSec >= this.options.maxBufferSec) return;
    const first = this.segments[0];
    if (first && this.next < first.segmentId) {
      this.report.failures.push(`fell out of the playlist window at segment ${this.next}`);
      this.next = first.segmentId;
    }
    const segment = this.segment(this.next);
    if (!segment) return; // not published yet
    this.loading = true;
    const requestedAtMs = performance.now();
    const positionAtRequestSec = this.positionSec;
    this.options.engine.loadSegment({ renditionId: this.options.renditionId, ...segment }).then(
      (result) => {
        if (this.stopped) return;
        this.advance();
        const playing = this.report.playingSinceMs !== undefined;
        const slackSec = playing ? segment.startTimeSec - this.positionSec : undefined;
        if (slackSec !== undefined && slackSec <= 0) this.report.lateSegments.push(segment.segmentId);
        const { source, sizeBytes, p2pBytes } = result;
        const arrivedAtMs = performance.now();
        const listedAtMs = this.listedAtMs.get(segment.segmentId) ?? requestedAtMs;
        const bytesSha256 = sha256(result.bytes);
        this.report.loaded.push({ segmentId: segment.segmentId, source, sizeBytes, p2pBytes, sha256: bytesSha256, listedAtMs, requestedAtMs, arrivedAtMs, positionAtRequestSec, slackSec });
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
