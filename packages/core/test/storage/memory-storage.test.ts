import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { isShoalError } from '../../src/errors';
import { chooseEvictions, type EvictionInput } from '../../src/storage/eviction';
import { MemoryStorage } from '../../src/storage/memory-storage';
import type { PlaybackContext, StoredSegmentInfo } from '../../src/storage/segment-storage';
import type { SegmentKey } from '../../src/types';
import { runStorageContract } from '../storage-contract';

runStorageContract('MemoryStorage', async ({ capBytes, clock }) => ({ storage: new MemoryStorage({ capBytes, clock }) }));

const seg = (renditionId: string, segmentId: number, sizeBytes = 10, lastUsedAtMs = 0): StoredSegmentInfo => ({
  renditionId,
  segmentId,
  sizeBytes,
  lastUsedAtMs,
});
const idOf = (k: SegmentKey): string => `${k.renditionId}/${k.segmentId}`;
/** 2 s segments numbered by sequence, playhead at 100 in every rendition. */
const live: PlaybackContext = { live: true, playheadSegmentIds: {}, defaultPlayheadSegmentId: 100, secondsPerSegmentId: 2 };
const vod: PlaybackContext = { ...live, live: false };

describe('chooseEvictions', () => {
  const cases: Array<{ name: string; input: EvictionInput; evicted: string[] }> = [
    { name: 'nothing under the cap without a context', input: { stored: [seg('v', 1), seg('v', 2)], capBytes: 20 }, evicted: [] },
    {
      name: 'least recently used over the cap without a context, only as many as needed',
      input: { stored: [seg('v', 1, 10, 30), seg('v', 2, 10, 10), seg('v', 3, 10, 20)], capBytes: 25, incoming: seg('v', 4) },
      evicted: ['v/2', 'v/3'],
    },
    {
      name: 'never the incoming segment; its old copy is not counted',
      input: { stored: [seg('v', 1, 10, 0), seg('v', 2, 10, 5)], capBytes: 20, incoming: seg('v', 1, 15) },
      evicted: ['v/2'],
    },
    {
      name: 'an incoming segment larger than the cap evicts nothing for itself',
      input: { stored: [seg('v', 1), seg('v', 2)], capBytes: 20, incoming: seg('v', 3, 21) },
      evicted: [],
    },
    {
      name: 'VOD: behind the playhead by least recent use, before any ahead (even older ones)',
      input: { stored: [seg('v', 120, 10, 0), seg('v', 98, 10, 50), seg('v', 50, 10, 60), seg('v', 99, 10, 40)], capBytes: 30, incoming: seg('v', 101), playback: vod },
      evicted: ['v/99', 'v/98'],
    },
    {
      name: 'VOD: then the farthest ahead first, the segment playing last',
      input: { stored: [seg('v', 100, 10, 0), seg('v', 101, 10, 0), seg('v', 130, 10, 9), seg('v', 99, 10, 9)], capBytes: 20, incoming: seg('v', 102), playback: vod },
      evicted: ['v/99', 'v/130', 'v/101'],
    },
    {
      name: 'VOD: nothing far behind goes while under the cap',
      input: { stored: [seg('v', 1), seg('v', 100)], capBytes: 100, playback: vod },
      evicted: [],
    },
    {
      name: 'live: behind the 30 s window goes even under the cap, farthest behind first',
      input: { stored: [seg('v', 84), seg('v', 20), seg('a', 50), seg('v', 85), seg('v', 100), seg('v', 103)], capBytes: 1_000, playback: live },
      evicted: ['v/20', 'a/50', 'v/84'],
    },
    {
      name: 'live: the window edge is kept (exactly 30 s behind)',
      input: { stored: [seg('v', 85), seg('v', 84, 10, 99)], capBytes: 1_000, playback: live, incoming: seg('v', 101) },
      evicted: ['v/84'],
    },
    {
      name: 'live over the cap: stale, then unplaced by recency, then behind farthest first, then ahead farthest first',
      input: {
        stored: [seg('v', 103), seg('v', 99), seg('v', 95), seg('x', 7, 10, 9), seg('x', 8, 10, 3), seg('v', 50), seg('v', 101), seg('v', 100)],
        capBytes: 20,
        incoming: seg('v', 102),
        playback: { live: true, playheadSegmentIds: { v: 100 }, secondsPerSegmentId: 2 },
      },
      evicted: ['v/50', 'x/8', 'x/7', 'v/95', 'v/99', 'v/103', 'v/101'],
    },
    {
      name: 'per-rendition playheads win over the default',
      input: { stored: [seg('a', 10), seg('v', 10)], capBytes: 1_000, playback: { ...live, playheadSegmentIds: { a: 11 } } },
      evicted: ['v/10'],
    },
    {
      name: 'ids in milliseconds: 0.001 s per id',
      input: {
        stored: [seg('v', 69_998), seg('v', 70_000), seg('v', 100_000)],
        capBytes: 1_000,
        playback: { live: true, playheadSegmentIds: { v: 100_000 }, secondsPerSegmentId: 0.001 },
      },
      evicted: ['v/69998'],
    },
    {
      name: 'a liveKeepBehindSec of 0 drops everything behind the playhead',
      input: { stored: [seg('v', 99), seg('v', 100), seg('v', 101)], capBytes: 1_000, playback: live, liveKeepBehindSec: 0 },
      evicted: ['v/99'],
    },
    {
      name: 'an inherited property name is no playhead',
      input: { stored: [seg('constructor', 1, 10, 5), seg('v', 100, 10, 0)], capBytes: 10, playback: { live: true, playheadSegmentIds: { v: 100 }, secondsPerSegmentId: 2 } },
      evicted: ['constructor/1'],
    },
  ];
  for (const { name, input, evicted } of cases) {
    test(name, () => assert.deepEqual(chooseEvictions(input).map(idOf), evicted));
  }
});

