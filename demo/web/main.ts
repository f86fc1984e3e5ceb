/**
 * The demo page: hls.js with Shoal on a stream of the local origin, a live chart of HTTP vs P2P bytes,
 * the P2P share, peers and upload. Query parameters (also used by the browser tests):
 *   ?stream=liveTs|liveFmp4|liveTsByteRange|vodTs|vodFmp4|vodTsByteRange   (default liveTs)
 *   &p2p=0          plain hls.js, no Shoal
 *   &tracker=ws://… another WebTorrent tracker
 *   &test=1         record SHA-256 of every segment that came from peers (window.shoalDemo.p2pSegments)
 */
import Hls from 'hls.js';
import { ShoalEngine } from '@shoal/core';
import { attachShoal, shoalHlsConfig } from '@shoal/hlsjs-loader';
import { BytesChart, CHART_COLORS } from './chart';

interface DemoConfig {
  trackerUrl: string;
  streams: Record<string, string>;
}

/** What the page exposes to tests and to the console. */
export interface DemoState {
  engine: ShoalEngine;
  hls: Hls;
  p2p: boolean;
  errors: string[];
  /** `waiting` events after playback started (seeks excluded). */
  stalls: number;
  /** Milliseconds from page script start to the first `playing`. */
  startupMs: number | undefined;
  /** Segments that came from peers or the cache: URL, byte range and SHA-256 of the bytes. */
  p2pSegments: Array<{ url: string; startByte?: number; endByte?: number; sha256: string }>;
  httpFragmentBytes: number;
}

declare global {
  interface Window {
    shoalDemo?: DemoState;
  }
}

const pageStartMs = performance.now();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as DemoConfig;
  const query = new URLSearchParams(location.search);
  const streamName = query.get('stream') ?? 'liveTs';
  const p2p = query.get('p2p') !== '0';
  const trackerUrl = query.get('tracker') ?? config.trackerUrl;
  const testMode = query.get('test') === '1';
  const streamUrl = config.streams[streamName] ?? config.streams.liveTs!;
  fillControls(config, streamName, p2p, trackerUrl);

  const engine = new ShoalEngine({ trackerUrls: [trackerUrl], rtcConfig: { iceServers: [] }, p2pEnabled: p2p });
  const hls = new Hls({ ...shoalHlsConfig(engine) });
  attachShoal(hls, engine);
  const video = $<HTMLVideoElement>('video');
  const state: DemoState = { engine, hls, p2p, errors: [], stalls: 0, startupMs: undefined, p2pSegments: [], httpFragmentBytes: 0 };
  window.shoalDemo = state;

  const chart = new BytesChart($<HTMLCanvasElement>('chart'));
  chart.start();
  engine.on('bytes:downloaded', ({ source, bytes }) => chart.add(source === 'p2p' ? 'p2pBytes' : 'httpBytes', bytes));
  engine.on('bytes:uploaded', ({ bytes }) => chart.add('uploadBytes', bytes));
  engine.on('tracker:warning', ({ error }) => console.warn('tracker:', error.message));
  // Plain hls.js: the engine sees no traffic, so count what hls.js loads.
  hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
    state.httpFragmentBytes += data.frag.stats.loaded;
    if (!p2p) chart.add('httpBytes', data.frag.stats.loaded);
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) state.errors.push(`${data.type}: ${data.details} ${data.response?.code ?? ''} ${data.error?.message ?? ''}`.trim());
  });
  video.addEventListener('error', () => state.errors.push(`video: ${video.error?.message ?? video.error?.code}`));
  video.addEventListener('playing', () => (state.startupMs ??= performance.now() - pageStartMs));
  video.addEventListener('waiting', () => {
    if (state.startupMs !== undefined && !video.seeking) state.stalls++;
  });
  if (testMode) recordPeerSegments(engine, state);

  hls.loadSource(streamUrl);
  hls.attachMedia(video);
  video.muted = true;
  void video.play().catch(() => {});
  setInterval(() => renderStats(state), 500);
}

/** Wrap `loadSegment` to hash what did not come from the origin, so a test can compare with it. */
function recordPeerSegments(engine: ShoalEngine, state: DemoState): void {
  const load = engine.loadSegment.bind(engine);
  engine.loadSegment = async (segment, options) => {
    const result = await load(segment, options);
    if (result.source !== 'http' || result.p2pBytes > 0) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', result.bytes as Uint8Array<ArrayBuffer>));
      const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      state.p2pSegments.push({ url: segment.url, ...(segment.byteRange ?? {}), sha256 });
    }
    return result;
  };
}

function renderStats(state: DemoState): void {
  const stats = state.engine.stats();
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
  $('share').textContent = state.p2p ? `${(stats.p2pShare * 100).toFixed(0)} %` : 'off';
  $('peers').textContent = String(stats.peers);
  $('http').textContent = mb(state.p2p ? stats.httpBytes : state.httpFragmentBytes);
  $('p2pbytes').textContent = mb(stats.p2pBytes);
  $('upload').textContent = mb(stats.uploadedBytes);
  const bySource = stats.segmentsBySource;
  $('segments').textContent = `${bySource.p2p} from peers · ${bySource.http} from HTTP · ${bySource.cache} cached`;
  $('playback').textContent = `${state.startupMs === undefined ? 'starting' : `started in ${(state.startupMs / 1000).toFixed(1)} s`} · stalls ${state.stalls}${state.errors.length ? ` · errors: ${state.errors.join('; ')}` : ''}`;
}

function fillControls(config: DemoConfig, streamName: string, p2p: boolean, trackerUrl: string): void {
  const select = $<HTMLSelectElement>('stream');
  for (const name of Object.keys(config.streams)) select.add(new Option(name, name, false, name === streamName));
  $<HTMLInputElement>('p2p').checked = p2p;
  $<HTMLInputElement>('tracker').value = trackerUrl;
  $('legend').innerHTML = `<span style="color:${CHART_COLORS.p2p}">■ from peers</span> <span style="color:${CHART_COLORS.http}">■ from HTTP</span> <span style="color:${CHART_COLORS.upload}">— uploaded</span>`;
  $<HTMLFormElement>('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ stream: select.value, p2p: $<HTMLInputElement>('p2p').checked ? '1' : '0', tracker: $<HTMLInputElement>('tracker').value });
    location.search = query.toString();
  });
}

main().catch((error: Error) => {
  document.body.insertAdjacentHTML('afterbegin', `<p style="color:#c92a2a">Demo failed: ${error.message}</p>`);
});
