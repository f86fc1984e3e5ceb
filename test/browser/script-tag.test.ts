/**
 * Issue 7: a page with only script tags (demo/public/script-tag.html: hls.js's own hls.min.js, then
 * shoal.min.js and shoal-hlsjs.min.js from the packages' builds) plays the live stream with P2P. Two
 * viewers, each in its own Chromium, on the demo origin (throttled like a CDN) and its real tracker; both
 * play without errors and bytes come from peers. Needs `npm run build` first (npm test does it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, type RunningDemo } from '../../demo/src/server';
import { DemoViewers, readViewer, type ViewerReading } from '../support/demo-viewers';

const JOIN_STAGGER_MS = 2_500;
/** Media seconds each page must play past where it was once both were open. */
const PLAYED_SEC = 8;
const TIMEOUT_MS = 90_000;

let demo: RunningDemo;
const viewers = new DemoViewers();

before(async () => {
  demo = await startDemo({ port: 0, trackerPort: 0, throttle: { firstByteDelayMs: 60, bytesPerSec: 1_500_000 } });
});

after(async () => {
  await viewers.close();
  await demo?.close();
});

test('two script-tag pages play the live stream and share segments over WebRTC', { timeout: 150_000 }, async () => {
  const url = `${demo.url}/script-tag.html?stream=liveTs`;
  await viewers.open(url);
  await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
  await viewers.open(url);
  const startTimes = (await Promise.all(viewers.viewers.map(readViewer))).map((reading) => reading.currentTime);

  const deadline = Date.now() + TIMEOUT_MS;
  let readings: ViewerReading[];
  for (;;) {
    readings = await Promise.all(viewers.viewers.map(readViewer));
    const played = readings.every((reading, i) => reading.currentTime > startTimes[i]! + PLAYED_SEC);
    const failed = readings.some((reading) => reading.errors.length > 0);
    if ((played && readings.some((reading) => reading.p2pBytes > 0)) || failed || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  console.log(readings.map((r, i) => `# script-tag page ${i}: ${(r.p2pBytes / 1e6).toFixed(2)} MB from peers, ${(r.httpBytes / 1e6).toFixed(2)} MB HTTP, peers ${r.peers}, played ${startTimes[i]!.toFixed(1)} → ${r.currentTime.toFixed(1)} s`).join('\n'));

  readings.forEach((reading, i) => {
    assert.deepEqual(reading.errors, [], `page ${i} had no error`);
    assert.ok(reading.currentTime > startTimes[i]! + PLAYED_SEC, `page ${i} played (currentTime ${startTimes[i]} → ${reading.currentTime})`);
  });
  assert.ok(readings.some((reading) => reading.p2pBytes > 0), 'bytes came from peers');
});
