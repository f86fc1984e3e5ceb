/**
 * The contract every `SegmentStorage` passes (libp2p interface-compliance style): one suite, run from one
 * spec file per implementation. `setup` builds a fresh, empty store per test with the cap and the clock
 * the suite hands it (the suite moves time to tell uses apart); the suite destroys the store afterwards
 * and then calls `teardown`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VirtualClock } from '../src/clock/virtual-clock';
import type { PlaybackContext, SegmentStorage } from '../src/storage/segment-storage';
import type { SegmentKey } from '../src/types';

export interface StorageContractSetupOptions {
  /** The store must hold at most this many bytes. */
  capBytes: number;
  /** The store's clock: `lastUsedAtMs` values come from it. */
  clock: VirtualClock;
}

export interface StorageUnderTest {
  storage: SegmentStorage;
  teardown?: () => Promise<void> | void;
}

export type StorageSetup = (options: StorageContractSetupOptions) => Promise<StorageUnderTest>;

/** A cap no test here reaches unless it means to. */
const ROOMY_CAP_BYTES = 64 * 1024 * 1024;
/** Size of the equal segments the eviction tests use; caps there are whole multiples of it. */
const UNIT_BYTES = 10 * 1024;

const key = (renditionId: string, segmentId: number): SegmentKey => ({ renditionId, segmentId });
const idOf = (k: SegmentKey): string => `${k.renditionId}/${k.segmentId}`;

