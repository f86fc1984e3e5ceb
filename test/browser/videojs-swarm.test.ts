/**
 * Issue 7: the demo's video.js page (`?player=videojs`: video.js 8's UI, hls.js with Shoal through
 * `@shoal/videojs`) plays the live stream in two real Chromium viewers, each in its own browser, with the
 * demo origin and tracker: both play without errors, the later one gets bytes from peers, and every
 * segment that came from peers is byte-identical to the origin's. Shares are printed, not asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertPeerBytesMatchOrigin, readReport, reportLine, useDemoFixture } from './demo-pages';
import { waitUntil } from '../../packages/core/test/support/wait';

const JOIN_STAGGER_MS = 3_000;

const fixture = useDemoFixture();

function openViewer(): Promise<Page> {
  return fixture.viewers.open('player=videojs&stream=liveTs&p2p=1');
}

/** The demo page's report, and whether its <video> sits inside video.js's UI. */
async function report(page: Page) {
  const insideVideojs = await page.evaluate(() => {
    const { document } = globalThis as unknown as { document: { querySelector(selector: string): { closest(selector: string): unknown } | null } };
    return Boolean(document.querySelector('video')?.closest('.video-js.vjs-controls-enabled'));
  });
  return { ...(await readReport(page)), insideVideojs };
}

test('two video.js pages play the live stream; the later one gets origin-identical bytes from peers', { timeout: 180_000 }, async () => {
  const first = await openViewer();
  await waitUntil(async () => (await report(first)).currentTime > 1, 'the first video.js page plays', 60_000);
  await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
  const second = await openViewer();
  await waitUntil(async () => (await report(second)).p2pBytes > 0, 'the second video.js page gets bytes from peers', 90_000);
  await waitUntil(async () => (await report(second)).currentTime > 4, 'the second video.js page plays', 60_000);
  const reports = [await report(first), await report(second)];
  console.log(reports.map((r, i) => reportLine(`video.js page ${i}`, r)).join('\n'));
  for (const [i, r] of reports.entries()) {
    assert.equal(r.player, 'videojs', `page ${i} runs the video.js player`);
    assert.ok(r.insideVideojs, `page ${i}'s <video> is inside video.js's UI`);
    assert.deepEqual(r.errors, [], `page ${i} had no error`);
  }
  assert.ok(reports[1]!.p2pBytes > 0, 'the second page got bytes from peers');
  await assertPeerBytesMatchOrigin(reports);
});
