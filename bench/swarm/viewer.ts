/**
 * One benchmark viewer: its own Chromium process (fresh profile) with the demo page, a stall-time probe
 * in the page, a sample every second, and a final report with heap and CPU time before it closes.
 *
 * A browser is launched (`ViewerBrowser.launch`, on about:blank) before its viewer joins the swarm
 * (`join`, which opens the demo page). A Chromium launch costs ~1 s of CPU; on a 2-core machine, launching
 * one while others play starves their pages, their media clocks slip and their latency and startup
 * measure the launch, not the player. The scenario launches every browser of a phase before the phase
 * starts; a viewer's CPU seconds count from its join.
 *
 * A page stays open from its join to the end of its phase (or its churn exit), whatever its player does:
 * a VOD that has played to its end leaves the page, its engine, its peers and its segments in the swarm,
 * as a real user's tab would be, so viewers who join minutes later (`vodApart`) can load from it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../../test/browser/chromium';
import { processTreeCpuSeconds } from './cpu';
import type { PeerSegment, PlayerName, ViewerReport, ViewerSample } from './types';

/** What the demo page (demo/web/main.ts) and our probe expose, as seen from `page.evaluate`. */
interface PageGlobals {
  shoalDemo?: {
    p2p: boolean;
    errors: string[];
    stalls: number;
    startupMs?: number;
    httpFragmentBytes: number;
    p2pSegments: PeerSegment[];
    engine: { stats(): { httpBytes: number; p2pBytes: number; uploadedBytes: number; peerCount: number } };
    /** Whatever the player (hls.js, Shaka) reports: seconds behind the live edge, `360p 286 kbit/s`. */
    quality(): { latencySec: number | null; level: string | null };
  };
  shoalBench?: { stallMs: number; stallStartMs: number | null };
  performance: { now(): number };
  document: {
    querySelector(selector: 'video'): {
      seeking: boolean;
      paused: boolean;
      readyState: number;
      addEventListener(type: 'waiting' | 'playing', listener: () => void): void;
    };
  };
}

type PageSample = Omit<ViewerSample, 'tMs'> & { ready: boolean };

export interface ViewerOptions {
  id: number;
  /** The scenario round, from 0. */
  round: number;
  url: string;
  p2p: boolean;
  /** `p2pml`: the page runs p2p-media-loader instead of Shoal (`&anchor=p2pml`). */
  anchor?: 'p2pml';
  live: boolean;
  player: PlayerName;
  /** A stream name of the demo's /config.json. */
  streamName: string;
  /** False: the page runs without the integrity manifest (`&integrity=0`). */
  integrity: boolean;
  /** Where playback starts (VOD), in media seconds; undefined: the player's choice. */
  startSec?: number;
  /** The phase clock: ms since the phase started. */
  clock: () => number;
}

