/**
 * Issue 4: real Chromium viewers share a live stream. The demo origin (throttled like a CDN), its
 * tracker, three pages playing the live stream with Shoal and one with plain hls.js, each page in its
 * own browser process. All play without errors; at least one gets bytes from peers; every segment that
 * came from peers is byte-identical to the origin's (SHA-256); no Shoal page stalls more than the plain
 * page of the same run. Shares, stalls and startup times are printed, not asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertPeerBytesMatchOrigin, currentTime, readReport, reportLine, useDemoFixture } from './demo-pages';

const RUN_MS = 40_000;
const JOIN_STAGGER_MS = 2_500;

const fixture = useDemoFixture();

function openViewer(p2p: boolean): Promise<Page> {
  return fixture.viewers.open(`stream=liveTs&p2p=${p2p ? 1 : 0}`);
}

test('three Shoal pages and a plain hls.js page play a live stream; peers deliver origin-identical bytes', { timeout: 180_000 }, async () => {
  const plain = await openViewer(false);
  const shoal: Page[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
    shoal.push(await openViewer(true));
  }
  const startTimes = await Promise.all([plain, ...shoal].map(currentTime));
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  const [plainReport, ...shoalReports] = await Promise.all([plain, ...shoal].map(readReport));
  console.log([plainReport!, ...shoalReports].map((r, i) => reportLine(r.p2p ? `shoal page ${i}` : 'plain hls.js', r)).join('\n'));

  [plainReport!, ...shoalReports].forEach((r, i) => {
    assert.deepEqual(r.errors, [], `page ${i} had no error`);
    assert.ok(r.currentTime > startTimes[i]! + 10, `page ${i} played (currentTime ${startTimes[i]} → ${r.currentTime})`);
  });
  assert.ok(shoalReports.some((r) => r.p2pBytes > 0), 'at least one Shoal page got bytes from peers');
  const checked = await assertPeerBytesMatchOrigin(shoalReports);
  console.log(`# ${checked} segments from peers, all identical to the origin's`);
  for (const r of shoalReports) assert.ok(r.stalls <= plainReport!.stalls, `a Shoal page stalled ${r.stalls} times, plain hls.js ${plainReport!.stalls}`);
});
