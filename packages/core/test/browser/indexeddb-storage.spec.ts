/// <reference types="mocha" />
/**
 * IndexedDbSegmentStorage in Chromium (karma): the shared storage contract, then what only a persistent
 * store promises: records outlive the instance (a page reload opens them again), streams (namespaces)
 * stay apart under one byte cap, and a real IndexedDB failure (quota, IndexedDB missing) is a typed error
 * that the engine turns into memory storage and a `storage:warning`.
 */
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { isShoalError } from '../../src/errors';
import { IndexedDbSegmentStorage, type IndexedDbSegmentStorageOptions } from '../../src/storage/indexeddb-storage';
import type { SegmentKey } from '../../src/types';
import { runStorageContract } from '../storage-contract';

/** The page's globals this spec touches (the root tsconfig checks it without the DOM lib). */
const page = globalThis as unknown as {
  location: { origin: string };
  IDBObjectStore: { prototype: { put: (...args: unknown[]) => unknown } };
  DOMException: new (message: string, name: string) => Error;
};

let dbCount = 0;
/** A database of its own per test, so tests never see each other's records. */
const freshDbName = (): string => `shoal-spec-${Date.now()}-${dbCount++}`;
const openStore = (options: Partial<IndexedDbSegmentStorageOptions> & { dbName: string }) =>
  IndexedDbSegmentStorage.open({ capBytes: 1_000_000, clock: new VirtualClock(), namespace: 'film-a', ...options });
const key = (segmentId: number, renditionId = 'v'): SegmentKey => ({ renditionId, segmentId });
const bytesOf = (sizeBytes: number, fill: number): Uint8Array => new Uint8Array(sizeBytes).fill(fill);

runStorageContract('IndexedDbSegmentStorage', async ({ capBytes, clock }) => {
  const storage = await IndexedDbSegmentStorage.open({ capBytes, clock, namespace: 'contract', dbName: freshDbName() });
  return { storage, teardown: () => storage.clear() };
});

describe('IndexedDbSegmentStorage across instances (a page reload)', () => {
  it('a new instance on the same database holds and serves what the last one stored', async () => {
    const dbName = freshDbName();
    const first = await openStore({ dbName });
    await first.put(key(1), bytesOf(1_000, 1));
    await first.put(key(2), bytesOf(2_000, 2));
    const view = bytesOf(3_000, 3).subarray(1_000, 1_500); // a view: only its 500 bytes are stored
    await first.put(key(3), view);
    first.destroy();
    assert.equal(first.has(key(1)), false, 'destroy forgets the index');

    const second = await openStore({ dbName });
    assert.deepEqual(second.list().map((info) => info.segmentId).sort(), [1, 2, 3]);
    assert.equal(second.usedBytes, 3_500);
    assert.deepEqual(await second.get(key(2)), bytesOf(2_000, 2));
    assert.deepEqual(await second.get(key(3)), bytesOf(500, 3));
    await second.delete(key(1));
    second.destroy();

    const third = await openStore({ dbName });
    assert.deepEqual(third.list().map((info) => info.segmentId).sort(), [2, 3]);
    await third.clear();
    const fourth = await openStore({ dbName });
    assert.deepEqual(fourth.list(), []);
  });

  it('keeps streams apart, and evicts other streams first under the shared cap', async () => {
    const dbName = freshDbName();
    const filmA = await openStore({ dbName, namespace: 'film-a', capBytes: 4_000 });
    await filmA.put(key(1), bytesOf(1_500, 1));
    await filmA.put(key(2), bytesOf(1_500, 2));
    filmA.destroy();

    const evicted: SegmentKey[] = [];
    const filmB = await openStore({ dbName, namespace: 'film-b', capBytes: 4_000, onEvict: (k) => evicted.push(k) });
    assert.deepEqual(filmB.list(), [], "film A's segments are not film B's (same rendition ids)");
    assert.equal(await filmB.get(key(1)), undefined);
    await filmB.put(key(1), bytesOf(1_500, 9)); // 4,500 bytes in all: film A's oldest goes
    await filmB.put(key(2), bytesOf(1_500, 8)); // and then its other one
    assert.deepEqual(evicted, [], "other streams' evictions are not this stream's losses");
    filmB.destroy();

    const filmAAgain = await openStore({ dbName, namespace: 'film-a', capBytes: 4_000 });
    assert.deepEqual(filmAAgain.list(), []);
    filmAAgain.destroy();
    const filmBAgain = await openStore({ dbName, namespace: 'film-b', capBytes: 4_000 });
    assert.deepEqual(await filmBAgain.get(key(1)), bytesOf(1_500, 9));
    await filmBAgain.clear();
  });

  it('a segment another tab evicted reads as absent and is reported lost', async () => {
    const dbName = freshDbName();
    const lost: SegmentKey[] = [];
    const tabA = await openStore({ dbName, onEvict: (k) => lost.push(k) });
    const tabB = await openStore({ dbName });
    await tabA.put(key(1), bytesOf(100, 1));
    tabA.destroy();
    const tabAAgain = await openStore({ dbName, onEvict: (k) => lost.push(k) });
    const tabBAgain = await openStore({ dbName });
    await tabBAgain.delete(key(1));
    assert.equal(await tabAAgain.get(key(1)), undefined);
    assert.deepEqual(lost, [key(1)]);
    assert.equal(tabAAgain.has(key(1)), false);
    tabB.destroy();
    await tabAAgain.clear();
  });
});

describe('IndexedDB failures', () => {
  it('a quota error on write rejects with storage-quota and holds nothing', async () => {
    const storage = await openStore({ dbName: freshDbName() });
    const originalPut = page.IDBObjectStore.prototype.put;
    page.IDBObjectStore.prototype.put = function () {
      throw new page.DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      await assert.rejects(storage.put(key(1), bytesOf(100, 1)), (error: unknown) => isShoalError(error) && error.code === 'storage-quota');
    } finally {
      page.IDBObjectStore.prototype.put = originalPut;
    }
    assert.equal(storage.has(key(1)), false);
    assert.equal(storage.usedBytes, 0);
    await storage.clear();
  });

  it('IndexedDB missing: open rejects with storage-unavailable', async () => {
    await withoutIndexedDb(async () => {
      await assert.rejects(openStore({ dbName: freshDbName() }), (error: unknown) => isShoalError(error) && error.code === 'storage-unavailable');
    });
  });

  it('the engine falls back to memory with a storage:warning, and the load still succeeds', async () => {
    await withoutIndexedDb(async () => {
      const engine = new ShoalEngine({ persistentCache: true, p2pEnabled: false });
      const warnings: string[] = [];
      engine.on('storage:warning', ({ error }) => warnings.push(error.code));
      try {
        engine.setStreams({ manifestUrl: `${page.location.origin}/base/demo/media/hls-ts/master.m3u8`, live: false });
        const url = `${page.location.origin}/base/demo/media/hls-ts/master.m3u8`; // any file karma serves
        const first = await engine.loadSegment({ renditionId: 'v', segmentId: 0, url });
        const second = await engine.loadSegment({ renditionId: 'v', segmentId: 0, url });
        assert.deepEqual([first.source, second.source], ['http', 'cache']);
        assert.deepEqual(warnings, ['storage-unavailable']);
      } finally {
        engine.destroy();
      }
    });
  });
});

/** Runs `body` with `indexedDB` gone from the page, as where a browser refuses it. */
async function withoutIndexedDb(body: () => Promise<void>): Promise<void> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
  Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true });
  try {
    await body();
  } finally {
    if (descriptor) Object.defineProperty(globalThis, 'indexedDB', descriptor);
  }
}
