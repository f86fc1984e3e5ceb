/** The simulator's segment-bytes pool: one copy for equal bytes under a key, never another segment's bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { MemoryStorage } from '../../src/storage/memory-storage';
import { SegmentBytesPool } from '../../sim/segment-bytes-pool';

const key = { renditionId: 'r0', segmentId: 7 };

test('stores of equal bytes under one key keep one copy; different bytes and other keys keep their own', async () => {
  const pool = new SegmentBytesPool();
  const stores = [0, 1, 2].map(() => new MemoryStorage({ capBytes: 1_000_000, clock: new VirtualClock(), shareBytes: pool.share }));
  const first = Uint8Array.from([1, 2, 3, 4]);
  await stores[0]!.put(key, first);
  await stores[1]!.put(key, Uint8Array.from([1, 2, 3, 4]));
  assert.equal(await stores[1]!.get(key), first);
  const lie = Uint8Array.from([1, 2, 3, 5]);
  await stores[2]!.put(key, lie);
  assert.equal(await stores[2]!.get(key), lie);
  const other = Uint8Array.from([1, 2, 3, 4]);
  await stores[2]!.put({ ...key, segmentId: 8 }, other);
  assert.equal(await stores[2]!.get({ ...key, segmentId: 8 }), other);
  assert.equal(pool.sharedCount, 1);
});

test('a store keeps its own bytes when the hook answers with another length', async () => {
  const store = new MemoryStorage({ capBytes: 1_000, clock: new VirtualClock(), shareBytes: () => new Uint8Array(1) });
  const bytes = Uint8Array.from([9, 9, 9]);
  await store.put(key, bytes);
  assert.equal(await store.get(key), bytes);
});
