/**
 * `sh scripts/netns-run.sh tsx bench/swarm/trace.ts [--viewers N] [--seconds T] [--vod [--vod-step S]] [--p2p 0] [--player shaka] [--stream NAME] [--integrity 0] [--outage AT_S,FOR_S] [--throttle delayMs,bytesPerSec] [--age S]`
 *
 * A diagnostic, not a benchmark: N Shoal viewers of the demo (throttled like the swarm benchmark), and
 * for each one a timestamped log of what hls.js did (Shaka: the engine's side only) (manifest, playlists, level switches, fragment loads
 * with their stats) and what the engine decided (every decision it acted on, with its reason) and loaded
 * (source, peers). Writes `.bench/trace-<timestamp>.json` and prints, for every segment, its life across
 * viewers: who fetched it from the origin, when and why, and who relayed it from whom. `--outage 20,10`:
 * the origin answers 503 to every media segment from 20 s after the first viewer joined, for 10 s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { startDemo } from '../../demo/src/server';
import { CHROMIUM_FLAGS, chromiumPath } from '../../test/browser/chromium';
import { DEFAULT_THROTTLE, VOD_START_WRAP_SEC } from './options';

interface TraceEvent {
  /** Date.now() in the page. */
  t: number;
  kind: string;
  [key: string]: unknown;
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const viewers = Number(flag('--viewers', '4'));
const seconds = Number(flag('--seconds', '30'));
const stagger = Number(flag('--stagger', '2000'));
const vod = args.includes('--vod');
/** VOD: viewer i starts at i × this many media seconds, as in the benchmark (`--vod-step`); 0: all at 0. */
const vodStepSec = Number(flag('--vod-step', '0'));
const p2p = flag('--p2p', '1');
const player = flag('--player', 'hlsjs');
/** `--integrity 0`: no integrity manifest (the demo page's `integrity=0`). */
const integrity = flag('--integrity', '1');
/** A demo stream by name (`liveTsByteRange`); default the player's plain live or VOD stream. */
const stream = flag('--stream', `${vod ? 'vod' : 'live'}${player === 'shaka' ? 'Dash' : 'Ts'}`);
const [outageAtSec, outageForSec] = flag('--outage', '').split(',').map(Number);
/** The origin's first-byte delay and rate per response, as the benchmark's `--throttle` (default its default). */
const [throttleDelayMs, throttleBytesPerSec] = flag('--throttle', `${DEFAULT_THROTTLE.firstByteDelayMs},${DEFAULT_THROTTLE.bytesPerSec}`).split(',').map(Number);
/** Seconds the demo runs before the first viewer joins: a live stream that old (the benchmark's later phases). */
const ageSec = Number(flag('--age', '0'));
if (!(throttleDelayMs! >= 0 && throttleBytesPerSec! > 0)) throw new Error('--throttle needs delayMs,bytesPerSec (e.g. 40,1000000)');

/* eslint-disable @typescript-eslint/no-explicit-any -- installTrace runs in the page and patches untyped
   internals (RTCPeerConnection's prototype, the engine's private scheduler, hls.js event payloads) for a
   diagnostic: typing them would mean declaring hls.js and engine internals here for no check in return. */