describe('MemoryStorage', () => {
  test('reports each eviction through onEvict, not deletes', async () => {
    const clock = new VirtualClock();
    const evicted: string[] = [];
    const storage = new MemoryStorage({ capBytes: 30, clock, onEvict: (key) => evicted.push(idOf(key)) });
    for (let segmentId = 1; segmentId <= 3; segmentId++) {
      await storage.put({ renditionId: 'v', segmentId }, new Uint8Array(10));
      clock.advance(10);
    }
    await storage.delete({ renditionId: 'v', segmentId: 3 });
    await storage.put({ renditionId: 'v', segmentId: 4 }, new Uint8Array(20));
    assert.deepEqual(evicted, ['v/1']);
    assert.deepEqual(storage.list().map(idOf).sort(), ['v/2', 'v/4']);
  });

  test('a playback update evicts stale live segments at once', async () => {
    const evicted: string[] = [];
    const storage = new MemoryStorage({ capBytes: 1_000, clock: new VirtualClock(), onEvict: (key) => evicted.push(idOf(key)) });
    for (const segmentId of [1, 2, 90]) await storage.put({ renditionId: 'v', segmentId }, new Uint8Array(10));
    storage.setPlaybackContext(live);
    assert.deepEqual(evicted, ['v/1', 'v/2']);
    assert.equal(storage.usedBytes, 10);
    storage.setPlaybackContext(undefined);
    storage.destroy();
    storage.setPlaybackContext(live); // no-op after destroy
  });

  test('an unchanged playback context still evicts what was stored since it was given', async () => {
    const evicted: string[] = [];
    const storage = new MemoryStorage({ capBytes: 1_000, clock: new VirtualClock(), onEvict: (key) => evicted.push(idOf(key)) });
    storage.setPlaybackContext(live);
    // A stale segment stored under the context (put never evicts what it stores): the next report evicts it.
    await storage.put({ renditionId: 'v', segmentId: 3 }, new Uint8Array(10));
    assert.deepEqual(evicted, []);
    storage.setPlaybackContext({ ...live, playheadSegmentIds: { ...live.playheadSegmentIds } });
    assert.deepEqual(evicted, ['v/3']);
    storage.setPlaybackContext({ ...live, defaultPlayheadSegmentId: 200 });
    await storage.put({ renditionId: 'v', segmentId: 150 }, new Uint8Array(10));
    storage.setPlaybackContext({ ...live, defaultPlayheadSegmentId: 200 });
    assert.deepEqual(evicted, ['v/3', 'v/150']);
  });

  test('the keep-behind window is configurable', async () => {
    const storage = new MemoryStorage({ capBytes: 1_000, clock: new VirtualClock(), liveKeepBehindSec: 4, playbackContext: live });
    for (const segmentId of [97, 98, 99, 100]) await storage.put({ renditionId: 'v', segmentId }, new Uint8Array(10));
    await storage.put({ renditionId: 'v', segmentId: 101 }, new Uint8Array(10));
    assert.deepEqual(storage.list().map((info) => info.segmentId).sort((a, b) => a - b), [98, 99, 100, 101]);
  });

  test('rejects a cap or window that is not a positive number', () => {
    const clock = new VirtualClock();
    for (const options of [{ capBytes: 0 }, { capBytes: Number.NaN }, { capBytes: 10, liveKeepBehindSec: -1 }]) {
      assert.throws(() => new MemoryStorage({ clock, ...options }), (e) => isShoalError(e) && e.code === 'config-invalid');
    }
  });
});

