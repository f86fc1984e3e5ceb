/**
 * The demo page: a player (hls.js or Shaka, see players/) with Shoal on a stream of the local origin, a
 * live chart of HTTP vs P2P bytes, the P2P share, peers and upload. Query parameters (also used by the
 * browser tests and benchmarks):
 *   ?player=hlsjs|shaka|videojs   (default hlsjs; players/index.ts lists them)
 *   &stream=<name>        a stream of /config.json the player plays (default liveTs)
 *   &p2p=0                the plain player, no Shoal
 *   &anchor=p2pml         p2p-media-loader 2.x instead of Shoal (hls.js or Shaka; the swarm benchmark's third arm)
 *   &tracker=ws://…       another WebTorrent tracker
 *   &cache=1              VOD segments kept in IndexedDB across reloads (`persistentCache`); served as 'cached'
 *   &test=1               record SHA-256 of every segment that came from peers (window.shoalDemo.p2pSegments)
 *   &start=SECONDS        start playback there (VOD; the swarm benchmark starts viewers at different positions)
 *   &integrity=0          peers' bytes unchecked (default: every block checked against <manifest>.integrity.json)
 *   &streamQuery=Q        add the query string Q (URL-encoded, e.g. channel%3D1) to the stream's URL: streams that
 *                         differ only in their query are different swarms, per-viewer tokens are not
 *   &testCorruptUploads=1 TEST-ONLY: this page corrupts every block it uploads (see test-liar.ts)
 */
import { ShoalEngine, type NetworkConnectionLike } from '@shoal/core';
import { BytesChart } from './chart';
import { $, fillControls, renderStats, streamsFor } from './page';
import { PLAYERS, playerIdOf } from './players/index';
import type { PlayerContext, PlayerSession } from './players/types';
import { recordIntegrity, recordPeerSegments, type DemoState } from './state';
import { lyingTrackerClient } from './test-liar';

interface DemoConfig {
  trackerUrl: string;
  streams: Record<string, string>;
}

