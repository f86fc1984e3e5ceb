/**
 * The demo page (demo/web) as real-browser swarm tests drive it: one Chromium process per viewer, the
 * page's `window.shoalDemo` read back as a report, peer bytes checked against the origin, and one line of
 * figures per page.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { startDemo, type DemoOptions, type RunningDemo } from '../../demo/src/server';
import { launchChromium, type LaunchedBrowser } from './chromium';

/** The demo origin like a CDN rather than loopback: a first-byte delay and a per-response bandwidth. */
export const CDN_THROTTLE: NonNullable<DemoOptions['throttle']> = { firstByteDelayMs: 60, bytesPerSec: 1_500_000 };

/** A test file's demo (origin and tracker, throttled like a CDN) and its viewers, started before its tests. */
export interface DemoFixture {
  demo: RunningDemo;
  viewers: DemoViewers;
}

/** Registers the file's `before`/`after` hooks; the fields are set once `before` ran. */
export function useDemoFixture(): DemoFixture {
  const fixture = {} as DemoFixture;
  before(async () => {
    fixture.demo = await startDemo({ port: 0, trackerPort: 0, throttle: CDN_THROTTLE });
    fixture.viewers = new DemoViewers(fixture.demo.url);
  });
  after(async () => {
    await fixture.viewers?.closeAll();
    await fixture.demo?.close();
  });
  return fixture;
}

export interface PeerSegment {
  url: string;
  startByte?: number;
  endByte?: number;
  sha256: string;
}

/** The main fragments hls.js asked for and loaded, by media sequence number (demo/web/state.ts). */
export interface FragmentRecord {
  requested: number[];
  loaded: number[];
  nonFatalErrors: Record<string, number>;
  /** `[msSincePageStart, sn, event]` of fragments that failed at least once (demo/web/state.ts). */
  failures: Array<[number, number, 'loading' | 'loaded' | 'error']>;
}

export interface PageReport {
  player: string;
  p2p: boolean;
  currentTime: number;
  errors: string[];
  stalls: number;
  /** Time spent stalled, an ongoing stall included up to the reading. */
  stalledMs: number;
  startupMs: number | null;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  p2pShare: number;
  peers: number;
  p2pSegments: PeerSegment[];
  fragments: FragmentRecord;
}

/** What the demo page exposes, as seen from code that `page.evaluate` runs in the page. */
interface PageGlobals {
  shoalDemo: {
    player: string;
    p2p: boolean;
    errors: string[];
    stalls: number;
    stalledMs: number;
    stalledSinceMs?: number;
    fragments: FragmentRecord;
    startupMs?: number;
    httpFragmentBytes: number;
    p2pSegments: PeerSegment[];
    engine: { stats(): { httpBytes: number; p2pBytes: number; uploadedBytes: number; p2pShare: number; peerCount: number } };
  };
  document: { querySelector(selector: 'video'): { currentTime: number } };
  performance: { now(): number };
}

/** Viewers in their own browser processes; `closeAll()` ends every one. */
export class DemoViewers {
  private readonly browsers: LaunchedBrowser[] = [];
  private readonly browserOf = new Map<Page, LaunchedBrowser>();

  constructor(private readonly demoUrl: string) {}

  /**
   * A fresh browser on the demo page with `query` (e.g. `player=shaka&stream=liveDash&p2p=1`) and `test=1`;
   * `path` for another page of the demo that exposes the same `window.shoalDemo` (`/script-tag.html`).
   */
  async open(query: string, path = '/'): Promise<Page> {
    const browser = await launchChromium();
    this.browsers.push(browser);
    const page = await browser.context.newPage();
    this.browserOf.set(page, browser);
    await page.goto(`${this.demoUrl}${path}?${query}&test=1`);
    // The page sets `window.shoalDemo` once its config.json arrived, after the load event `goto` waits for.
    await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobals>).shoalDemo !== undefined, undefined, { timeout: 30_000 });
    return page;
  }

  /** SIGKILL the browser process of `page` (see `LaunchedBrowser.kill`): the viewer vanishes without a goodbye. */
  crash(page: Page): void {
    const browser = this.browserOf.get(page);
    if (!browser) throw new Error('crash(page): not a page of these viewers');
    browser.kill();
  }

  async closeAll(): Promise<void> {
    this.browserOf.clear();
    for (const browser of this.browsers.splice(0)) await browser.close();
  }
}

export function currentTime(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('video').currentTime);
}

export function readReport(page: Page): Promise<PageReport> {
  return page.evaluate(() => {
    const { shoalDemo: state, document, performance } = globalThis as unknown as PageGlobals;
    const stats = state.engine.stats();
    return {
      player: state.player,
      p2p: state.p2p,
      currentTime: document.querySelector('video').currentTime,
      errors: state.errors,
      stalls: state.stalls,
      stalledMs: state.stalledMs + (state.stalledSinceMs === undefined ? 0 : performance.now() - state.stalledSinceMs),
      startupMs: state.startupMs ?? null,
      httpBytes: state.p2p ? stats.httpBytes : state.httpFragmentBytes,
      p2pBytes: stats.p2pBytes,
      uploadedBytes: stats.uploadedBytes,
      p2pShare: stats.p2pShare,
      peers: stats.peerCount,
      p2pSegments: state.p2pSegments,
      fragments: state.fragments,
    };
  });
}

/** `# <label>: P2P share 55 % (1.16 MB peers, 0.94 MB HTTP, 0.80 MB uploaded), peers 2, stalls 0, ...`. */
export function reportLine(label: string, r: PageReport): string {
  return (
    `# ${label}: P2P share ${(r.p2pShare * 100).toFixed(0)} % ` +
    `(${(r.p2pBytes / 1e6).toFixed(2)} MB peers, ${(r.httpBytes / 1e6).toFixed(2)} MB HTTP, ${(r.uploadedBytes / 1e6).toFixed(2)} MB uploaded), ` +
    `peers ${r.peers}, stalls ${r.stalls}, startup ${r.startupMs === null ? '–' : `${Math.round(r.startupMs)} ms`}, played to ${r.currentTime.toFixed(1)} s`
  );
}

async function originSha256(segment: Omit<PeerSegment, 'sha256'>): Promise<string> {
  const headers: Record<string, string> = segment.startByte === undefined ? {} : { Range: `bytes=${segment.startByte}-${segment.endByte}` };
  const response = await fetch(segment.url, { headers });
  assert.ok(response.ok, `origin serves ${segment.url}`);
  return createHash('sha256').update(new Uint8Array(await response.arrayBuffer())).digest('hex');
}

/** Every segment the pages got from peers has the origin's bytes (SHA-256); returns how many were checked. */
export async function assertPeerBytesMatchOrigin(reports: readonly PageReport[]): Promise<number> {
  let checked = 0;
  for (const r of reports) {
    for (const segment of r.p2pSegments) {
      assert.equal(segment.sha256, await originSha256(segment), `peer bytes of ${segment.url} match the origin`);
      checked++;
    }
  }
  return checked;
}
