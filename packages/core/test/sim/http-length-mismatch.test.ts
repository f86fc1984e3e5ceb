/**
 * Issue 16, requirement 4: an origin body shorter or longer than its declared length is an error, never
 * stored or announced. Real engines on the in-memory network; the viewer's `fetch` is lenient (it yields
 * a truncated or padded body under the origin's true `Content-Length`, as the fetch behind the
 * p2p-media-loader #522/#532 poisoning did). Its load fails as an origin failure does
 * (`http-length-mismatch`); its neighbour, told of the download while it ran, hears it is lost and never
 * holds or receives a byte of it; the viewer's next load asks the origin again (nothing was stored).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { isShoalError } from '../../src/errors';
import type { FetchLike } from '../../src/http/http-fetcher';
import type { KnownSegment } from '../../src/scheduler/stream-registry';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import { sleepVirtual, waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 300_000;

/** `fetch`, its bodies rewritten by `rewrite` (the headers kept as the origin sent them). */
function lenient(fetch: FetchLike, rewrite: (chunks: Uint8Array[]) => Uint8Array[]): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    const source = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    for (let read = await source.read(); !read.done; read = await source.read()) chunks.push(read.value!);
    const body = rewrite(chunks);
    let next = 0;
    return {
      ...response,
      headers: response.headers,
      body: { getReader: () => ({ read: async () => (next < body.length ? { done: false, value: body[next++]! } : { done: true }), cancel: async () => {} }) },
    };
  };
}

const BODIES: Array<[string, (chunks: Uint8Array[]) => Uint8Array[]]> = [
  ['cut short (half of it)', (chunks) => chunks.slice(0, Math.ceil(chunks.length / 2))],
  ['longer (zero padding)', (chunks) => [...chunks, new Uint8Array(4096)]],
];

for (const [name, rewrite] of BODIES) {
  test(`an origin body ${name}: the load fails with http-length-mismatch; never stored, never served to the peer`, { timeout: 30_000 }, async () => {
    const clock = new VirtualClock();
    const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 2_000_000, sizeOf: () => SEGMENT_BYTES });
    const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
    const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
    const config = { trackerUrls: ['sim://tracker'] };
    const viewer = new ShoalEngine(config, { clock, fetch: lenient(origin.fetch, rewrite), createTrackerClient: hub.createClient });
    const neighbour = new ShoalEngine(config, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
    try {
      const segment: KnownSegment = { renditionId: 'r', segmentId: 3, url: 'sim://origin/vod/3.ts', durationSec: 2, startTimeSec: 6 };
      for (const engine of [viewer, neighbour]) {
        engine.setStreams({ manifestUrl: 'sim://origin/vod/master.m3u8', live: false, renditions: [{ id: 'r', metadata: {}, segments: [segment] }] });
      }
      await waitVirtual(clock, () => neighbour.stats().peerCount === 1);
      // Watched on the virtual clock (every virtual millisecond), not the host's: a host timer can miss the
      // whole download on a busy machine while the virtual clock runs ahead.
      let neighbourSawIt = false;
      let watching = true;
      const watch = (): void => {
        neighbourSawIt ||= neighbour.availability(segment, { includePartial: true }) > 0;
        if (watching) clock.setTimeout(watch, 1);
      };
      watch();
      const failed = await viewer.loadSegment(segment).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(isShoalError(failed), 'the load fails with a ShoalError, as any origin failure');
      assert.equal(failed.code, 'http-length-mismatch');
      assert.equal(failed.source, 'http');
      await sleepVirtual(clock, 500);
      watching = false;
      assert.ok(neighbourSawIt, 'the neighbour was told of the download while it ran');
      assert.equal(neighbour.availability(segment, { includePartial: true }), 0, 'and then that it is lost: never announced as held');
      assert.equal(neighbour.stats().p2pBytes, 0);
      assert.equal(viewer.stats().uploadedBytes, 0);
      // Nothing was stored: the next load asks the origin again (and fails again, the body being as bad).
      await viewer.loadSegment(segment).catch(() => undefined);
      assert.equal(origin.requests.get(segment.url), 2);
    } finally {
      viewer.destroy();
      neighbour.destroy();
      stop();
    }
  });
}
