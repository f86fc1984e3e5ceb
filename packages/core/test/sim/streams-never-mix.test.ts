/**
 * Issue 16, requirement 5: swarm identity never mixes streams. Real engines on the in-memory network: two
 * streams whose manifest URLs differ only in their query (`?channel=1`, `?channel=2`) have the same
 * rendition ids and segment ids (same ladder, same media sequence), so in one swarm channel 2's viewer
 * would be served channel 1's segment by a peer. The sim hub, like a tracker, pairs only engines of one
 * info-hash (and a pairing made by mistake, the handshake's swarm hash refuses). Viewers of one stream
 * whose URLs differ only in their tokens still trade.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import type { KnownSegment } from '../../src/scheduler/stream-registry';
import { sleepVirtual, waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 300_000;

async function pair(manifestUrls: [string, string], segmentUrls: [string, string]) {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 2_000_000, sizeOf: () => SEGMENT_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engines = manifestUrls.map(
    () => new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient }),
  ) as [ShoalEngine, ShoalEngine];
  const segments = segmentUrls.map((url) => ({ renditionId: 'r', segmentId: 7, url, durationSec: 2, startTimeSec: 14 })) as [KnownSegment, KnownSegment];
  engines.forEach((engine, i) => {
    // VOD, no playback reported: nothing is fetched ahead, each engine loads only what it is asked for.
    engine.setStreams({ manifestUrl: manifestUrls[i]!, live: false, renditions: [{ id: 'r', metadata: {}, segments: [segments[i]!] }] });
  });
  const dispose = (): void => {
    for (const engine of engines) engine.destroy();
    stop();
  };
  return { clock, origin, engines, segments, dispose };
}

test('streams differing only in their query never share a swarm: channel 2 never receives channel 1 from a peer', { timeout: 30_000 }, async () => {
  const { clock, origin, engines, segments, dispose } = await pair(
    ['https://tv.example/live.m3u8?channel=1&token=a', 'https://tv.example/live.m3u8?token=b&channel=2'],
    ['sim://origin/ch1/7.ts', 'sim://origin/ch2/7.ts'],
  );
  try {
    const [ch1, ch2] = engines;
    assert.notEqual(ch1.stats().swarmId, ch2.stats().swarmId);
    await ch1.loadSegment(segments[0]);
    await sleepVirtual(clock, 2_000); // time for any pairing and announcement to arrive
    assert.equal(ch2.stats().peerCount, 0, 'the two streams are not peers');
    assert.equal(ch2.availability(segments[1], { includePartial: true }), 0);
    const result = await ch2.loadSegment(segments[1]);
    assert.equal(result.source, 'http');
    assert.equal(result.p2pBytes, 0);
    assert.deepEqual(result.bytes, origin.bytesOf(segments[1].url), "channel 2's own bytes");
    assert.equal(ch2.stats().p2pBytes, 0);
  } finally {
    dispose();
  }
});

test('viewers of one stream whose URLs differ only in their tokens still trade', { timeout: 30_000 }, async () => {
  const { clock, origin, engines, segments, dispose } = await pair(
    ['https://tv.example/live.m3u8?channel=1&token=a&expires=1', 'https://tv.example/live.m3u8?expires=2&channel=1&token=b'],
    ['sim://origin/ch1/7.ts', 'sim://origin/ch1/7.ts'],
  );
  try {
    const [first, second] = engines;
    assert.equal(first.stats().swarmId, second.stats().swarmId);
    await waitVirtual(clock, () => second.stats().peerCount === 1);
    await first.loadSegment(segments[0]);
    await waitVirtual(clock, () => second.availability(segments[1]) === 1);
    const result = await second.loadSegment(segments[1]);
    assert.equal(result.source, 'p2p');
    assert.equal(second.stats().p2pBytes, SEGMENT_BYTES);
    assert.equal(second.stats().httpBytes, 0);
    assert.deepEqual(result.bytes, origin.bytesOf(segments[0].url));
  } finally {
    dispose();
  }
});
