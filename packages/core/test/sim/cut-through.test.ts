/**
 * Issue 3, test 3: cut-through relay on the in-memory network. A chain A → B → C where only A fetches
 * from the origin: C holds the segment about one block-time after A finishes, not one whole transfer
 * per hop after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { nodeSha256 } from '../../sim/node-sha256';
import { SimOrigin } from '../../sim/sim-origin';
import { waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 1_000_000;
const LINK = { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 };
const ORIGIN = { ttfbMs: 50, bandwidthBytesPerSec: 2_000_000 };

test('cut-through: the last of a chain A → B → C finishes about one block-time after A', { timeout: 30_000 }, async () => {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ...ORIGIN, sizeOf: () => SEGMENT_BYTES });
  // Only neighbours in the chain connect: 0–1 and 1–2.
  const hub = new MemoryTrackerHub({ clock, link: LINK, canConnect: (a, b) => Math.abs(a - b) === 1 });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engines = ['A', 'B', 'C'].map(
    () => new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient, sha256: nodeSha256 }),
  );
  const [a, b, c] = engines as [ShoalEngine, ShoalEngine, ShoalEngine];
  try {
    const renditionId = 'r';
    const segment = { renditionId, segmentId: 7, url: 'sim://origin/vod/7.ts', durationSec: 2, startTimeSec: 30 };
    for (const engine of engines) {
      engine.setStreams({ manifestUrl: 'sim://origin/vod/master.m3u8', live: false, renditions: [{ id: renditionId, metadata: {}, segments: [segment] }] });
      // 30 s of buffer before the segment is needed: plenty of time, so peers are preferred to the origin.
      engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 30, activeRenditions: [] });
    }
    const doneAt: Record<string, number> = {};
    const firstP2PByteAt: Record<string, number> = {};
    for (const [name, engine] of [['B', b], ['C', c]] as const) {
      engine.on('bytes:downloaded', ({ source }) => {
        if (source === 'p2p') firstP2PByteAt[name] ??= clock.now();
      });
    }
    await waitVirtual(clock, () => a.stats().peerCount === 1 && c.stats().peerCount === 1);
    const loads = [
      a.loadSegment(segment).then((r) => ((doneAt.A = clock.now()), r)),
      // B and C ask as soon as their neighbour announces it is downloading.
      (async () => {
        await waitVirtual(clock, () => b.availability(segment, { includePartial: true }) > 0);
        const r = await b.loadSegment(segment);
        doneAt.B = clock.now();
        return r;
      })(),
      (async () => {
        await waitVirtual(clock, () => c.availability(segment, { includePartial: true }) > 0);
        const r = await c.loadSegment(segment);
        doneAt.C = clock.now();
        return r;
      })(),
    ];
    const [ra, rb, rc] = await Promise.all(loads);
    const expected = origin.bytesOf(segment.url);
    assert.equal(ra!.source, 'http');
    assert.equal(rb!.source, 'p2p');
    assert.equal(rc!.source, 'p2p');
    assert.deepEqual(rb!.bytes, expected);
    assert.deepEqual(rc!.bytes, expected);
    assert.equal(origin.requests.get(segment.url), 1, 'only A asked the origin');
    // C was receiving before B had the whole segment: bytes were relayed, not stored and forwarded.
    assert.ok(firstP2PByteAt.C! < doneAt.B!, `C's first byte ${firstP2PByteAt.C} before B finished ${doneAt.B}`);
    const transferMs = (SEGMENT_BYTES / LINK.bandwidthBytesPerSec) * 1000; // 250 ms per hop if stored and forwarded
    const lagMs = doneAt.C! - doneAt.A!;
    console.log(`# cut-through: A done at +0 ms, B +${(doneAt.B! - doneAt.A!).toFixed(0)} ms, C +${lagMs.toFixed(0)} ms (store-and-forward would be ≥ ${2 * transferMs} ms)`);
    assert.ok(lagMs < transferMs, `C finished ${lagMs} ms after A: less than one hop's full transfer (${transferMs} ms)`);
  } finally {
    for (const engine of engines) engine.destroy();
    stop();
  }
});

