/**
 * A store that fails never hangs a load: with a store whose `put` rejects (a full IndexedDB), segments
 * loaded over HTTP and from peers both resolve with their bytes, the failure is a `storage:warning`, no
 * promise rejects unhandled, and peers are not told the segment is held.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../src/clock/virtual-clock';
import { ShoalEngine } from '../src/engine';
import type { ShoalError } from '../src/errors';
import { MemoryTrackerHub } from '../sim/memory-tracker';
import { SimOrigin } from '../sim/sim-origin';
import { sleepVirtual, waitVirtual } from './sim/virtual-wait';
import { RejectingStorage } from './storage/rejecting-storage';

function world() {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 5_000_000, sizeOf: () => 500_000, isAvailable: () => true });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 5_000_000 } });
  const engines: ShoalEngine[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engine = (options: { rejectingStore: boolean; failing?: 'put' | 'get' }): { engine: ShoalEngine; warnings: ShoalError[]; store?: RejectingStorage } => {
    const store = options.rejectingStore ? new RejectingStorage({ clock, ...(options.failing ? { failing: options.failing } : {}) }) : undefined;
    const created = new ShoalEngine(
      { trackerUrls: ['sim://tracker'] },
      { clock, fetch: origin.fetch, createTrackerClient: hub.createClient, ...(store ? { storage: store } : {}) },
    );
    created.setStreams({ manifestUrl: 'sim://origin/master.m3u8' });
    const warnings: ShoalError[] = [];
    created.on('storage:warning', ({ error }) => void warnings.push(error));
    engines.push(created);
    return { engine: created, warnings, ...(store ? { store } : {}) };
  };
  const close = async (): Promise<void> => {
    for (const e of engines) e.destroy();
    stop();
    // Let any stray rejection surface before the listener goes.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
  };
  return { clock, origin, engine, unhandled, close };
}

test('a store whose put rejects: an HTTP-loaded segment still resolves with its bytes, with a storage:warning', { timeout: 20_000 }, async () => {
  const { origin, engine, unhandled, close } = world();
  try {
    const { engine: viewer, warnings, store } = engine({ rejectingStore: true });
    const segment = { renditionId: 'r', segmentId: 1, url: 'sim://origin/1.ts' };
    const result = await viewer.loadSegment(segment);
    assert.equal(result.source, 'http');
    assert.deepEqual(result.bytes, origin.bytesOf(segment.url));
    assert.equal(store?.rejectedPuts, 1);
    assert.deepEqual(warnings.map((w) => w.code), ['storage-quota']);
  } finally {
    await close();
  }
  assert.deepEqual(unhandled, []);
});

test('a store whose put rejects: a P2P-loaded segment still resolves with its bytes, and peers do not hear it is held', { timeout: 20_000 }, async () => {
  const { clock, origin, engine, unhandled, close } = world();
  try {
    const { engine: holder } = engine({ rejectingStore: false });
    const { engine: viewer, warnings, store } = engine({ rejectingStore: true });
    const segment = { renditionId: 'r', segmentId: 2, url: 'sim://origin/2.ts' };
    await holder.loadSegment(segment);
    await waitVirtual(clock, () => viewer.availability(segment) > 0);
    const result = await viewer.loadSegment(segment);
    assert.equal(result.source, 'p2p');
    assert.equal(result.p2pBytes, 500_000);
    assert.deepEqual(result.bytes, origin.bytesOf(segment.url));
    assert.equal(store?.rejectedPuts, 1);
    assert.deepEqual(warnings.map((w) => w.code), ['storage-quota']);
    // The viewer announced the download as partial; once the store refused it, it said `lost`.
    await sleepVirtual(clock, 1_000);
    assert.equal(holder.availability(segment, { includePartial: true }), 0, 'the holder sees nobody else holding it');
  } finally {
    await close();
  }
  assert.deepEqual(unhandled, []);
});

test('a store whose reads reject: loads are misses fetched again, and a holder that cannot read serves absent, not a failure', { timeout: 20_000 }, async () => {
  const { clock, origin, engine, unhandled, close } = world();
  try {
    const { engine: holder, warnings: holderWarnings, store: holderStore } = engine({ rejectingStore: true, failing: 'get' });
    const { engine: viewer } = engine({ rejectingStore: false });
    const segment = { renditionId: 'r', segmentId: 3, url: 'sim://origin/3.ts' };
    const first = await holder.loadSegment(segment);
    assert.deepEqual(first.bytes, origin.bytesOf(segment.url));
    // Stored, so asked again it is a cache read, which fails: fetched again, with a warning.
    const again = await holder.loadSegment(segment);
    assert.notEqual(again.source, 'cache');
    assert.deepEqual(again.bytes, origin.bytesOf(segment.url));
    assert.ok(holderWarnings.some((w) => w.code === 'storage-failed'));
    // The holder announced it; its read fails when the viewer asks, so the viewer completes it elsewhere.
    await waitVirtual(clock, () => viewer.availability(segment) > 0);
    const result = await viewer.loadSegment(segment);
    assert.deepEqual(result.bytes, origin.bytesOf(segment.url));
    assert.ok((holderStore?.rejectedGets ?? 0) >= 2);
  } finally {
    await close();
  }
  assert.deepEqual(unhandled, []);
});
