/**
 * Issue 20, a joiner's first segments: a player asks for its next segment a few ms after the last one
 * loaded, before it is appended and before any media element event reports it buffered. The engine still
 * sees nothing buffered, but the segment is not one the player stalls on (policy rule 10: origin first):
 * the one handed just before plays first (`handed-media.ts`). Real engines on the in-memory network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import { waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 200_000;
const SEGMENT_SEC = 2;

test('a starting player\'s second segment, asked for before the first is reported buffered, comes from the peer holding it', { timeout: 60_000 }, async () => {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 40, bandwidthBytesPerSec: 1_000_000, sizeOf: () => SEGMENT_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const renditionId = 'r';
  const segments = Array.from({ length: 4 }, (_, i) => ({ renditionId, segmentId: i, url: `sim://origin/vod/${i}.ts`, durationSec: SEGMENT_SEC, startTimeSec: i * SEGMENT_SEC }));
  const viewer = (): ShoalEngine => {
    const engine = new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
    engine.setStreams({ manifestUrl: 'sim://origin/vod/master.m3u8', live: false, renditions: [{ id: renditionId, metadata: {}, segments }] });
    // Starting: the playhead at 0, nothing buffered, and no report after that (no media element event yet).
    engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 0, activeRenditions: [renditionId] });
    return engine;
  };
  const seeder = viewer();
  const joiner = viewer();
  try {
    for (const segment of segments) await seeder.loadSegment(segment);
    await waitVirtual(clock, () => joiner.availability(segments[1]!) === 1);
    const first = await joiner.loadSegment(segments[0]!);
    const second = await joiner.loadSegment(segments[1]!);
    assert.equal(first.source, 'http', 'the segment playback starts on: rule 10, origin first');
    assert.equal(second.source, 'p2p', 'the next one: the first plays before it');
    assert.deepEqual(second.bytes, origin.bytesOf(segments[1]!.url));
  } finally {
    seeder.destroy();
    joiner.destroy();
    stop();
  }
});
