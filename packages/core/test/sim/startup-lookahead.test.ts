/**
 * The look-ahead waits for playback: while nothing is buffered at the playhead (the player starting,
 * seeking or stalled), the engine fetches only what the player asks for, so no prefetch competes with the
 * segment it waits for; on VOD nor before the player has started (its playhead moved in a buffered range),
 * so its first frames decode without prefetches arriving at once; then the look-ahead fills from peers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import { sleepVirtual, waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 200_000;

test('nothing buffered at the playhead, or not started: only requested segments; playing: the look-ahead fills from peers', { timeout: 30_000 }, async () => {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 2_000_000, sizeOf: () => SEGMENT_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const make = (): ShoalEngine => new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
  const [holder, viewer] = [make(), make()];
  try {
    const renditionId = 'r';
    const segments = [0, 1, 2, 3].map((i) => ({ renditionId, segmentId: i, url: `sim://origin/vod/${i}.ts`, durationSec: 2, startTimeSec: i * 2 }));
    for (const engine of [holder, viewer]) {
      engine.setStreams({ manifestUrl: 'sim://origin/vod/master.m3u8', live: false, renditions: [{ id: renditionId, metadata: {}, segments }] });
    }
    for (const segment of segments) await holder.loadSegment(segment);
    await waitVirtual(clock, () => viewer.stats().peerCount === 1);

    viewer.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 0, activeRenditions: [renditionId] });
    await viewer.loadSegment(segments[0]!);
    await sleepVirtual(clock, 2_000);
    // The player waits for it with nothing buffered: the origin's (policy rule 10), and nothing else comes.
    assert.deepEqual([viewer.stats().httpBytes, viewer.stats().p2pBytes], [SEGMENT_BYTES, 0], 'only the requested segment came while nothing was buffered');

    viewer.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 2, activeRenditions: [renditionId] });
    await sleepVirtual(clock, 2_000);
    assert.equal(viewer.stats().p2pBytes, 0, 'buffered but not started: still no look-ahead');

    viewer.setPlayback({ positionSec: 0.25, rate: 1, bufferedUntilSec: 2, activeRenditions: [renditionId] });
    await waitVirtual(clock, () => viewer.stats().p2pBytes === (segments.length - 1) * SEGMENT_BYTES);
    assert.equal(viewer.stats().httpBytes, SEGMENT_BYTES, 'the look-ahead came from the peer: only the first segment from the origin');
  } finally {
    holder.destroy();
    viewer.destroy();
    stop();
  }
});
