/**
 * A live stream watched by N simulated viewers, each a real ShoalEngine on one virtual clock, connected
 * by the in-memory tracker and transports, fetching from a simulated origin. Each viewer is the shared
 * player model (`player-model.ts`, hls.js's defaults) reading the stream's playlist from the simulated
 * origin: one first-byte delay per playlist load.
 */
import { VirtualClock } from '../src/clock/virtual-clock';
import type { ShoalConfig } from '../src/config';
import { ShoalEngine } from '../src/engine';
import type { SegmentDescription } from '../src/scheduler/stream-registry';
import { MemoryTrackerHub } from './memory-tracker';
import { DEFAULT_PLAYER_MODEL, PlayerModel } from './player-model';
import type { ManifestSource, PlayerRendition, PlaylistSource } from './playlist-source';
import { nodeSha256 } from './node-sha256';
import { SimOrigin } from './sim-origin';

export interface LiveSimulationOptions {
  viewers: number;
  durationSec: number;
  segmentDurationSec?: number;
  segmentSizeBytes?: number;
  /** Peer links. */
  link?: { latencyMs: number; bandwidthBytesPerSec: number };
  origin?: { ttfbMs: number; bandwidthBytesPerSec: number };
  /** Viewer i joins at i × this. */
  joinStaggerMs?: number;
  /** Segments behind the live edge a viewer starts at (hls.js liveSyncDurationCount). */
  liveSyncSegments?: number;
  maxBufferSec?: number;
  /** Segments listed in the live playlist. */
  windowSegments?: number;
  /** Ms from a viewer's playlist answer to its next request. @default half the segment duration, as hls.js */
  playlistRefreshMs?: number;
  config?: Partial<ShoalConfig>;
  /**
   * Churn: each viewer leaves after this many seconds (its engine destroyed, no goodbye needed) and a new
   * viewer joins in its place at once, until the end. Default: viewers stay the whole run.
   */
  viewerLifetimeSec?: number;
  /** Called every `everySec` simulated seconds (the memory soak samples the heap there). */
  onTick?: { everySec: number; callback: (simulatedSec: number) => void | Promise<void> };
}

export interface ViewerResult {
  httpBytes: number;
  p2pBytes: number;
  p2pShare: number;
  stalls: number;
  stallSec: number;
  segmentsLoaded: number;
}

export interface LiveSimulationResult {
  viewers: ViewerResult[];
  p2pShare: number;
  /** 1 − 1/N: the share if the origin served each segment exactly once. */
  limit: number;
  stalls: number;
  /** Origin requests (Range completions included) per segment produced during the run. */
  originRequestsPerSegment: number;
  originBytes: number;
  /** Decisions acted on, by action and reason (e.g. `http:deadline-close`). */
  decisions: Record<string, number>;
}

/** The scenario when an option is left out. */
export const DEFAULT_LIVE_SIMULATION = Object.freeze({
  segmentDurationSec: 2,
  /** 500 kB per 2 s segment: a 2 Mbit/s rendition. */
  segmentSizeBytes: 500_000,
  link: Object.freeze({ latencyMs: 20, bandwidthBytesPerSec: 3_000_000 }),
  origin: Object.freeze({ ttfbMs: 100, bandwidthBytesPerSec: 2_500_000 }),
  joinStaggerMs: 500,
  liveSyncSegments: DEFAULT_PLAYER_MODEL.liveSyncSegments,
  maxBufferSec: DEFAULT_PLAYER_MODEL.maxBufferSec,
  windowSegments: 6,
});

