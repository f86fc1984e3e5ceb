/**
 * FallbackStorage: memory until a persistent store opens, then that store; memory again, with one
 * warning and no rejected call, when the persistent store cannot be opened or fails (quota, reads).
 * Also passes the storage contract in both states.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalError } from '../../src/errors';
import { FallbackStorage } from '../../src/storage/fallback-storage';
import { MemoryStorage } from '../../src/storage/memory-storage';
import type { SegmentStorage } from '../../src/storage/segment-storage';
import type { SegmentKey } from '../../src/types';
import { runStorageContract } from '../storage-contract';
import { persistentDisk } from './persistent-disk';

/** What an engine would pass the opener; `persistentDisk` ignores it. */
const OPEN_OPTIONS = { namespace: 'film', capBytes: 1_000, clock: new VirtualClock(), onEvict: () => undefined };

function fallback(capBytes: number, clock: VirtualClock, events: { warnings: ShoalError[]; lost: SegmentKey[]; restored: number[] } = { warnings: [], lost: [], restored: [] }): FallbackStorage {
  return new FallbackStorage({
    memory: new MemoryStorage({ capBytes, clock }),
    onWarning: (error) => events.warnings.push(error),
    onRestored: (segments) => events.restored.push(segments.length),
    onLost: (key) => events.lost.push(key),
  });
}

runStorageContract('FallbackStorage in memory', async ({ capBytes, clock }) => ({ storage: fallback(capBytes, clock) }));

runStorageContract('FallbackStorage over a persistent store', async ({ capBytes, clock }) => {
  const storage = fallback(capBytes, clock);
  storage.adopt(() => persistentDisk({ capBytes, clock }).open(OPEN_OPTIONS));
  await storage.ready();
  assert.ok(storage.isPersistent);
  return { storage };
});

describe('FallbackStorage', () => {
  const key = { renditionId: 'v', segmentId: 1 };
  const bytes = new Uint8Array([1, 2, 3]);

  test('a store that cannot be opened: one warning, memory from then on', async () => {
    const events = { warnings: [] as ShoalError[], lost: [] as SegmentKey[], restored: [] as number[] };
    const storage = fallback(1_000, new VirtualClock(), events);
    storage.adopt(() => Promise.reject(new ShoalError('storage-unavailable', 'no IndexedDB here', { source: 'storage' })));
    await storage.put(key, bytes); // waits for the failed open, then goes to memory
    assert.deepEqual(await storage.get(key), bytes);
    assert.equal(storage.isPersistent, false);
    assert.deepEqual(events.warnings.map((e) => e.code), ['storage-unavailable']);
    storage.adopt(() => Promise.reject(new Error('not tried twice')));
    await storage.ready();
    assert.equal(events.warnings.length, 1);
  });

  test('an opener that throws synchronously is a warning too', async () => {
    const events = { warnings: [] as ShoalError[], lost: [] as SegmentKey[], restored: [] as number[] };
    const storage = fallback(1_000, new VirtualClock(), events);
    storage.adopt(() => {
      throw new ReferenceError('indexedDB is not defined');
    });
    await storage.ready();
    assert.equal(events.warnings[0]?.code, 'storage-failed');
    assert.equal(events.warnings[0]?.source, 'storage');
  });

  test('a quota failure on put: the segment is kept in memory, the persistent ones are announced lost', async () => {
    const events = { warnings: [] as ShoalError[], lost: [] as SegmentKey[], restored: [] as number[] };
    const clock = new VirtualClock();
    const disk = persistentDisk({ capBytes: 1_000, clock });
    await disk.disk.put({ renditionId: 'v', segmentId: 0 }, bytes); // from an earlier page
    const storage = fallback(1_000, clock, events);
    storage.adopt(() => disk.open(OPEN_OPTIONS));
    await storage.ready();
    assert.deepEqual(events.restored, [1]);
    disk.failWith(new ShoalError('storage-quota', 'QuotaExceededError', { source: 'storage' }));
    await storage.put(key, bytes);
    assert.equal(storage.isPersistent, false);
    assert.deepEqual(await storage.get(key), bytes);
    assert.deepEqual(events.warnings.map((e) => e.code), ['storage-quota']);
    assert.deepEqual(events.lost, [{ renditionId: 'v', segmentId: 0 }]);
    assert.equal(storage.has({ renditionId: 'v', segmentId: 0 }), false);
  });

  test('a failed read resolves undefined and falls back', async () => {
    const events = { warnings: [] as ShoalError[], lost: [] as SegmentKey[], restored: [] as number[] };
    const clock = new VirtualClock();
    const disk = persistentDisk({ capBytes: 1_000, clock });
    const storage = fallback(1_000, clock, events);
    storage.adopt(() => disk.open(OPEN_OPTIONS));
    await storage.put(key, bytes);
    disk.failWith(new Error('read failed'));
    assert.equal(await storage.get(key), undefined);
    assert.equal(events.warnings.length, 1);
    await storage.delete(key); // memory now: nothing to delete, no rejection
  });

  test('segments stored before the store opened move into it', async () => {
    const clock = new VirtualClock();
    const disk = persistentDisk({ capBytes: 1_000, clock });
    const storage = fallback(1_000, clock);
    await storage.put(key, bytes);
    storage.adopt(() => disk.open(OPEN_OPTIONS));
    await storage.ready();
    assert.ok(storage.isPersistent);
    assert.equal(disk.disk.has(key), true);
    assert.deepEqual(await storage.get(key), bytes);
  });

  test('destroyed while opening: the opened store is closed, nothing adopted', async () => {
    const clock = new VirtualClock();
    let closed = false;
    const store: SegmentStorage = new MemoryStorage({ capBytes: 1_000, clock });
    const destroy = store.destroy.bind(store);
    store.destroy = () => {
      closed = true;
      destroy();
    };
    const storage = fallback(1_000, clock);
    storage.adopt(async () => store);
    storage.destroy();
    await storage.ready();
    assert.ok(closed);
    assert.equal(storage.isPersistent, false);
    storage.destroy();
  });
});
