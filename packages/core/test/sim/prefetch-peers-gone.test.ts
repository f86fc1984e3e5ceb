/**
 * A prefetch whose only holder leaves mid-transfer, in virtual time on the in-memory network: the bytes
 * it got stay, and nothing goes to the origin (a prefetch has no right to it of its own: policy rule 4);
 * when the player then asks, only the missing bytes come over HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import type { Segment } from '../../src/types';
import { sleepVirtual, waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 1_000_000;
/** 1 MB over 200 kB/s: five seconds from peer to peer, time to leave in the middle. */
const LINK = { latencyMs: 10, bandwidthBytesPerSec: 200_000 };

test('a prefetch whose holder leaves keeps its bytes and does not go to the origin; the player’s request then fetches only the rest', { timeout: 30_000 }, async () => {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 20, bandwidthBytesPerSec: 10_000_000, sizeOf: () => SEGMENT_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: LINK });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const renditionId = 'r';
  const segment: Segment = { renditionId, segmentId: 5, url: 'sim://origin/live/5.ts', durationSec: 2, startTimeSec: 10 };
  const make = (): ShoalEngine => {
    const engine = new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
    engine.setStreams({ manifestUrl: 'sim://origin/live/master.m3u8', live: true, renditions: [{ id: renditionId, metadata: {}, segments: [{ ...segment, durationSec: 2, startTimeSec: 10 }] }] });
    return engine;
  };
  const [a, b] = [make(), make()];
  try {
    await waitVirtual(clock, () => a.stats().peerCount === 1 && b.stats().peerCount === 1);
    await a.loadSegment(segment);
    assert.equal(origin.requests.get(segment.url), 1);
    // B plays 8 s before the segment, which is in its look-ahead: it prefetches it from A.
    b.setPlayback({ positionSec: 2, rate: 1, bufferedUntilSec: 10, activeRenditions: [renditionId] });
    await waitVirtual(clock, () => b.stats().p2pBytes > 100_000);
    a.destroy();
    await sleepVirtual(clock, 2_000);
    const keptBytes = b.stats().p2pBytes;
    assert.ok(keptBytes < SEGMENT_BYTES, 'the prefetch was cut short');
    assert.equal(origin.requests.get(segment.url), 1, 'the unfinished prefetch did not go to the origin');
    const loaded = await b.loadSegment(segment);
    assert.deepEqual(loaded.bytes, origin.bytesOf(segment.url));
    assert.equal(origin.requests.get(segment.url), 2, 'the player’s request went to the origin once');
    assert.ok(b.stats().httpBytes <= SEGMENT_BYTES - keptBytes + 64 * 1024, `only the missing bytes came over HTTP (${b.stats().httpBytes} B, ${keptBytes} B from the peer)`);
  } finally {
    a.destroy();
    b.destroy();
    stop();
  }
});
