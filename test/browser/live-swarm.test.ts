/**
 * Issue 4: real Chromium viewers share a live stream. The demo origin (throttled like a CDN), its
 * tracker, three pages playing the live stream with Shoal and one with plain hls.js, each page in its
 * own browser process. All play without errors; at least one gets bytes from peers; every segment that
 * came from peers is byte-identical to the origin's (SHA-256); no Shoal page stalls more than the plain
 * page of the same run. Shares, stalls and startup times are printed, not asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startDemo } from '../../demo/src/server';
import { launchChromium, type LaunchedBrowser } from './chromium';

const RUN_MS = 40_000;
const JOIN_STAGGER_MS = 2_500;

interface PageReport {
  p2p: boolean;
  currentTime: number;
  errors: string[];
  stalls: number;
  startupMs: number | null;
  httpBytes: number;
  p2pBytes: number;
  p2pShare: number;
  peers: number;
  p2pSegments: Array<{ url: string; startByte?: number; endByte?: number; sha256: string }>;
}

/** What the demo page exposes, as seen from code that `page.evaluate` runs in the page. */
interface PageGlobals {
  shoalDemo: {
    p2p: boolean;
    errors: string[];
    stalls: number;
    startupMs?: number;
    httpFragmentBytes: number;
    p2pSegments: PageReport['p2pSegments'];
    engine: { stats(): { httpBytes: number; p2pBytes: number; p2pShare: number; peers: number } };
  };
  document: { querySelector(selector: 'video'): { currentTime: number } };
}

let demo: Awaited<ReturnType<typeof startDemo>>;
const browsers: LaunchedBrowser[] = [];

before(async () => {
  // Like a CDN rather than loopback: a first-byte delay and a per-response bandwidth.
  demo = await startDemo({ port: 0, trackerPort: 0, throttle: { firstByteDelayMs: 60, bytesPerSec: 1_500_000 } });
});

after(async () => {
  for (const browser of browsers) await browser.close();
  await demo?.close();
});

async function openViewer(p2p: boolean): Promise<Page> {
  const browser = await launchChromium();
  browsers.push(browser);
  const page = await browser.context.newPage();
  await page.goto(`${demo.url}/?stream=liveTs&test=1&p2p=${p2p ? 1 : 0}`);
  return page;
}

function report(page: Page): Promise<PageReport> {
  return page.evaluate(() => {
    const { shoalDemo: state, document } = globalThis as unknown as PageGlobals;
    const stats = state.engine.stats();
    return {
      p2p: state.p2p,
      currentTime: document.querySelector('video').currentTime,
      errors: state.errors,
      stalls: state.stalls,
      startupMs: state.startupMs ?? null,
      httpBytes: state.p2p ? stats.httpBytes : state.httpFragmentBytes,
      p2pBytes: stats.p2pBytes,
      p2pShare: stats.p2pShare,
      peers: stats.peers,
      p2pSegments: state.p2pSegments,
    };
  });
}

async function originSha256(segment: { url: string; startByte?: number; endByte?: number }): Promise<string> {
  const headers: Record<string, string> = segment.startByte === undefined ? {} : { Range: `bytes=${segment.startByte}-${segment.endByte}` };
  const response = await fetch(segment.url, { headers });
  assert.ok(response.ok, `origin serves ${segment.url}`);
  return createHash('sha256').update(new Uint8Array(await response.arrayBuffer())).digest('hex');
}

test('three Shoal pages and a plain hls.js page play a live stream; peers deliver origin-identical bytes', { timeout: 180_000 }, async () => {
  const plain = await openViewer(false);
  const shoal: Page[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
    shoal.push(await openViewer(true));
  }
  const startTimes = await Promise.all([plain, ...shoal].map((page) => page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('video').currentTime)));
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  const [plainReport, ...shoalReports] = await Promise.all([plain, ...shoal].map(report));

  const lines = [plainReport!, ...shoalReports].map((r, i) =>
    `# ${r.p2p ? `shoal page ${i}` : 'plain hls.js'}: P2P share ${(r.p2pShare * 100).toFixed(0)} % ` +
      `(${(r.p2pBytes / 1e6).toFixed(2)} MB peers, ${(r.httpBytes / 1e6).toFixed(2)} MB HTTP), peers ${r.peers}, ` +
      `stalls ${r.stalls}, startup ${r.startupMs === null ? '–' : `${Math.round(r.startupMs)} ms`}, played to ${r.currentTime.toFixed(1)} s`,
  );
  console.log(lines.join('\n'));

  [plainReport!, ...shoalReports].forEach((r, i) => {
    assert.deepEqual(r.errors, [], `page ${i} had no error`);
    assert.ok(r.currentTime > startTimes[i]! + 10, `page ${i} played (currentTime ${startTimes[i]} → ${r.currentTime})`);
  });
  assert.ok(shoalReports.some((r) => r.p2pBytes > 0), 'at least one Shoal page got bytes from peers');
  let checked = 0;
  for (const r of shoalReports) {
    for (const segment of r.p2pSegments) {
      assert.equal(segment.sha256, await originSha256(segment), `peer bytes of ${segment.url} match the origin`);
      checked++;
    }
  }
  console.log(`# ${checked} segments from peers, all identical to the origin's`);
  for (const r of shoalReports) assert.ok(r.stalls <= plainReport!.stalls, `a Shoal page stalled ${r.stalls} times, plain hls.js ${plainReport!.stalls}`);
});
