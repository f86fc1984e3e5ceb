/**
 * Issue 7: the demo's video.js page (`?player=videojs`: video.js 8's UI, hls.js with Shoal through
 * `@shoal/videojs`) plays the live stream in two real Chromium viewers, each in its own browser, with the
 * demo origin and tracker: both play without errors, the later one gets bytes from peers, and every
 * segment that came from peers is byte-identical to the origin's. Shares are printed, not asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startDemo } from '../../demo/src/server';
import { launchChromium, type LaunchedBrowser } from './chromium';
import { sha256 } from '../support/origin';
import { waitFor } from '../support/wait';

const JOIN_STAGGER_MS = 3_000;

interface PageGlobals {
  shoalDemo?: {
    player: string;
    errors: string[];
    p2pSegments: Array<{ url: string; startByte?: number; endByte?: number; sha256: string }>;
    engine: { stats(): { httpBytes: number; p2pBytes: number; p2pShare: number; peers: number } };
  };
  document: { querySelector(selector: string): { currentTime: number; closest(selector: string): unknown } | null };
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

async function openViewer(): Promise<Page> {
  const browser = await launchChromium();
  browsers.push(browser);
  const page = await browser.context.newPage();
  await page.goto(`${demo.url}/?player=videojs&stream=liveTs&p2p=1&test=1`);
  return page;
}

function report(page: Page) {
  return page.evaluate(() => {
    const { shoalDemo: state, document } = globalThis as unknown as PageGlobals;
    const video = document.querySelector('video');
    const stats = state?.engine.stats();
    return {
      player: state?.player,
      insideVideojs: Boolean(video?.closest('.video-js.vjs-controls-enabled')),
      currentTime: video?.currentTime ?? 0,
      errors: state?.errors ?? ['no shoalDemo'],
      httpBytes: stats?.httpBytes ?? 0,
      p2pBytes: stats?.p2pBytes ?? 0,
      p2pShare: stats?.p2pShare ?? 0,
      peers: stats?.peers ?? 0,
      p2pSegments: state?.p2pSegments ?? [],
    };
  });
}

test('two video.js pages play the live stream; the later one gets origin-identical bytes from peers', { timeout: 180_000 }, async () => {
  const first = await openViewer();
  await waitFor(async () => (await report(first)).currentTime > 1, 'the first video.js page plays', 60_000);
  await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
  const second = await openViewer();
  await waitFor(async () => (await report(second)).p2pBytes > 0, 'the second video.js page gets bytes from peers', 90_000);
  await waitFor(async () => (await report(second)).currentTime > 4, 'the second video.js page plays', 60_000);
  const reports = [await report(first), await report(second)];
  console.log(
    reports
      .map((r, i) => `# video.js page ${i}: P2P share ${(r.p2pShare * 100).toFixed(0)} % (${(r.p2pBytes / 1e6).toFixed(2)} MB peers, ${(r.httpBytes / 1e6).toFixed(2)} MB HTTP), peers ${r.peers}, played to ${r.currentTime.toFixed(1)} s`)
      .join('\n'),
  );
  for (const [i, r] of reports.entries()) {
    assert.equal(r.player, 'videojs', `page ${i} runs the video.js player`);
    assert.ok(r.insideVideojs, `page ${i}'s <video> is inside video.js's UI`);
    assert.deepEqual(r.errors, [], `page ${i} had no error`);
  }
  assert.ok(reports[1]!.p2pBytes > 0, 'the second page got bytes from peers');
  for (const segment of reports.flatMap((r) => r.p2pSegments)) {
    const headers: Record<string, string> = segment.startByte === undefined ? {} : { Range: `bytes=${segment.startByte}-${segment.endByte}` };
    const response = await fetch(segment.url, { headers });
    assert.ok(response.ok, `origin serves ${segment.url}`);
    assert.equal(segment.sha256, sha256(new Uint8Array(await response.arrayBuffer())), `peer bytes of ${segment.url} match the origin`);
  }
});
