/**
 * The engine's promises to the player, on the in-memory network and a virtual clock: only HTTP failing
 * rejects `loadSegment` (with a typed error), abort rejects with `aborted`, and a peer that vanishes
 * with nobody else holding the segment costs only the missing bytes over one HTTP Range request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../src/clock/virtual-clock';
import { ShoalEngine } from '../src/engine';
import { ShoalError } from '../src/errors';
import { MemoryTrackerHub } from '../sim/memory-tracker';
import { SimOrigin } from '../sim/sim-origin';

function world(options: { link?: { latencyMs: number; bandwidthBytesPerSec: number }; sizeBytes?: number } = {}) {
  const clock = new VirtualClock();
  const origin = new SimOrigin({
    clock,
    ttfbMs: 50,
    bandwidthBytesPerSec: 5_000_000,
    sizeOf: () => options.sizeBytes ?? 800_000,
    isAvailable: (url) => !url.includes('missing'),
  });
  const hub = new MemoryTrackerHub({ clock, link: options.link ?? { latencyMs: 10, bandwidthBytesPerSec: 5_000_000 } });
  const engines: ShoalEngine[] = [];
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engine = (): ShoalEngine => {
    const created = new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
    created.setStreams({ manifestUrl: 'sim://origin/master.m3u8' });
    engines.push(created);
    return created;
  };
  const close = (): void => {
    for (const e of engines) e.destroy();
    stop();
  };
  return { clock, origin, engine, close };
}

test('an HTTP failure rejects with a typed, fatal http error and emits segment:failed', async () => {
  const { engine, close } = world();
  try {
    const a = engine();
    const failed: string[] = [];
    a.on('segment:failed', ({ error }) => failed.push(error.code));
    await assert.rejects(a.loadSegment({ renditionId: 'r', segmentId: 1, url: 'sim://origin/missing.ts' }), (error: unknown) => {
      assert.ok(error instanceof ShoalError);
      assert.equal(error.code, 'http-status');
      assert.equal(error.status, 404);
      assert.equal(error.source, 'http');
      assert.equal(error.fatal, true);
      return true;
    });
    assert.deepEqual(failed, ['http-status']);
  } finally {
    close();
  }
});

test('abort rejects with "aborted" and reports no failure', async () => {
  const { engine, close } = world();
  try {
    const a = engine();
    const failed: string[] = [];
    a.on('segment:failed', ({ error }) => failed.push(error.code));
    const controller = new AbortController();
    const load = a.loadSegment({ renditionId: 'r', segmentId: 2, url: 'sim://origin/2.ts' }, { signal: controller.signal });
    controller.abort();
    await assert.rejects(load, (error: unknown) => error instanceof ShoalError && error.code === 'aborted');
    assert.deepEqual(failed, []);
  } finally {
    close();
  }
});

test('the only holder vanishes mid-segment: the rest comes over one HTTP Range, no byte twice', async () => {
  // A slow peer link so the download is surely under way when the holder leaves.
  const { clock, origin, engine, close } = world({ link: { latencyMs: 10, bandwidthBytesPerSec: 400_000 }, sizeBytes: 800_000 });
  try {
    const a = engine();
    const b = engine();
    const segment = { renditionId: 'r', segmentId: 3, url: 'sim://origin/3.ts' };
    await a.loadSegment(segment);
    while (b.availability(segment) === 0) await new Promise((resolve) => setImmediate(resolve));
    let p2pBytes = 0;
    b.on('bytes:downloaded', ({ source, sizeBytes }) => {
      if (source !== 'p2p') return;
      p2pBytes += sizeBytes;
      if (p2pBytes >= 200_000) a.destroy();
    });
    const servedBefore = origin.servedBytes;
    const result = await b.loadSegment(segment);
    assert.deepEqual(result.bytes, origin.bytesOf(segment.url));
    assert.ok(result.p2pBytes > 0 && result.p2pBytes < 800_000, `some bytes from the peer (${result.p2pBytes})`);
    assert.equal(origin.servedBytes - servedBefore, 800_000 - result.p2pBytes, 'the origin sent only the missing bytes');
    assert.equal(origin.requests.get(segment.url), 2, "a's fetch, then b's one Range request");
    assert.ok(clock.now() > 0);
  } finally {
    close();
  }
});

test('a holder vanishing with many blocks outstanding: the other holder completes the segment byte-exact', async () => {
  // Slow links: each holder has many of its blocks outstanding when one of them leaves, so the
  // leaving peer's failures arrive after its blocks were already handed to the other holder.
  const { origin, engine, close } = world({ link: { latencyMs: 20, bandwidthBytesPerSec: 1_000_000 }, sizeBytes: 3_000_000 });
  try {
    const a = engine();
    const b = engine();
    const c = engine();
    const segment = { renditionId: 'r', segmentId: 4, url: 'sim://origin/4.ts' };
    await a.loadSegment(segment);
    while (b.availability(segment) === 0) await new Promise((resolve) => setImmediate(resolve));
    await b.loadSegment(segment);
    while (c.availability(segment) < 2) await new Promise((resolve) => setImmediate(resolve));
    let bUploads = 0;
    b.on('bytes:uploaded', () => {
      if (++bUploads === 3) b.destroy();
    });
    const servedBefore = origin.servedBytes;
    const result = await c.loadSegment(segment);
    assert.ok(bUploads >= 3, 'b served some blocks before leaving');
    assert.deepEqual(result.bytes, origin.bytesOf(segment.url));
    assert.equal(result.source, 'p2p');
    // b's blocks fall to a; a may answer some `busy` (upload pacing: more than MAX_UPLOAD_BACKLOG_MS behind
    // its link), and those come from the origin. Either way each byte arrives, and counts, once.
    assert.equal(result.p2pBytes + (origin.servedBytes - servedBefore), 3_000_000, 'every block received and counted exactly once');
  } finally {
    close();
  }
});