export async function runLiveSimulation(options: LiveSimulationOptions): Promise<LiveSimulationResult> {
  const segmentDurationSec = options.segmentDurationSec ?? DEFAULT_LIVE_SIMULATION.segmentDurationSec;
  const segmentSizeBytes = options.segmentSizeBytes ?? DEFAULT_LIVE_SIMULATION.segmentSizeBytes;
  const liveSync = options.liveSyncSegments ?? DEFAULT_LIVE_SIMULATION.liveSyncSegments;
  const windowSegments = options.windowSegments ?? DEFAULT_LIVE_SIMULATION.windowSegments;
  const maxBufferSec = options.maxBufferSec ?? DEFAULT_LIVE_SIMULATION.maxBufferSec;
  const clock = new VirtualClock();
  // The stream has been running a while when the first viewer joins.
  const epochMs = 60_000;
  clock.advance(epochMs);
  const segmentUrl = (n: number): string => `sim://origin/live/${n}.ts`;
  const producedUpTo = (): number => Math.floor(clock.now() / 1000 / segmentDurationSec) - 1; // last complete segment
  const originConditions = options.origin ?? DEFAULT_LIVE_SIMULATION.origin;
  const origin = new SimOrigin({
    clock,
    ...originConditions,
    sizeOf: () => segmentSizeBytes,
    isAvailable: (url) => Number(/\/(\d+)\.ts$/.exec(url)?.[1]) <= producedUpTo(),
  });
  const hub = new MemoryTrackerHub({ clock, link: options.link ?? DEFAULT_LIVE_SIMULATION.link });
  const playlist = (): SegmentDescription[] => {
    const edge = producedUpTo();
    const list: SegmentDescription[] = [];
    for (let n = Math.max(0, edge - windowSegments + 1); n <= edge; n++) {
      list.push({ segmentId: n, url: segmentUrl(n), durationSec: segmentDurationSec, startTimeSec: n * segmentDurationSec });
    }
    return list;
  };

  // The origin answers the manifest and each playlist request after its first-byte delay, as it is then.
  const answer = <T>(what: () => T): Promise<T> => new Promise((resolve) => clock.setTimeout(() => resolve(what()), originConditions.ttfbMs));
  const playlistSource: PlaylistSource = { load: () => answer(() => ({ segments: playlist(), targetDurationSec: segmentDurationSec })) };
  const renditions: PlayerRendition[] = [{ id: 'live-main', metadata: { name: 'main' }, playlist: playlistSource }];
  const manifest: ManifestSource = { url: 'sim://origin/live/master.m3u8', load: () => answer(() => renditions) };

  const results: ViewerResult[] = [];
  const decisions: Record<string, number> = {};
  const engines: ShoalEngine[] = [];
  const endMs = epochMs + options.durationSec * 1000;
  const firstSegmentAtStart = producedUpTo() + 1;
  const viewerRuns: Array<Promise<void>> = [];
  const lifetimeMs = options.viewerLifetimeSec === undefined ? Infinity : options.viewerLifetimeSec * 1000;
  /** One viewer slot's generation: a viewer joins now, plays until it leaves (churn) or the end, and is replaced. */
  const runViewer = (i: number, generation: number, resolveViewer: () => void): void => {
    const engine = new ShoalEngine(
      { trackerUrls: ['sim://tracker'], ...options.config },
      {
        clock,
        peerId: (generation * 0x10000 + i + 1).toString(16).padStart(40, '0'),
        fetch: origin.fetch,
        createTrackerClient: hub.createClient,
        // Hashing (commitments) without real-time gaps the virtual clock would skip over.
        sha256: nodeSha256,
        onDecision: (decision, nowMs) => {
          if (process.env.SIM_TRACE_VIEWER === String(i)) console.log(`viewer ${i} @${(nowMs - epochMs).toFixed(1)}`, JSON.stringify(decision));
          const name = `${decision.action}:${'reason' in decision ? decision.reason : ''}`;
          decisions[name] = (decisions[name] ?? 0) + 1;
        },
      },
    );
    engines.push(engine);
    const result: ViewerResult = { httpBytes: 0, p2pBytes: 0, p2pShare: 0, stalls: 0, stallSec: 0, segmentsLoaded: 0 };
    results.push(result);
    const player = new PlayerModel({
      engine,
      clock,
      manifest,
      liveSyncSegments: liveSync,
      maxBufferSec,
      playlistRefreshMs: options.playlistRefreshMs,
    });
    player.start();
    const leaveAtMs = Math.min(endMs, clock.now() + lifetimeMs);
    clock.setTimeout(() => {
      player.stop();
      const { httpBytes, p2pBytes, p2pShare } = engine.stats();
      const { stalls, stallSec, loaded } = player.report;
      Object.assign(result, { httpBytes, p2pBytes, p2pShare, stalls, stallSec, segmentsLoaded: loaded.length });
      if (leaveAtMs >= endMs) return resolveViewer();
      engine.destroy();
      engines.splice(engines.indexOf(engine), 1);
      runViewer(i, generation + 1, resolveViewer);
    }, leaveAtMs - clock.now());
  };
  for (let i = 0; i < options.viewers; i++) {
    viewerRuns.push(
      new Promise<void>((resolveViewer) => {
        clock.setTimeout(() => runViewer(i, 0, resolveViewer), i * (options.joinStaggerMs ?? DEFAULT_LIVE_SIMULATION.joinStaggerMs));
      }),
    );
  }
  if (options.onTick) {
    const { everySec, callback } = options.onTick;
    const tick = (): void => {
      void callback((clock.now() - epochMs) / 1000);
      if (clock.now() + everySec * 1000 <= endMs) clock.setTimeout(tick, everySec * 1000);
    };
    clock.setTimeout(tick, everySec * 1000);
  }
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  await Promise.all(viewerRuns);
  stop();
  if (process.env.SIM_TRACE) {
    for (const [url, times] of origin.requestTimes) {
      const n = Number(/\/(\d+)\.ts$/.exec(url)?.[1]);
      const availableMs = (n + 1) * segmentDurationSec * 1000;
      console.log(url, times.map((t) => t - availableMs).join(' '));
    }
  }
  for (const engine of engines) engine.destroy();
  const http = results.reduce((sum, r) => sum + r.httpBytes, 0);
  const p2p = results.reduce((sum, r) => sum + r.p2pBytes, 0);
  const segmentsProduced = producedUpTo() - firstSegmentAtStart + 1;
  const originRequests = [...origin.requests.values()].reduce((sum, n) => sum + n, 0);
  return {
    viewers: results,
    p2pShare: http + p2p === 0 ? 0 : p2p / (http + p2p),
    limit: 1 - 1 / options.viewers,
    stalls: results.reduce((sum, r) => sum + r.stalls, 0),
    originRequestsPerSegment: originRequests / Math.max(1, segmentsProduced),
    originBytes: origin.servedBytes,
    decisions,
  };
}
