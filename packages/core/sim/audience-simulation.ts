/**
 * An audience on the virtual clock (`npm run sim`): N viewers, each a real ShoalEngine driven by the player
 * model, arriving as a Poisson process (or a flash crowd within a minute), watching for an exponentially
 * distributed time and leaving without goodbye, on the network model (`network-model.ts`: shared uplink
 * and downlink per viewer, per-pair latency, unconnectable pairs) and the tracker model
 * (`memory-tracker.ts`). Live or VOD, several renditions. Deterministic for a seed.
 *
 * Rendition choice: each viewer plays the highest rendition whose bitrate is at most 0.7 × its downlink
 * (hls.js's `abrBandWidthUpFactor`), chosen at join; the player model does not switch afterwards.
 */
import { VirtualClock } from '../src/clock/virtual-clock';
import type { ShoalConfig } from '../src/config';
import { ShoalEngine } from '../src/engine';
import type { SegmentDescription } from '../src/scheduler/stream-registry';
import { MemoryAccessLink } from '../src/transport/memory-transport';
import type { Decision } from '../src/scheduler/policy';
import { summarise, type AudienceResult, type ReasonTally, type ViewerRecord } from './audience-report';
import { MemoryTrackerHub, type TrackerModel } from './memory-tracker';
import { NetworkModel, type NetworkModelOptions, type ViewerNetwork } from './network-model';
import { sharedNodeSha256 } from './node-sha256';
import { PlayerModel } from './player-model';
import type { ManifestSource, PlayerRendition } from './playlist-source';
import { mulberry32 } from './prng';
import { SegmentBytesPool } from './segment-bytes-pool';
import { OriginContent, SimOrigin } from './sim-origin';
import { partitionIndexOf } from '../src/swarm/partition';

export interface AudienceOptions {
  seed: number;
  /** Viewers arriving during the run. */
  viewers: number;
  durationSec: number;
  mode: 'live' | 'vod';
  /** `poisson`: arrivals spread over `arrivalWindowSec`; `flash`: all within `FLASH_CROWD_WINDOW_SEC`. */
  arrival: 'poisson' | 'flash';
  arrivalWindowSec: number;
  /** Mean watch time (exponential), seconds. */
  watchMeanSec: number;
  renditionsKbps: number[];
  segmentDurationSec: number;
  /** Segments behind the live edge a viewer starts at (hls.js `liveSyncDurationCount`): its latency budget. */
  liveSyncSegments: number;
  /** Whether viewers use peers (false: the plain-HTTP audience, for comparison). */
  p2p: boolean;
  network: Partial<NetworkModelOptions>;
  tracker: TrackerModel;
  trackerUrls: string[];
  config: Partial<ShoalConfig>;
  /**
   * Tally the engines' decisions by action and reason, and the origin's bytes by the reason of the last
   * decision on that segment before the request (`--reasons`): where the origin's bytes go, and why.
   */
  reasons: boolean;
}

/** Seconds: a flash crowd arrives within a minute. */
const FLASH_CROWD_WINDOW_SEC = 60;
/** Ms the stream has run before the first viewer (so a live window exists). */
const STREAM_EPOCH_MS = 60_000;
/** Bytes/s of one origin response at most: a CDN edge serves one viewer far faster than its bitrate. */
const ORIGIN_REQUEST_BYTES_PER_SEC = 5_000_000;
/** Ms of the origin's first byte. */
const ORIGIN_TTFB_MS = 100;
/** hls.js `abrBandWidthUpFactor`: a rendition is chosen if its bitrate is at most this share of the bandwidth. */
const ABR_BANDWIDTH_FACTOR = 0.7;
/** Simulated ms between memory samples. */
const MEMORY_SAMPLE_MS = 10_000;

export const DEFAULT_AUDIENCE: Readonly<AudienceOptions> = Object.freeze({
  seed: 1,
  viewers: 100,
  durationSec: 600,
  mode: 'live',
  arrival: 'poisson',
  /** Seconds: the audience builds up over the first two minutes. */
  arrivalWindowSec: 120,
  /** Seconds: 20 minutes, longer than most runs, so most viewers stay to the end and some leave. */
  watchMeanSec: 1200,
  /** Kbit/s: a small 480p / 720p / 1080p ladder. */
  renditionsKbps: [800, 1600, 3000],
  segmentDurationSec: 2,
  liveSyncSegments: 3,
  p2p: true,
  network: {},
  /** bittorrent-tracker's WebSocket server announces every 2 min here (its default is 10), numwant ≤ 50, peers expire after 2 intervals. */
  tracker: Object.freeze({ announceIntervalMs: 120_000, maxNumwant: 50, peerTtlMs: 240_000, reportSwarmSize: false }),
  trackerUrls: ['sim://tracker-a'],
  config: {},
  reasons: false,
});