/** `sizeBytes` bytes of a pattern that differs with `seed`, so mixed-up segments never compare equal. */
function bytesOf(sizeBytes: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  let state = (seed * 2_654_435_761 + 1) >>> 0;
  for (let i = 0; i < sizeBytes; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function heldIds(storage: SegmentStorage): string[] {
  return storage.list().map(idOf).sort();
}

function assertAccounting(storage: SegmentStorage, capBytes: number): void {
  const listedBytes = storage.list().reduce((sum, info) => sum + info.sizeBytes, 0);
  assert.equal(storage.usedBytes, listedBytes, 'usedBytes is the sum of the listed sizes');
  assert.ok(storage.usedBytes <= capBytes, `usedBytes ${storage.usedBytes} <= cap ${capBytes}`);
}

export function runStorageContract(name: string, setup: StorageSetup): void {
  const withStorage = async (
    capBytes: number,
    body: (storage: SegmentStorage, clock: VirtualClock) => Promise<void>,
  ): Promise<void> => {
    const clock = new VirtualClock({ startMs: 1_000 });
    const { storage, teardown } = await setup({ capBytes, clock });
    try {
      await body(storage, clock);
    } finally {
      storage.destroy();
      await teardown?.();
    }
  };

  describe(`SegmentStorage contract: ${name}`, () => {
    test('starts empty', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        assert.equal(storage.usedBytes, 0);
        assert.deepEqual(storage.list(), []);
        assert.equal(storage.has(key('v', 1)), false);
        assert.equal(await storage.get(key('v', 1)), undefined);
      }));

    test('returns stored bytes exactly', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        const sizesBytes = [1, 2, 3, 1023, 16_384, 65_537, 1_000_003];
        for (const [i, sizeBytes] of sizesBytes.entries()) await storage.put(key('v', i), bytesOf(sizeBytes, i));
        for (const [i, sizeBytes] of sizesBytes.entries()) {
          const bytes = await storage.get(key('v', i));
          assert.ok(bytes instanceof Uint8Array, `segment ${i} held`);
          assert.deepEqual(bytes, bytesOf(sizeBytes, i));
        }
      }));

    test('resolves undefined for absent segments', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        await storage.put(key('v', 5), bytesOf(100, 5));
        for (const absent of [key('v', 6), key('a', 5), key('', 5), key('v/5', 0)]) {
          assert.equal(storage.has(absent), false, idOf(absent));
          assert.equal(await storage.get(absent), undefined, idOf(absent));
        }
      }));

    test('has and delete', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        await storage.put(key('v', 1), bytesOf(100, 1));
        await storage.put(key('v', 2), bytesOf(200, 2));
        assert.equal(storage.has(key('v', 1)), true);
        await storage.delete(key('v', 1));
        assert.equal(storage.has(key('v', 1)), false);
        assert.equal(await storage.get(key('v', 1)), undefined);
        await storage.delete(key('v', 1)); // twice, and absent: no-ops
        await storage.delete(key('x', 9));
        assert.deepEqual(heldIds(storage), ['v/2']);
        assert.equal(storage.usedBytes, 200);
      }));

    test('lists keys, sizes and the time of last use', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage, clock) => {
        await storage.put(key('v', 1), bytesOf(100, 1));
        clock.advance(1_000);
        await storage.put(key('a', 1), bytesOf(300, 2));
        clock.advance(1_000);
        await storage.get(key('v', 1));
        const byId = new Map(storage.list().map((info) => [idOf(info), info]));
        assert.equal(byId.size, 2);
        assert.deepEqual(byId.get('v/1'), { renditionId: 'v', segmentId: 1, sizeBytes: 100, lastUsedAtMs: 3_000 });
        assert.deepEqual(byId.get('a/1'), { renditionId: 'a', segmentId: 1, sizeBytes: 300, lastUsedAtMs: 2_000 });
      }));

    test('accounts usedBytes over put, overwrite and delete', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        await storage.put(key('v', 1), bytesOf(1_000, 1));
        await storage.put(key('v', 2), bytesOf(500, 2));
        assert.equal(storage.usedBytes, 1_500);
        await storage.put(key('v', 1), bytesOf(250, 3)); // overwrite, smaller
        assert.equal(storage.usedBytes, 750);
        assert.deepEqual(await storage.get(key('v', 1)), bytesOf(250, 3));
        await storage.put(key('v', 2), bytesOf(4_000, 4)); // overwrite, larger
        assert.equal(storage.usedBytes, 4_250);
        assert.equal(storage.list().length, 2);
        await storage.delete(key('v', 2));
        assert.equal(storage.usedBytes, 250);
        await storage.delete(key('v', 1));
        assert.equal(storage.usedBytes, 0);
        assertAccounting(storage, ROOMY_CAP_BYTES);
      }));

    test('keeps renditions apart', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        const renditionIds = ['v', 'a', 'v/1', 'video 1080p', 'ÿ-audio-en', 'constructor'];
        for (const [r, renditionId] of renditionIds.entries()) {
          for (let segmentId = 0; segmentId < 4; segmentId++) {
            await storage.put(key(renditionId, segmentId), bytesOf(100 + r, r * 10 + segmentId));
          }
        }
        assert.equal(storage.list().length, renditionIds.length * 4);
        for (const [r, renditionId] of renditionIds.entries()) {
          for (let segmentId = 0; segmentId < 4; segmentId++) {
            assert.deepEqual(await storage.get(key(renditionId, segmentId)), bytesOf(100 + r, r * 10 + segmentId));
          }
        }
        await storage.delete(key('v', 1));
        assert.equal(storage.has(key('v/1', 1)), true);
        assertAccounting(storage, ROOMY_CAP_BYTES);
      }));

    test('stays under the cap after every put, and holds the segment just stored', () => {
      const capBytes = 64 * 1024;
      return withStorage(capBytes, async (storage, clock) => {
        for (let i = 0; i < 300; i++) {
          const stored = key(['lo', 'mid', 'hi'][i % 3] as string, Math.floor(i / 3));
          const sizeBytes = 1 + ((i * 7_919) % (16 * 1024));
          await storage.put(stored, bytesOf(sizeBytes, i));
          assertAccounting(storage, capBytes);
          assert.equal(storage.has(stored), true, `${idOf(stored)} held right after its put`);
          if (i % 5 === 0) await storage.get(key('lo', Math.floor(i / 6)));
          clock.advance(100);
        }
      });
    });

    test('without a playback context, evicts the least recently used first', () =>
      withStorage(4 * UNIT_BYTES, async (storage, clock) => {
        for (let segmentId = 1; segmentId <= 4; segmentId++) {
          await storage.put(key('v', segmentId), bytesOf(UNIT_BYTES, segmentId));
          clock.advance(1_000);
        }
        await storage.get(key('v', 1)); // 2 is now the least recently used
        clock.advance(1_000);
        await storage.put(key('v', 5), bytesOf(UNIT_BYTES, 5));
        assert.deepEqual(heldIds(storage), ['v/1', 'v/3', 'v/4', 'v/5']);
        await storage.put(key('a', 1), bytesOf(2 * UNIT_BYTES, 6));
        assert.deepEqual(heldIds(storage), ['a/1', 'v/1', 'v/5']);
        assertAccounting(storage, 4 * UNIT_BYTES);
      }));

    test('does not hold a segment larger than the cap, nor evict anything for it', () =>
      withStorage(4 * UNIT_BYTES, async (storage) => {
        await storage.put(key('v', 1), bytesOf(UNIT_BYTES, 1));
        await storage.put(key('v', 2), bytesOf(UNIT_BYTES, 2));
        await storage.put(key('v', 3), bytesOf(4 * UNIT_BYTES + 1, 3));
        assert.equal(storage.has(key('v', 3)), false);
        assert.deepEqual(heldIds(storage), ['v/1', 'v/2']);
        await storage.put(key('v', 2), bytesOf(5 * UNIT_BYTES, 4)); // an oversized replacement drops the old copy
        assert.equal(storage.has(key('v', 2)), false);
        assertAccounting(storage, 4 * UNIT_BYTES);
      }));

    test('evicts behind the playhead before ahead of it, then the farthest ahead first', (t) =>
      withStorage(10 * UNIT_BYTES, async (storage, clock) => {
        if (!storage.setPlaybackContext) return void t.skip('no setPlaybackContext');
        const vod: PlaybackContext = { live: false, playheadSegmentIds: { v: 5 }, secondsPerSegmentId: 4 };
        storage.setPlaybackContext(vod);
        // Ahead segments stored first, so they are the least recently used: position must beat recency.
        for (let segmentId = 9; segmentId >= 0; segmentId--) {
          await storage.put(key('v', segmentId), bytesOf(UNIT_BYTES, segmentId));
          clock.advance(1_000);
        }
        for (let segmentId = 10; segmentId <= 14; segmentId++) {
          await storage.put(key('v', segmentId), bytesOf(UNIT_BYTES, segmentId));
          assertAccounting(storage, 10 * UNIT_BYTES);
          const behindHeld = storage.list().filter((info) => info.segmentId < 5).length;
          assert.equal(behindHeld, 14 - segmentId, `after ${segmentId}: one behind segment evicted per put`);
        }
        assert.deepEqual(heldIds(storage), ['v/10', 'v/11', 'v/12', 'v/13', 'v/14', 'v/5', 'v/6', 'v/7', 'v/8', 'v/9']);
        await storage.put(key('v', 15), bytesOf(UNIT_BYTES, 15)); // only ahead left: 14 is the farthest
        assert.equal(storage.has(key('v', 14)), false);
        assert.equal(storage.has(key('v', 15)), true);
        assert.equal(storage.has(key('v', 5)), true, 'the segment playing goes last');
      }));

    test('live: drops segments far behind the playhead even under the cap, keeps those near it', (t) =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        if (!storage.setPlaybackContext) return void t.skip('no setPlaybackContext');
        for (const segmentId of [10, 40, 99, 100, 101]) await storage.put(key('v', segmentId), bytesOf(100, segmentId));
        await storage.put(key('a', 40), bytesOf(100, 1));
        // 2 s segments, playhead at 100: 10 and 40 are minutes behind, 99 is 2 s behind.
        storage.setPlaybackContext({ live: true, playheadSegmentIds: { v: 100 }, defaultPlayheadSegmentId: 100, secondsPerSegmentId: 2 });
        await storage.put(key('v', 102), bytesOf(100, 102));
        assert.deepEqual(heldIds(storage), ['v/100', 'v/101', 'v/102', 'v/99']);
        assertAccounting(storage, ROOMY_CAP_BYTES);
      }));

    test('destroy empties the store, can be called twice, and nothing is held after it', () =>
      withStorage(ROOMY_CAP_BYTES, async (storage) => {
        await storage.put(key('v', 1), bytesOf(100, 1));
        storage.destroy();
        storage.destroy();
        assert.equal(storage.usedBytes, 0);
        assert.deepEqual(storage.list(), []);
        assert.equal(storage.has(key('v', 1)), false);
        await storage.put(key('v', 2), bytesOf(100, 2)).catch(() => undefined);
        assert.equal(storage.has(key('v', 2)), false);
        assert.equal(storage.usedBytes, 0);
      }));
  });
}
