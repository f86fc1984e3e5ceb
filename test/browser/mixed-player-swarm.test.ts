/**
 * Issue 5: an hls.js page and a Shaka page (each its own Chromium process) play the same live HLS stream
 * of the demo origin with Shoal and meet in one swarm: both derive the same swarm id (the master playlist
 * URL), rendition ids (from the variant's attributes) and segment ids (media sequence numbers). Segments
 * go both ways — each page gets bytes from the other — and match the origin's bytes (SHA-256).
 * The P2P share of each page is printed, not asserted.
 *   sh scripts/netns-run.sh node scripts/run-tests.mjs browser/mixed-player-swarm
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertPeerBytesMatchOrigin, currentTime, readReport, reportLine, useDemoFixture } from './demo-pages';

const RUN_MS = 45_000;

const fixture = useDemoFixture();

test('an hls.js page and a Shaka page on one live HLS stream trade segments both ways', { timeout: 120_000 }, async () => {
  const pages = await Promise.all([fixture.viewers.open('player=hlsjs&stream=liveTs&p2p=1'), fixture.viewers.open('player=shaka&stream=liveTs&p2p=1')]);
  const startTimes = await Promise.all(pages.map(currentTime));
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  const reports = await Promise.all(pages.map(readReport));
  console.log(reports.map((r) => reportLine(`${r.player} page`, r)).join('\n'));

  reports.forEach((r, i) => {
    assert.deepEqual(r.errors, [], `${r.player} page had no error`);
    assert.ok(r.currentTime > startTimes[i]! + 10, `${r.player} page played (currentTime ${startTimes[i]} → ${r.currentTime})`);
  });
  const [hlsjs, shaka] = reports as [typeof reports[0], typeof reports[0]];
  assert.deepEqual([hlsjs.player, shaka.player], ['hlsjs', 'shaka']);
  assert.ok(hlsjs.p2pBytes > 0 && shaka.uploadedBytes > 0, `Shaka → hls.js: ${hlsjs.p2pBytes} bytes from peers on the hls.js page`);
  assert.ok(shaka.p2pBytes > 0 && hlsjs.uploadedBytes > 0, `hls.js → Shaka: ${shaka.p2pBytes} bytes from peers on the Shaka page`);
  const checked = await assertPeerBytesMatchOrigin(reports);
  console.log(`# ${checked} segments from peers, all identical to the origin's`);
});