export async function runAudience(partial: Partial<AudienceOptions> = {}): Promise<AudienceResult> {
  const options: AudienceOptions = { ...DEFAULT_AUDIENCE, ...partial };
  const wallStartMs = performance.now();
  const random = mulberry32(options.seed);
  const clock = new VirtualClock({ startMs: STREAM_EPOCH_MS });
  const live = options.mode === 'live';
  const segDurMs = options.segmentDurationSec * 1000;
  const vodSegments = Math.ceil(options.durationSec / options.segmentDurationSec) + 1;
  const producedUpTo = (): number => (live ? Math.floor(clock.now() / segDurMs) - 1 : vodSegments - 1);
  const firstSegment = producedUpTo() + 1;
  const network = new NetworkModel({ seed: options.seed, ...options.network });
  const viewerNetworks = new Map<string, ViewerNetwork & { key: number; up: MemoryAccessLink; down: MemoryAccessLink }>();
  const hub = new MemoryTrackerHub({
    clock,
    seed: options.seed,
    model: options.tracker,
    accessOf: (peerId) => {
      const v = viewerNetworks.get(peerId);
      return v && { uplink: v.up, downlink: v.down };
    },
    pairing: (a, b) => {
      const va = viewerNetworks.get(a)!;
      const vb = viewerNetworks.get(b)!;
      const pairKey = Math.min(va.key, vb.key) * 1_000_003 + Math.max(va.key, vb.key);
      return { link: { latencyMs: network.latencyMs(va, vb, pairKey), bandwidthBytesPerSec: Infinity }, connectable: network.canConnect(va, vb) };
    },
  });

  const renditionSizes = options.renditionsKbps.map((kbps) => Math.round((kbps * 1000 * options.segmentDurationSec) / 8));
  const urlOf = (r: number, n: number): string => `sim://origin/${options.mode}/r${r}/${n}.ts`;
  const parse = (url: string): [number, number] => {
    const m = /\/r(\d+)\/(\d+)\.ts$/.exec(url);
    return [Number(m?.[1]), Number(m?.[2])];
  };
  const origin = { requests: 0, bytes: 0, bytesByWindow: new Map<number, number>(), requestsByKey: new Map<string, number>() };
  const playlistOf = (r: number): SegmentDescription[] => {
    const edge = producedUpTo();
    const from = live ? Math.max(0, edge - 5) : 0;
    const list: SegmentDescription[] = [];
    for (let n = from; n <= edge; n++) list.push({ segmentId: n, url: urlOf(r, n), durationSec: options.segmentDurationSec, startTimeSec: n * options.segmentDurationSec });
    return list;
  };
  const answer = <T>(what: () => T): Promise<T> => new Promise((resolve) => clock.setTimeout(() => resolve(what()), ORIGIN_TTFB_MS));
  const renditions: PlayerRendition[] = options.renditionsKbps.map((kbps, r) => ({
    id: `r${r}`,
    metadata: { name: `r${r}`, bandwidthBps: kbps * 1000 },
    playlist: { load: () => answer(() => ({ segments: playlistOf(r), targetDurationSec: options.segmentDurationSec })) },
  }));

  const records: ViewerRecord[] = [];
  const reasons: ReasonTally = { decisions: {}, originBytes: {} };
  // One copy of each segment's bytes for every viewer's origin (they are a function of the URL).
  const originContent = new OriginContent();
  // Every viewer hashes the segments it completes: each digest is computed once for all of them.
  const sha256 = sharedNodeSha256();
  // Every viewer's store holds the same segments: one copy of each, kept while any store holds it.
  const segmentBytes = new SegmentBytesPool();
  const endMs = STREAM_EPOCH_MS + options.durationSec * 1000;
  const arrivalWindowMs = (options.arrival === 'flash' ? FLASH_CROWD_WINDOW_SEC : options.arrivalWindowSec) * 1000;
  // Poisson arrivals: exponential gaps at rate N / window (cut at the run's end).
  let arrivalMs = STREAM_EPOCH_MS;
  let peakRssBytes = process.memoryUsage().rss;
  const sampleMemory = (): void => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    if (clock.now() < endMs) clock.setTimeout(sampleMemory, MEMORY_SAMPLE_MS);
  };
  sampleMemory();
  const runs: Array<Promise<void>> = [];
  for (let i = 0; i < options.viewers; i++) {
    arrivalMs += (-Math.log(1 - random()) * arrivalWindowMs) / options.viewers;
    const joinMs = Math.min(arrivalMs, endMs - 1);
    const watchMs = -Math.log(1 - random()) * options.watchMeanSec * 1000;
    const net = network.drawViewer();
    const peerId = (i + 1).toString(16).padStart(40, '0');
    viewerNetworks.set(peerId, { ...net, key: i, up: new MemoryAccessLink(net.uplinkBytesPerSec), down: new MemoryAccessLink(net.downlinkBytesPerSec) });
    let chosen = 0;
    renditions.forEach((_, r) => {
      if (options.renditionsKbps[r]! * 125 <= ABR_BANDWIDTH_FACTOR * net.downlinkBytesPerSec) chosen = r;
    });
    const record: ViewerRecord = {
      partition: partitionIndexOf(peerId, options.config.partitionCount ?? 1),
      joinMs, leaveMs: Math.min(endMs, joinMs + watchMs), rendition: chosen, bitrateBytesPerSec: options.renditionsKbps[chosen]! * 125,
      uplinkBytesPerSec: net.uplinkBytesPerSec, startupMs: undefined, stalls: 0, stallSec: 0, httpBytes: 0, p2pBytes: 0, uploadedBytes: 0, errors: 0, errorMessages: [],
    };
    records.push(record);
    runs.push(new Promise<void>((resolveViewer) => {
      clock.setTimeout(() => {
        const viewerOrigin = new SimOrigin({
          clock,
          ttfbMs: ORIGIN_TTFB_MS,
          bandwidthBytesPerSec: Math.min(ORIGIN_REQUEST_BYTES_PER_SEC, net.downlinkBytesPerSec),
          sizeOf: (url) => renditionSizes[parse(url)[0]]!,
          isAvailable: (url) => parse(url)[1] <= producedUpTo(),
          content: originContent,
        });
        // `--reasons`: the last decision the engine acted on per segment (a viewer plays one rendition).
        const lastReason = options.reasons ? new Map<number, string>() : undefined;
        const onDecision = (decision: Decision): void => {
          if (decision.action === 'wait' || !lastReason) return;
          const why = `${decision.action}:${decision.reason}`;
          lastReason.set(decision.key.segmentId, why);
          reasons.decisions[why] = (reasons.decisions[why] ?? 0) + 1;
        };
        const fetch: typeof viewerOrigin.fetch = (url, init) => {
          const [r, n] = parse(url);
          origin.requests++;
          origin.requestsByKey.set(`${r}/${n}`, (origin.requestsByKey.get(`${r}/${n}`) ?? 0) + 1);
          const window = Math.floor((clock.now() - STREAM_EPOCH_MS) / 10_000);
          const range = /^bytes=(\d+)-(\d+)$/.exec(init.headers['Range'] ?? '');
          const bytes = range ? Number(range[2]) - Number(range[1]) + 1 : renditionSizes[r]!;
          origin.bytes += bytes;
          if (lastReason) {
            const why = afterPeers(lastReason.get(n));
            reasons.originBytes[why] = (reasons.originBytes[why] ?? 0) + bytes;
          }
          origin.bytesByWindow.set(window, (origin.bytesByWindow.get(window) ?? 0) + bytes);
          return viewerOrigin.fetch(url, init);
        };
        const engine = new ShoalEngine(
          { trackerUrls: options.trackerUrls, p2pEnabled: options.p2p, ...options.config },
          { clock, peerId, fetch, createTrackerClient: hub.createClient, sha256, shareSegmentBytes: segmentBytes.share, ...(lastReason ? { onDecision } : {}) },
        );
        engine.on('segment:failed', ({ error }) => {
          record.errors++;
          record.errorMessages.push(`segment: ${error.code} ${error.message}`);
        });
        const ordered = [renditions[chosen]!, ...renditions.filter((_, r) => r !== chosen)];
        const manifest: ManifestSource = { url: `sim://origin/${options.mode}/master.m3u8`, load: () => answer(() => ordered) };
        const player = new PlayerModel({ engine, clock, manifest, live, liveSyncSegments: options.liveSyncSegments });
        player.start();
        clock.setTimeout(() => {
          player.stop();
          const { httpBytes, p2pBytes, uploadedBytes } = engine.stats();
          const { stalls, stallSec, playingSinceMs, failures } = player.report;
          Object.assign(record, { httpBytes, p2pBytes, uploadedBytes, stalls, stallSec, errors: record.errors + failures.length });
          record.errorMessages.push(...failures);
          record.startupMs = playingSinceMs === undefined ? undefined : playingSinceMs - joinMs;
          hub.vanish(peerId);
          engine.destroy();
          resolveViewer();
        }, record.leaveMs - clock.now());
      }, joinMs - clock.now());
    }));
  }
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  await Promise.all(runs);
  stop();
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  return summarise({
    options,
    records,
    segmentsProduced: Math.max(1, live ? producedUpTo() - firstSegment + 1 : vodSegments),
    origin,
    tracker: hub.messages,
    simulatedSec: options.durationSec,
    wallSec: (performance.now() - wallStartMs) / 1000,
    peakRssBytes,
    ...(options.reasons ? { reasons } : {}),
  });
}

/**
 * An origin request whose segment's last decision was a peer download: the peers could not finish it
 * (all busy, gone, or without the bytes) and the download took the rest from the origin on its own.
 */
function afterPeers(why: string | undefined): string {
  if (why === undefined) return 'none';
  return why.startsWith('p2p:') ? `peers-could-not-finish (${why})` : why;
}
