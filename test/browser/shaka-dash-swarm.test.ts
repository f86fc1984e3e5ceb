/**
 * Issue 5: three Shaka Player pages (each its own Chromium process) play the demo origin's live DASH
 * (dynamic MPD, SegmentTemplate $Number$, throttled like a CDN) with Shoal over a real tracker and WebRTC.
 * All play without errors; peers deliver bytes (P2P bytes > 0), and every segment that came from peers is
 * byte-identical to the origin's (SHA-256). The P2P share of each page is printed, not asserted.
 *   sh scripts/netns-run.sh node scripts/run-tests.mjs browser/shaka-dash-swarm
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertPeerBytesMatchOrigin, currentTime, readReport, reportLine, useDemoFixture } from './demo-pages';

const RUN_MS = 40_000;
const JOIN_STAGGER_MS = 2_500;
const PAGES = 3;

const fixture = useDemoFixture();

test('three Shaka pages on live DASH trade segments; peers deliver origin-identical bytes', { timeout: 120_000 }, async () => {
  const pages: Page[] = [];
  for (let i = 0; i < PAGES; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
    pages.push(await fixture.viewers.open('player=shaka&stream=liveDash&p2p=1'));
  }
  const startTimes = await Promise.all(pages.map(currentTime));
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  const reports = await Promise.all(pages.map(readReport));
  console.log(reports.map((r, i) => reportLine(`shaka DASH page ${i + 1}`, r)).join('\n'));

  reports.forEach((r, i) => {
    assert.equal(r.player, 'shaka');
    assert.deepEqual(r.errors, [], `page ${i + 1} had no error`);
    assert.ok(r.currentTime > startTimes[i]! + 10, `page ${i + 1} played (currentTime ${startTimes[i]} → ${r.currentTime})`);
  });
  assert.ok(reports.reduce((sum, r) => sum + r.p2pBytes, 0) > 0, 'bytes came from peers');
  const checked = await assertPeerBytesMatchOrigin(reports);
  assert.ok(checked > 0, 'segments from peers were recorded');
  console.log(`# ${checked} segments from peers, all identical to the origin's`);
});
