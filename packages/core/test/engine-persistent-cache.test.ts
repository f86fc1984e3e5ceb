/**
 * `persistentCache`: a VOD viewer's segments outlive its engine (a page reload) in the persistent store,
 * are served from it to the player (source 'cache', no origin request) and announced to peers when the
 * stream is set; live streams never open it; a store that cannot be opened or fills up is a
 * `storage:warning`, never a failed load. The persistent store here is `persistentDisk` (IndexedDB's own
 * tests run in Chromium: test/browser/indexeddb-storage.spec.ts and test/browser/persistent-cache.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../src/clock/virtual-clock';
import { ShoalEngine } from '../src/engine';
import { ShoalError } from '../src/errors';
import type { ShoalEvents } from '../src/events';
import type { OpenPersistentStorage } from '../src/storage/segment-storage';
import { MemoryTrackerHub } from '../sim/memory-tracker';
import { SimOrigin } from '../sim/sim-origin';
import { persistentDisk } from './storage/persistent-disk';

const MANIFEST_URL = 'sim://origin/vod.m3u8';
const segment = { renditionId: 'r', segmentId: 3, url: 'sim://origin/3.ts' };

function world() {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 5_000_000, sizeOf: () => 300_000, isAvailable: () => true });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 5_000_000 } });
  const disk = persistentDisk({ capBytes: 64 * 1024 * 1024, clock });
  const engines: ShoalEngine[] = [];
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engine = (options: { persistentCache: boolean; open?: OpenPersistentStorage }): ShoalEngine => {
    const created = new ShoalEngine(
      { trackerUrls: ['sim://tracker'], persistentCache: options.persistentCache },
      { clock, fetch: origin.fetch, createTrackerClient: hub.createClient, openPersistentStorage: options.open ?? disk.open },
    );
    engines.push(created);
    return created;
  };
  const close = (): void => {
    for (const e of engines) e.destroy();
    stop();
  };
  return { origin, disk, engine, close };
}

function next<K extends keyof ShoalEvents>(engine: ShoalEngine, name: K): Promise<Parameters<ShoalEvents[K]>[0]> {
  return new Promise((resolve) => engine.once(name, ((event: Parameters<ShoalEvents[K]>[0]) => resolve(event)) as never));
}

test('VOD segments survive the engine, come from the cache, and are announced to peers', async () => {
  const { origin, disk, engine, close } = world();
  try {
    const first = engine({ persistentCache: true });
    first.setStreams({ manifestUrl: MANIFEST_URL, live: false });
    assert.equal((await first.loadSegment(segment)).source, 'http');
    first.destroy(); // the page goes away

    // A peer is already connected when the reloaded page's store opens: it hears of the cached segment
    // through an announcement, not only in the handshake.
    const peer = engine({ persistentCache: false });
    peer.setStreams({ manifestUrl: MANIFEST_URL, live: false });
    let openStore!: () => void;
    const gate = new Promise<void>((resolve) => (openStore = resolve));
    const reloaded = engine({ persistentCache: true, open: async (options) => (await gate, disk.open(options)) });
    const connected = next(reloaded, 'peer:connected');
    const restored = next(reloaded, 'storage:restored');
    reloaded.setStreams({ manifestUrl: MANIFEST_URL });
    reloaded.updateStream('r', [], { live: false }); // hls.js tells live/VOD with the first playlist
    await connected;
    assert.equal(peer.availability(segment), 0);
    openStore();
    assert.deepEqual(await restored, { segmentCount: 1, sizeBytes: 300_000 });
    const result = await reloaded.loadSegment(segment);
    assert.equal(result.source, 'cache');
    assert.deepEqual(result.bytes, origin.bytesOf(segment.url));
    assert.equal(origin.requests.get(segment.url), 1, 'the origin was asked once, before the reload');
    assert.equal(disk.opened, 2);

    while (peer.availability(segment) === 0) await new Promise((resolve) => setImmediate(resolve));
    const fromPeer = await peer.loadSegment(segment);
    assert.equal(fromPeer.source, 'p2p');
    assert.equal(origin.requests.get(segment.url), 1, 'the peer got it from the cache of the reloaded viewer');
  } finally {
    close();
  }
});

test('a live stream never writes to the persistent store, nor does an engine without persistentCache', async () => {
  const { disk, engine, close } = world();
  try {
    const live = engine({ persistentCache: true });
    live.setStreams({ manifestUrl: MANIFEST_URL, live: true });
    live.updateStream('r', [], { live: true });
    const off = engine({ persistentCache: false });
    off.setStreams({ manifestUrl: MANIFEST_URL, live: false });
    assert.equal((await live.loadSegment(segment)).source, 'http');
    assert.equal(disk.opened, 0);

    // Told live only with the first playlist: the store opened at setStreams is given up, nothing written.
    const latecomer = engine({ persistentCache: true });
    const warnings: unknown[] = [];
    latecomer.on('storage:warning', (event) => warnings.push(event));
    latecomer.setStreams({ manifestUrl: MANIFEST_URL });
    latecomer.updateStream('r', [], { live: true });
    assert.equal((await latecomer.loadSegment(segment)).source, 'http');
    assert.equal((await latecomer.loadSegment(segment)).source, 'cache', 'kept in memory');
    assert.deepEqual(disk.disk.list(), []);
    assert.deepEqual(warnings, []);
  } finally {
    close();
  }
});

test('IndexedDB unavailable: a storage:warning, segments in memory, loads never fail', async () => {
  const { engine, close } = world();
  try {
    const unavailable = engine({
      persistentCache: true,
      open: () => Promise.reject(new ShoalError('storage-unavailable', 'IndexedDB is not available', { source: 'storage' })),
    });
    const warning = next(unavailable, 'storage:warning');
    unavailable.setStreams({ manifestUrl: MANIFEST_URL, live: false });
    assert.equal((await warning).error.code, 'storage-unavailable');
    assert.equal((await unavailable.loadSegment(segment)).source, 'http');
    assert.equal((await unavailable.loadSegment(segment)).source, 'cache');
  } finally {
    close();
  }
});

test('quota exceeded on write: a storage:warning, the load succeeds, the segment is kept in memory', async () => {
  const { disk, engine, close } = world();
  try {
    const full = engine({ persistentCache: true });
    full.setStreams({ manifestUrl: MANIFEST_URL, live: false });
    disk.failWith(new ShoalError('storage-quota', 'QuotaExceededError', { source: 'storage' }));
    const warnings: ShoalError[] = [];
    full.on('storage:warning', ({ error }) => warnings.push(error));
    const failed: unknown[] = [];
    full.on('segment:failed', (event) => failed.push(event));
    assert.equal((await full.loadSegment(segment)).source, 'http');
    assert.deepEqual(warnings.map((e) => e.code), ['storage-quota']);
    assert.equal((await full.loadSegment(segment)).source, 'cache');
    assert.deepEqual(failed, []);
  } finally {
    close();
  }
});