const DEFAULT_STREAM = 'liveTs';
const pageStartMs = performance.now();

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as DemoConfig;
  const query = new URLSearchParams(location.search);
  const player = playerIdOf(query.get('player'));
  const playable = streamsFor(player, config.streams);
  const asked = query.get('stream') ?? DEFAULT_STREAM;
  const streamName = playable.includes(asked) ? asked : playable.includes(DEFAULT_STREAM) ? DEFAULT_STREAM : playable[0]!;
  if (streamName !== asked && query.has('stream')) throw new Error(`${PLAYERS[player].label} does not play stream "${asked}"`);
  const anchor = query.get('anchor') === 'p2pml' && (player === 'hlsjs' || player === 'shaka');
  // The anchor's page runs no Shoal (a disabled engine keeps the page's wiring) but counts as a P2P page.
  const p2p = anchor || query.get('p2p') !== '0';
  const trackerUrl = query.get('tracker') ?? config.trackerUrl;
  const streamUrl = withQuery(config.streams[streamName]!, query.get('streamQuery'));
  const startSec = query.has('start') ? Number(query.get('start')) : undefined;
  fillControls(config.streams, { player, streamName, p2p, trackerUrl });

  const persistentCache = query.get('cache') === '1';
  // The demo origin serves every stream's integrity manifest beside its master playlist or MPD.
  const integrityManifestUrl = query.get('integrity') === '0' ? undefined : '{manifestUrl}.integrity.json';
  // Uploads off on a metered connection, as the browser says (Chromium's Network Information API).
  const connection = (navigator as Navigator & { connection?: NetworkConnectionLike }).connection;
  const platform = {
    ...(connection ? { connection } : {}),
    ...(query.get('testCorruptUploads') === '1' ? { createTrackerClient: lyingTrackerClient } : {}),
  };
  const engine = new ShoalEngine({ trackerUrls: [trackerUrl], rtcConfig: { iceServers: [] }, p2pEnabled: p2p && !anchor, persistentCache, integrityManifestUrl }, platform);
  const video = $<HTMLVideoElement>('video');
  const state: DemoState = {
    player, engine, instance: undefined, p2p, streamUrl, errors: [], stalls: 0, stalledMs: 0, stalledSinceMs: undefined, startupMs: undefined, p2pSegments: [], httpFragmentBytes: 0,
    fragments: { requested: [], loaded: [], nonFatalErrors: {}, failures: [] },
    integrityViolations: [], closedPeers: [], connectedPeers: [],
    quality: () => ({ latencySec: null, level: null }),
  };
  window.shoalDemo = state;

  const chart = new BytesChart($<HTMLCanvasElement>('chart'));
  chart.start();
  engine.on('bytes:downloaded', ({ source, sizeBytes }) => chart.add(source === 'p2p' ? 'p2pBytes' : 'httpBytes', sizeBytes));
  engine.on('bytes:uploaded', ({ sizeBytes }) => chart.add('uploadBytes', sizeBytes));
  engine.on('tracker:warning', ({ error }) => console.warn('tracker:', error.message));
  engine.on('storage:warning', ({ error }) => console.warn('storage (segments kept in memory):', error.message));
  engine.on('storage:restored', ({ segmentCount, sizeBytes }) => console.info(`cache: ${segmentCount} segments (${(sizeBytes / 1e6).toFixed(2)} MB) from earlier visits`));
  video.addEventListener('error', () => state.errors.push(`video: ${video.error?.message ?? video.error?.code}`));
  video.addEventListener('playing', () => {
    state.startupMs ??= performance.now() - pageStartMs;
    if (state.stalledSinceMs !== undefined) state.stalledMs += performance.now() - state.stalledSinceMs;
    state.stalledSinceMs = undefined;
  });
  video.addEventListener('waiting', () => {
    if (state.startupMs === undefined || video.seeking) return;
    state.stalls++;
    state.stalledSinceMs ??= performance.now();
  });
  if (query.get('test') === '1') recordPeerSegments(engine, state);
  recordIntegrity(engine, state);
  setInterval(() => renderStats(state), 500);

  video.muted = true;
  const context = {
    engine,
    video,
    streamUrl,
    ...(startSec !== undefined && Number.isFinite(startSec) ? { startSec } : {}),
    onError: (message: string) => state.errors.push(message),
    fragments: state.fragments,
    onMediaSegmentLoaded: (sizeBytes: number) => {
      state.httpFragmentBytes += sizeBytes;
      // The plain player: the engine sees no traffic, so chart what the player loads.
      if (!p2p) chart.add('httpBytes', sizeBytes);
    },
  };
  const session = anchor ? await startAnchor(player, context, trackerUrl, engine) : await (await PLAYERS[player].load()).start(context);
  state.instance = session.instance;
  if (player === 'hlsjs') state.hls = session.instance;
  state.quality = () => session.quality();
  void video.play().catch(() => {});
}

main().catch((error: Error) => {
  document.body.insertAdjacentHTML('afterbegin', `<p style="color:#c92a2a">Demo failed: ${error.message}</p>`);
});

/**
 * p2p-media-loader on this page (`&anchor=p2pml`). Its byte counts replace the disabled engine's `stats()`,
 * which every reader of the page (tests, `bench:swarm`) takes a P2P page's figures from.
 */
async function startAnchor(player: 'hlsjs' | 'shaka', context: PlayerContext, trackerUrl: string, engine: ShoalEngine): Promise<PlayerSession> {
  const p2pml = await import(/* webpackChunkName: "anchor-p2pml" */ './players/p2pml');
  const counts = new p2pml.AnchorStats();
  const shoalStats = engine.stats.bind(engine);
  engine.stats = () => ({ ...shoalStats(), ...counts.stats() });
  return player === 'hlsjs' ? p2pml.startP2pmlHlsjs(context, trackerUrl, counts) : p2pml.startP2pmlShaka(context, trackerUrl, counts);
}

/** `url` with the query string `extra` added (the demo origin serves a stream whatever its query). */
function withQuery(url: string, extra: string | null): string {
  if (!extra) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${extra}`;
}
