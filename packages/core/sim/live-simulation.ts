/**
 * A live stream watched by N simulated viewers, each a real ShoalEngine on one virtual clock, connected
 * by the in-memory tracker and transports, fetching from a simulated origin. The player model follows
 * hls.js's defaults: start 3 segments behind the live edge, load one segment at a time while the buffer
 * is under `maxBufferSec`, play once the first segment is in, stall when the buffer runs dry.
 */
import { VirtualClock } from '../src/clock/virtual-clock';
import type { ShoalConfig } from '../src/config';
import { ShoalEngine } from '../src/engine';
import type { SegmentDescription } from '../src/scheduler/stream-registry';
import { MemoryTrackerHub } from './memory-tracker';
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
  config?: Partial<ShoalConfig>;
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
  liveSyncSegments: 3,
  maxBufferSec: 30,
  windowSegments: 6,
});

const TICK_MS = 100;

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
  const origin = new SimOrigin({
    clock,
    ...(options.origin ?? DEFAULT_LIVE_SIMULATION.origin),
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

  const results: ViewerResult[] = [];
  const decisions: Record<string, number> = {};
  const engines: ShoalEngine[] = [];
  const endMs = epochMs + options.durationSec * 1000;
  const firstSegmentAtStart = producedUpTo() + 1;
  const viewerRuns: Array<Promise<void>> = [];
  for (let i = 0; i < options.viewers; i++) {
    viewerRuns.push(
      new Promise<void>((resolveViewer) => {
        clock.setTimeout(() => {
          const engine = new ShoalEngine(
            { trackerUrls: ['sim://tracker'], ...options.config },
            {
              clock,
              peerId: (i + 1).toString(16).padStart(40, '0'),
              fetch: origin.fetch,
              createTrackerClient: hub.createClient,
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
          const renditionId = 'live-main';
          engine.setStreams({ manifestUrl: 'sim://origin/live/master.m3u8', live: true, renditions: [{ id: renditionId, metadata: { name: 'main' }, segments: playlist() }] });
          let next = producedUpTo() - (liveSync - 1);
          let positionSec = next * segmentDurationSec;
          let bufferedUntilSec = positionSec;
          let playing = false;
          let stalled = false;
          // The player loads the master and the media playlist before its first segment: two origin round trips.
          let loading = true;
          clock.setTimeout(() => (loading = false), 2 * (options.origin ?? DEFAULT_LIVE_SIMULATION.origin).ttfbMs);
          let listedUpTo = producedUpTo();
          const tick = (): void => {
            if (clock.now() >= endMs) {
              const stats = engine.stats();
              Object.assign(result, { httpBytes: stats.httpBytes, p2pBytes: stats.p2pBytes, p2pShare: stats.p2pShare });
              resolveViewer();
              return;
            }
            if (producedUpTo() !== listedUpTo) {
              listedUpTo = producedUpTo();
              engine.updateStream(renditionId, playlist());
            }
            if (playing) {
              const advanced = positionSec + TICK_MS / 1000;
              if (advanced > bufferedUntilSec) {
                if (!stalled) result.stalls++;
                stalled = true;
                result.stallSec += (advanced - bufferedUntilSec);
                positionSec = bufferedUntilSec;
              } else {
                stalled = false;
                positionSec = advanced;
              }
            }
            engine.setPlayback({ positionSec, rate: 1, bufferedUntilSec, activeRenditions: [renditionId] });
            if (!loading && next <= producedUpTo() && bufferedUntilSec - positionSec < maxBufferSec) {
              loading = true;
              const n = next;
              engine
                .loadSegment({ renditionId, segmentId: n, url: segmentUrl(n), durationSec: segmentDurationSec, startTimeSec: n * segmentDurationSec })
                .then(() => {
                  result.segmentsLoaded++;
                  bufferedUntilSec = (n + 1) * segmentDurationSec;
                  next = n + 1;
                  playing = true;
                }, () => {
                  next = n + 1; // the player would skip a segment it cannot load
                })
                .finally(() => (loading = false));
            }
            clock.setTimeout(tick, TICK_MS);
          };
          tick();
        }, i * (options.joinStaggerMs ?? DEFAULT_LIVE_SIMULATION.joinStaggerMs));
      }),
    );
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