/** A Chromium launched ahead of its viewer, on about:blank. */
export class ViewerBrowser {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly profileDir: string,
  ) {}

  static async launch(): Promise<ViewerBrowser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'shoal-bench-'));
    try {
      const context = await chromium.launchPersistentContext(profileDir, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
      const page = context.pages()[0] ?? (await context.newPage());
      return new ViewerBrowser(context, page, profileDir);
    } catch (error) {
      rmSync(profileDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Opens the demo page: the viewer joins now (its join time and CPU baseline are taken here). */
  async join(options: ViewerOptions): Promise<Viewer> {
    const viewer = new Viewer(options, this, options.clock(), processTreeCpuSeconds(this.profileDir));
    const start = options.startSec === undefined ? '' : `&start=${options.startSec}`;
    await this.page.goto(`${options.url}/?player=${options.player}&stream=${options.streamName}&test=1&p2p=${options.p2p ? 1 : 0}${options.anchor ? `&anchor=${options.anchor}` : ''}${options.integrity ? '' : '&integrity=0'}${start}`);
    await this.page.evaluate(installStallProbe);
    return viewer;
  }

  /** Safe to call twice. */
  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}

export class Viewer {
  readonly samples: ViewerSample[] = [];
  private closed = false;

  constructor(
    private readonly options: ViewerOptions,
    private readonly browser: ViewerBrowser,
    readonly joinedAtMs: number,
    /** CPU seconds the browser had used before the join (its launch). */
    private readonly cpuAtJoinSeconds: number | null,
  ) {}

  /** Launch and join at once (the warm-up page). */
  static async open(options: ViewerOptions): Promise<Viewer> {
    const browser = await ViewerBrowser.launch();
    try {
      return await browser.join(options);
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** One sample, appended to `samples`; skipped while the page is not set up yet. */
  async sample(): Promise<void> {
    if (this.closed) return;
    const tMs = this.options.clock();
    const sample = await this.browser.page.evaluate(readSample).catch(() => undefined);
    if (sample?.ready && !this.closed) {
      const { ready: _ready, ...rest } = sample;
      this.samples.push({ tMs, ...rest, latencySec: this.options.live ? rest.latencySec : null });
    }
  }

  /** Final figures, then close the browser. `churned`: leaving before the end of the phase. */
  async finish(churned: boolean): Promise<ViewerReport> {
    await this.sample();
    this.closed = true;
    const state = await this.browser.page.evaluate(readFinal);
    const heapUsedBytes = await this.heapUsedBytes();
    const cpuNow = processTreeCpuSeconds(this.browser.profileDir);
    const cpuSeconds = cpuNow === null ? null : cpuNow - (this.cpuAtJoinSeconds ?? 0);
    const leftAtMs = this.options.clock();
    await this.browser.close();
    const last = this.samples.at(-1);
    const loaded = (last?.httpBytes ?? 0) + (last?.p2pBytes ?? 0);
    return {
      id: this.options.id,
      round: this.options.round,
      p2p: this.options.p2p,
      joinedAtMs: this.joinedAtMs,
      leftAtMs,
      churned,
      errors: state.errors,
      startupMs: state.startupMs,
      stalls: state.stalls,
      stallSeconds: state.stallMs / 1000,
      httpBytes: last?.httpBytes ?? 0,
      p2pBytes: last?.p2pBytes ?? 0,
      uploadedBytes: last?.uploadedBytes ?? 0,
      p2pShare: loaded === 0 ? 0 : (last?.p2pBytes ?? 0) / loaded,
      peersAtEnd: last?.peers ?? 0,
      meanLatencySec: meanLatency(this.samples),
      renditions: renditionSeconds(this.samples),
      heapUsedBytes,
      cpuSeconds,
      p2pSegments: state.p2pSegments,
      samples: this.samples,
    };
  }

  /** Closes without a report (after an error). Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await this.browser.close();
  }

  private async heapUsedBytes(): Promise<number | null> {
    try {
      const cdp = await this.browser.context.newCDPSession(this.browser.page);
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      await cdp.detach();
      return usedSize;
    } catch {
      return null;
    }
  }
}

function meanLatency(samples: ViewerSample[]): number | null {
  const values = samples.filter((s) => s.playing && s.latencySec !== null && s.latencySec > 0).map((s) => s.latencySec!);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Samples are a second apart: count seconds per level label. */
function renditionSeconds(samples: ViewerSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.level !== null) out[s.level] = (out[s.level] ?? 0) + 1;
  return out;
}

// The functions below run in the page. No named inner functions: tsx's keepNames would wrap them in a
// `__name` helper that does not exist there.

function installStallProbe(): void {
  const g = globalThis as unknown as PageGlobals;
  const video = g.document.querySelector('video');
  const probe = { stallMs: 0, stallStartMs: null as number | null };
  g.shoalBench = probe;
  video.addEventListener('waiting', () => {
    if (g.shoalDemo?.startupMs !== undefined && !video.seeking && probe.stallStartMs === null) probe.stallStartMs = g.performance.now();
  });
  video.addEventListener('playing', () => {
    if (probe.stallStartMs !== null) probe.stallMs += g.performance.now() - probe.stallStartMs;
    probe.stallStartMs = null;
  });
}

function readSample(): PageSample {
  const g = globalThis as unknown as PageGlobals;
  const state = g.shoalDemo;
  const video = g.document.querySelector('video');
  if (!state) return { ready: false, httpBytes: 0, p2pBytes: 0, uploadedBytes: 0, peers: 0, latencySec: null, level: null, playing: false };
  const stats = state.engine.stats();
  const { latencySec, level } = state.quality();
  return {
    ready: true,
    httpBytes: state.p2p ? stats.httpBytes : state.httpFragmentBytes,
    p2pBytes: stats.p2pBytes,
    uploadedBytes: stats.uploadedBytes,
    peers: stats.peerCount,
    latencySec,
    level,
    playing: state.startupMs !== undefined && !video.paused && video.readyState > 2,
  };
}

function readFinal(): { errors: string[]; startupMs: number | null; stalls: number; stallMs: number; p2pSegments: PeerSegment[] } {
  const g = globalThis as unknown as PageGlobals;
  const probe = g.shoalBench;
  const ongoing = probe?.stallStartMs == null ? 0 : g.performance.now() - probe.stallStartMs;
  return {
    errors: g.shoalDemo?.errors ?? ['page never set up'],
    startupMs: g.shoalDemo?.startupMs ?? null,
    stalls: g.shoalDemo?.stalls ?? 0,
    stallMs: (probe?.stallMs ?? 0) + ongoing,
    p2pSegments: g.shoalDemo?.p2pSegments ?? [],
  };
}