describe('MemoryStorage over a simulated hour of live', () => {
  const SEGMENT_SEC = 2;
  const HOUR_SEC = 3_600;
  const CAP_BYTES = 32 * 1024 * 1024;
  /** The player plays this many segments behind the newest one it has loaded (HLS: 3 target durations). */
  const BUFFER_AHEAD_SEGMENTS = 3;
  const KEEP_BEHIND_SEC = 30;
  /** Mean segment sizes per rendition (~600 KB overall), each segment ±20 %. */
  const MEAN_SIZE_BYTES: Record<string, number> = { low: 300_000, mid: 600_000, high: 1_200_000 };
  const RENDITION_IDS = Object.keys(MEAN_SIZE_BYTES);
  /** One buffer whose views stand in for segments: the store only looks at their length. */
  const POOL = new Uint8Array(2 * 1_200_000);

  /** Deterministic pseudo-random numbers in [0, 1). */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1_664_525 + 1_013_904_223) >>> 0;
      return state / 2 ** 32;
    };
  }

  async function simulateHour(allRenditions: boolean): Promise<{ maxUsedBytes: number; evictions: number }> {
    const clock = new VirtualClock();
    let evictions = 0;
    const storage = new MemoryStorage({ capBytes: CAP_BYTES, clock, onEvict: () => evictions++ });
    const next = random(allRenditions ? 7 : 11);
    const playedRendition = new Map<number, string>();
    let renditionId = 'mid';
    let maxUsedBytes = 0;
    for (let playheadSegmentId = 0; playheadSegmentId < HOUR_SEC / SEGMENT_SEC; playheadSegmentId++) {
      clock.advance(SEGMENT_SEC * 1_000);
      if (next() < 0.05) renditionId = RENDITION_IDS[Math.floor(next() * RENDITION_IDS.length)] as string; // ABR switch
      storage.setPlaybackContext({
        live: true,
        playheadSegmentIds: { [renditionId]: playheadSegmentId },
        defaultPlayheadSegmentId: playheadSegmentId,
        secondsPerSegmentId: SEGMENT_SEC,
      });
      const loadedSegmentId = playheadSegmentId + BUFFER_AHEAD_SEGMENTS;
      playedRendition.set(loadedSegmentId, renditionId);
      for (const stored of allRenditions ? RENDITION_IDS : [renditionId]) {
        const sizeBytes = Math.round((MEAN_SIZE_BYTES[stored] as number) * (0.8 + 0.4 * next()));
        await storage.put({ renditionId: stored, segmentId: loadedSegmentId }, POOL.subarray(0, sizeBytes));
        assert.ok(storage.usedBytes <= CAP_BYTES, `usedBytes ${storage.usedBytes} over the cap at ${clock.now()} ms`);
        maxUsedBytes = Math.max(maxUsedBytes, storage.usedBytes);
      }

      const held = storage.list();
      const heldIds = new Set(held.map(idOf));
      for (const info of held) {
        const behindSec = (playheadSegmentId - info.segmentId) * SEGMENT_SEC;
        assert.ok(behindSec <= KEEP_BEHIND_SEC, `${idOf(info)} is ${behindSec} s behind the playhead at ${clock.now()} ms`);
      }
      // Always kept: the segment playing and the buffer ahead of it, and the 10 s behind it; with room, the
      // whole 30 s window.
      const keptBehindSegments = (allRenditions ? 10 : KEEP_BEHIND_SEC) / SEGMENT_SEC;
      const from = Math.max(BUFFER_AHEAD_SEGMENTS, playheadSegmentId - keptBehindSegments);
      for (let segmentId = from; segmentId <= loadedSegmentId; segmentId++) {
        for (const wanted of allRenditions ? RENDITION_IDS : [playedRendition.get(segmentId) as string]) {
          assert.ok(heldIds.has(`${wanted}/${segmentId}`), `${wanted}/${segmentId} held at playhead ${playheadSegmentId}`);
        }
      }
    }
    storage.destroy();
    return { maxUsedBytes, evictions };
  }

  test('the player rendition only (ABR switching): under the cap, the whole window kept', async () => {
    const { maxUsedBytes, evictions } = await simulateHour(false);
    // The window, not the cap, bounds memory: 15 segments behind, the one playing and 3 ahead, at most
    // 1.2 x the largest mean size each.
    const windowBoundBytes = (KEEP_BEHIND_SEC / SEGMENT_SEC + 1 + BUFFER_AHEAD_SEGMENTS) * 1.2 * 1_200_000;
    assert.ok(maxUsedBytes <= windowBoundBytes, `${maxUsedBytes} bytes at most`);
    assert.ok(evictions > 1_700, `${evictions} evictions`);
  });

  test('every rendition stored: the cap bites, the live edge and the 10 s behind are kept', async () => {
    const { maxUsedBytes } = await simulateHour(true);
    assert.ok(maxUsedBytes > CAP_BYTES * 0.9, `${maxUsedBytes} bytes at most: the cap was reached`);
  });
});