/** Runs in the page before its scripts: hooks the demo state as soon as the page publishes it. */
function installTrace(): void {
  const w = globalThis as unknown as Record<string, unknown> & { shoalTrace: TraceEvent[] };
  const log: TraceEvent[] = [];
  w.shoalTrace = log;
  const push = (kind: string, data: Record<string, unknown> = {}): void => void log.push({ t: Date.now(), kind, ...data });
  push('page-start');
  // WebRTC signalling as the page sees it: offers made, answers or offers received, connection states.
  const PC = (w as any).RTCPeerConnection;
  if (PC) {
    let nextPc = 0;
    const setRemote = PC.prototype.setRemoteDescription;
    const setLocal = PC.prototype.setLocalDescription;
    const pcId = (pc: any): number => (pc.__traceId ??= nextPc++);
    PC.prototype.setLocalDescription = function (this: any, ...a: unknown[]) {
      push('rtc-local', { pc: pcId(this), type: (a[0] as any)?.type });
      this.addEventListener('icegatheringstatechange', () => push('rtc-gathering', { pc: pcId(this), state: this.iceGatheringState }));
      return setLocal.apply(this, a);
    };
    PC.prototype.setRemoteDescription = function (this: any, ...a: unknown[]) {
      push('rtc-remote', { pc: pcId(this), type: (a[0] as any)?.type });
      this.addEventListener('connectionstatechange', () => push('rtc-state', { pc: pcId(this), state: this.connectionState }));
      return setRemote.apply(this, a);
    };
  }
  // Tracker sockets: when the page opened one (the swarm join) and when it connected.
  const page = w as any;
  const PageWebSocket = page.WebSocket;
  if (PageWebSocket) {
    const TracedWebSocket = function (url: string, ...rest: unknown[]) {
      const socket = new PageWebSocket(url, ...rest);
      push('ws-open', { url: String(url).replace(/\?.*/, '') });
      socket.addEventListener('open', () => push('ws-connected'));
      return socket;
    };
    page.WebSocket = Object.assign(TracedWebSocket, PageWebSocket, { prototype: PageWebSocket.prototype });
  }
  // Integrity manifest fetches: when each started and ended (strong mode waits on them for new segments).
  const pageFetch = page.fetch;
  if (pageFetch) {
    page.fetch = function (this: unknown, input: any, ...rest: unknown[]) {
      const result = pageFetch.call(this, input, ...rest);
      if (String(input?.url ?? input).includes('.integrity.json')) {
        push('integrity-fetch');
        void result.then((response: any) => response.clone().json()).then(
          (json: any) => push('integrity-fetched', { entries: json?.segments?.length, last: json?.segments?.at(-1)?.uri, lastRange: json?.segments?.at(-1)?.byteRange?.startByte }),
          () => push('integrity-fetched', { failed: true }),
        );
      }
      return result;
    };
  }
  let state: unknown;
  Object.defineProperty(w, 'shoalDemo', {
    configurable: true,
    get: () => state,
    set: (value: { engine: any; hls?: any }) => {
      state = value;
      const { engine } = value;
      push('engine-created');
      const scheduler = engine.scheduler;
      if (scheduler?.options) {
        scheduler.options.onDecision = (d: any, nowMs: number) =>
          push('decision', { action: d.action, reason: d.reason, key: `${d.key.renditionId}#${d.key.segmentId}`, peers: d.peerIds?.length, nowMs });
      }
      engine.on('segment:loaded', (e: any) => push('loaded', { key: `${e.key.renditionId}#${e.key.segmentId}`, source: e.source, p2pBytes: e.p2pBytes, sizeBytes: e.sizeBytes, durationMs: Math.round(e.durationMs), peers: e.peerIds.map((p: string) => p.slice(-6)) }));
      engine.on('segment:failed', (e: any) => push('failed', { key: `${e.key.renditionId}#${e.key.segmentId}`, code: e.error?.code }));
      engine.on('peer:connected', (e: any) => push('peer-connected', { peer: e.peerId.slice(-6) }));
      engine.on('peer:closed', (e: any) => push('peer-closed', { peer: e.peerId.slice(-6) }));
      push('peer-id', { peer: engine.peerId.slice(-6) });
      // The uplink the uploader measured (it answers `busy` past 2.5 s of backlog at that rate).
      setInterval(() => push('uplink', { bytesPerSec: engine.swarm?.uplinkBytesPerSec === undefined ? undefined : Math.round(engine.swarm.uplinkBytesPerSec) }), 1000);
      // The page sets `hls` once its player module has loaded: hook it then (another player: its video only).
      const waitForHls = setInterval(() => {
        if (value.hls) {
          clearInterval(waitForHls);
          hookHls(value.hls);
        }
      }, 5);
      const waitForVideo = setInterval(() => {
        const video = (globalThis as any).document?.querySelector('video');
        if (value.hls) clearInterval(waitForVideo);
        else if (video && w.shoalTrace.some((e) => e.kind === 'engine-created')) {
          clearInterval(waitForVideo);
          setTimeout(() => value.hls || hookVideo(video), 50);
        }
      }, 5);
    },
  });
  // Runs in the page: no named inner functions (see viewer.ts), hence const arrows.
  const hookVideo = (video: any): void => {
    video.addEventListener('playing', () => push('playing', { currentTime: video.currentTime }));
    video.addEventListener('waiting', () => push('waiting', { currentTime: video.currentTime }));
    video.addEventListener('seeking', () => push('seeking', { currentTime: video.currentTime }));
    setInterval(() => {
      const b = video.buffered;
      const end = b.length ? b.end(b.length - 1) : 0;
      push('tick', { currentTime: +video.currentTime.toFixed(2), ahead: +(end - video.currentTime).toFixed(2), readyState: video.readyState });
    }, 250);
  };
  const hookHls = (hls: any): void => {
    const E = (hls.constructor as any).Events;
    hls.on(E.MANIFEST_LOADED, () => push('manifest-loaded'));
    hls.on(E.LEVEL_LOADED, (_e: string, d: any) => push('level-loaded', { level: d.level, live: d.details.live, first: d.details.startSN, last: d.details.endSN, edge: d.details.edge }));
    hls.on(E.LEVEL_SWITCHING, (_e: string, d: any) => push('level-switching', { level: d.level }));
    hls.on(E.FRAG_LOADING, (_e: string, d: any) => push('frag-loading', { sn: d.frag.sn, level: d.frag.level, start: d.frag.start }));
    hls.on(E.FRAG_LOADED, (_e: string, d: any) => {
      const s = d.frag.stats;
      push('frag-loaded', { sn: d.frag.sn, level: d.frag.level, bytes: s.loaded, ms: Math.round(s.loading.end - s.loading.start), bwEstimate: Math.round(hls.bandwidthEstimate) });
    });
    hls.on(E.FRAG_BUFFERED, (_e: string, d: any) => push('frag-buffered', { sn: d.frag.sn, level: d.frag.level }));
    hls.on(E.ERROR, (_e: string, d: any) => push('hls-error', { details: d.details, fatal: d.fatal }));
    const video = (globalThis as any).document.querySelector('video');
    video.addEventListener('playing', () => push('playing', { currentTime: video.currentTime, latency: hls.latency, liveSync: hls.liveSyncPosition }));
    video.addEventListener('waiting', () => push('waiting', { currentTime: video.currentTime }));
    video.addEventListener('seeking', () => push('seeking', { currentTime: video.currentTime }));
    let lastTime = -1;
    setInterval(() => {
      const b = video.buffered;
      const end = b.length ? b.end(b.length - 1) : 0;
      if (video.currentTime === lastTime && video.currentTime > 0) push('frozen', { currentTime: video.currentTime, bufferedEnd: end, readyState: video.readyState, paused: video.paused });
      lastTime = video.currentTime;
      push('tick', { currentTime: +video.currentTime.toFixed(2), ahead: +(end - video.currentTime).toFixed(2), latency: +(hls.latency ?? 0).toFixed(2), readyState: video.readyState });
    }, 250);
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function main(): Promise<void> {
  const demo = await startDemo({ port: 0, trackerPort: 0, throttle: { firstByteDelayMs: throttleDelayMs!, bytesPerSec: throttleBytesPerSec! } });
  const contexts: Array<{ context: BrowserContext; dir: string }> = [];
  const pages: Array<Awaited<ReturnType<BrowserContext['newPage']>>> = [];
  let t0 = Date.now();
  try {
    if (ageSec > 0) {
      console.log(`waiting ${ageSec} s: the live stream ages first`);
      await new Promise((r) => setTimeout(r, ageSec * 1000));
    }
    // Every browser is launched before the first viewer joins, as in the benchmark (see viewer.ts).
    for (let i = 0; i < viewers; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'shoal-trace-'));
      const context = await chromium.launchPersistentContext(dir, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
      contexts.push({ context, dir });
      const page = context.pages()[0] ?? (await context.newPage());
      // tsx wraps named arrows in `__name(...)`: give the page a no-op one.
      await page.addInitScript({ content: 'globalThis.__name ??= (f) => f;' });
      await page.addInitScript(installTrace);
      pages.push(page);
    }
    t0 = Date.now();
    for (const [i, page] of pages.entries()) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * stagger - Date.now())));
      const start = vod && vodStepSec > 0 ? `&start=${(i * vodStepSec) % VOD_START_WRAP_SEC}` : '';
      void page.goto(`${demo.url}/?player=${player}&stream=${stream}&test=1&p2p=${p2p}&integrity=${integrity}${start}`);
    }
    if (outageAtSec !== undefined && outageForSec !== undefined && Number.isFinite(outageAtSec)) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + outageAtSec * 1000 - Date.now())));
      demo.origin.failWith({ status: 503, durationMs: outageForSec * 1000, scope: 'segments' });
      console.log(`origin outage: 503 for every media segment from ${outageAtSec} s for ${outageForSec} s`);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + seconds * 1000 - Date.now())));
    const traces = await Promise.all(pages.map((page) => page.evaluate(() => (globalThis as unknown as { shoalTrace: TraceEvent[] }).shoalTrace)));
    const outDir = fileURLToPath(new URL('../../.bench', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, `trace-${new Date(t0).toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(path, JSON.stringify({ t0, traces, originByPath: demo.origin.stats().byPath }, null, 1));
    printSummary(t0, traces);
    console.log(`wrote ${path}`);
  } finally {
    for (const { context, dir } of contexts) {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
    await demo.close();
  }
}

function printSummary(t0: number, traces: TraceEvent[][]): void {
  const s = (t: number): string => ((t - t0) / 1000).toFixed(2).padStart(6);
  traces.forEach((trace, viewer) => {
    const start = trace[0]?.t ?? t0;
    console.log(`\nviewer ${viewer} (joined ${s(start)} s)`);
    for (const e of trace) {
      if (e.kind === 'decision' || e.kind === 'loaded' || e.kind === 'failed' || e.kind === 'hls-error' || e.kind === 'frag-loaded' || e.kind === 'frag-loading' || e.kind === 'level-switching' || e.kind === 'playing' || e.kind === 'waiting' || e.kind === 'level-loaded' || e.kind === 'manifest-loaded' || e.kind === 'engine-created' || e.kind === 'peer-connected' || e.kind === 'peer-closed' || e.kind === 'frozen' || e.kind === 'seeking' || e.kind.startsWith('rtc-') || e.kind.startsWith('ws-') || e.kind.startsWith('integrity-')) {
        const { t, kind, ...rest } = e;
        console.log(`  ${s(t)} +${String(t - start).padStart(5)} ${kind} ${JSON.stringify(rest)}`);
      }
    }
  });
  const bySegment = new Map<string, string[]>();
  traces.forEach((trace, viewer) => {
    for (const e of trace) {
      if (e.kind === 'decision') {
        const key = e.key as string;
        bySegment.set(key, [...(bySegment.get(key) ?? []), `${s(e.t)} v${viewer} ${e.action}:${e.reason}`]);
      }
    }
  });
  console.log('\nsegment lives (decisions acted on):');
  for (const [key, lines] of [...bySegment].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))) {
    const http = lines.filter((l) => l.includes(' http')).length;
    console.log(`  ${key}${http > 1 ? `  <-- ${http} origin fetches` : ''}\n    ${lines.sort().join('\n    ')}`);
  }
}

main().catch((error: Error) => {
  console.error(`trace failed: ${error.stack}`);
  process.exit(1);
});
