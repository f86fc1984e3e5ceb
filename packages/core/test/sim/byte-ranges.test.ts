/**
 * Issue 20: byte ranges are first-class. Real engines on the in-memory network, one single-file rendition
 * (four 100 kB pieces of one resource, as HLS `EXT-X-BYTERANGE` or DASH `SegmentBase` describe it): the
 * same range asked twice, ranges overlapping pieces, a range spanning two held pieces and a range only
 * partly held all share like one-file-per-segment streams, and the origin serves only the bytes no peer
 * holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import type { Segment } from '../../src/types';
import { sizeLyingTrackerClient } from './size-liar';
import { waitVirtual } from './virtual-wait';

const PIECE_BYTES = 100_000;
const FILE_BYTES = 500_000; // four described pieces, then 100 kB no piece describes
const FILE_URL = 'sim://origin/vod/all.mp4';

function setup() {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 2_000_000, sizeOf: () => FILE_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const renditionId = 'r';
  const pieces: Segment[] = [0, 1, 2, 3].map((i) => ({
    renditionId,
    segmentId: i,
    url: FILE_URL,
    byteRange: { startByte: i * PIECE_BYTES, endByte: (i + 1) * PIECE_BYTES - 1 },
    durationSec: 2,
    startTimeSec: 30 + i * 2,
  }));
  const engines: ShoalEngine[] = [];
  /** `sizeLie`: the engine announces every size it holds as `sizeLie(trueSize)` (`size-liar.ts`). */
  const make = (sizeLie?: (trueSizeBytes: number) => number): ShoalEngine => {
    const createTrackerClient = sizeLie ? sizeLyingTrackerClient(hub.createClient, sizeLie) : hub.createClient;
    const engine = new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient });
    engine.setStreams({ manifestUrl: 'sim://origin/vod/master.m3u8', live: false, renditions: [{ id: renditionId, metadata: {}, segments: pieces.map(({ renditionId: _r, ...piece }) => ({ ...piece, durationSec: 2, startTimeSec: piece.startTimeSec! })) }] });
    // 30 s buffered before the pieces are needed: time enough that peers are preferred to the origin.
    engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 30, activeRenditions: [] });
    engines.push(engine);
    return engine;
  };
  const whole = origin.bytesOf(FILE_URL);
  const bytesOf = (startByte: number, endByte: number) => whole.subarray(startByte, endByte + 1);
  const request = (segmentId: number, startByte: number, endByte: number): Segment => ({ renditionId, segmentId, url: FILE_URL, byteRange: { startByte, endByte }, durationSec: 2, startTimeSec: 30 });
  const teardown = () => {
    for (const engine of engines) engine.destroy();
    stop();
  };
  return { clock, origin, pieces, make, bytesOf, request, teardown };
}

test('the same range twice: the second viewer takes it from the first, and again from its cache under another id', { timeout: 30_000 }, async () => {
  const { clock, origin, pieces, make, bytesOf, request, teardown } = setup();
  try {
    const [a, b] = [make(), make()];
    await waitVirtual(clock, () => a.stats().peerCount === 1 && b.stats().peerCount === 1);
    const first = await a.loadSegment(pieces[1]!);
    assert.equal(first.source, 'http');
    await waitVirtual(clock, () => b.availability(pieces[1]!) > 0);
    const second = await b.loadSegment(pieces[1]!);
    assert.equal(second.source, 'p2p');
    // The player names the same bytes with an id of its own: still the same piece, held already.
    const again = await b.loadSegment(request(4242, PIECE_BYTES, 2 * PIECE_BYTES - 1));
    assert.equal(again.source, 'cache');
    for (const result of [first, second, again]) assert.deepEqual(result.bytes, bytesOf(PIECE_BYTES, 2 * PIECE_BYTES - 1));
    assert.equal(origin.requests.get(FILE_URL), 1, 'the origin served the piece once');
  } finally {
    teardown();
  }
});

test('overlapping ranges and a range spanning two held pieces come from the peer holding the pieces', { timeout: 30_000 }, async () => {
  const { clock, origin, pieces, make, bytesOf, request, teardown } = setup();
  try {
    const [a, b, c] = [make(), make(), make()];
    await waitVirtual(clock, () => [a, b, c].every((engine) => engine.stats().peerCount === 2));
    await a.loadSegment(pieces[0]!);
    await a.loadSegment(pieces[1]!);
    const servedBefore = origin.servedBytes;
    await waitVirtual(clock, () => b.availability(pieces[1]!) > 0 && c.availability(pieces[1]!) > 0);
    // Half of piece 0 and half of piece 1, under an id that names neither.
    const overlapping = await b.loadSegment(request(7, PIECE_BYTES / 2, PIECE_BYTES + PIECE_BYTES / 2 - 1));
    assert.deepEqual(overlapping.bytes, bytesOf(PIECE_BYTES / 2, PIECE_BYTES + PIECE_BYTES / 2 - 1));
    assert.equal(overlapping.source, 'p2p');
    // Both pieces whole, in one range.
    const spanning = await c.loadSegment(request(0, 0, 2 * PIECE_BYTES - 1));
    assert.deepEqual(spanning.bytes, bytesOf(0, 2 * PIECE_BYTES - 1));
    assert.equal(spanning.source, 'p2p');
    // Asked again by b: its own copies now.
    const repeated = await b.loadSegment(request(8, PIECE_BYTES / 2, PIECE_BYTES + PIECE_BYTES / 2 - 1));
    assert.equal(repeated.source, 'cache');
    assert.equal(origin.servedBytes, servedBefore, 'no byte from the origin after a held the pieces');
  } finally {
    teardown();
  }
});

test('a range held only in part: the held pieces from the peer, the rest over HTTP, only the missing bytes', { timeout: 30_000 }, async () => {
  const { clock, origin, pieces, make, bytesOf, request, teardown } = setup();
  try {
    const [a, b] = [make(), make()];
    await waitVirtual(clock, () => a.stats().peerCount === 1 && b.stats().peerCount === 1);
    await a.loadSegment(pieces[2]!);
    await a.loadSegment(pieces[3]!);
    await waitVirtual(clock, () => b.availability(pieces[3]!) > 0);
    const servedBefore = origin.servedBytes;
    // From the middle of piece 1 (held by nobody) through pieces 2 and 3 (held by a) into bytes no piece
    // describes (an index or trailing box of the file).
    const startByte = PIECE_BYTES + PIECE_BYTES / 2;
    const endByte = 4 * PIECE_BYTES + 999;
    const result = await b.loadSegment(request(9, startByte, endByte));
    assert.deepEqual(result.bytes, bytesOf(startByte, endByte));
    assert.equal(result.source, 'p2p');
    assert.equal(result.p2pBytes, 2 * PIECE_BYTES);
    assert.equal(origin.servedBytes - servedBefore, PIECE_BYTES / 2 + 1000, 'the origin served the missing bytes only');
  } finally {
    teardown();
  }
});

test('a live edge piece asked before the playlist refresh reached the engine is a piece of its own: shared, fetched once', { timeout: 30_000 }, async () => {
  const { clock, origin, make, bytesOf, request, teardown } = setup();
  try {
    const [a, b] = [make(), make()];
    await waitVirtual(clock, () => a.stats().peerCount === 1 && b.stats().peerCount === 1);
    // The bytes after the four listed pieces: the next segment, which hls.js loads from inside its own
    // LEVEL_LOADED handling, before the engine heard of the refreshed playlist.
    const edge = request(4, 4 * PIECE_BYTES, FILE_BYTES - 1);
    const first = await a.loadSegment(edge);
    assert.equal(first.source, 'http');
    await waitVirtual(clock, () => b.availability(edge) > 0);
    const second = await b.loadSegment(edge);
    assert.equal(second.source, 'p2p', 'the second viewer takes it from the first');
    for (const result of [first, second]) assert.deepEqual(result.bytes, bytesOf(4 * PIECE_BYTES, FILE_BYTES - 1));
    assert.equal(origin.requests.get(FILE_URL), 1, 'the origin served it once');
  } finally {
    teardown();
  }
});

for (const [lie, sizeLie] of [['1,000 bytes', () => 1_000], ['its true size + 1', (size: number) => size + 1]] as const) {
  test(`a live edge piece no playlist lists yet, announced by a peer as ${lie}: the viewer gets the origin's bytes, sized by its own request`, { timeout: 30_000 }, async () => {
    const { clock, make, bytesOf, request, teardown } = setup();
    try {
      const [liar, viewer] = [make(sizeLie), make()];
      await waitVirtual(clock, () => viewer.stats().peerCount === 1);
      const edge = request(4, 4 * PIECE_BYTES, FILE_BYTES - 1);
      await liar.loadSegment(edge);
      await waitVirtual(clock, () => viewer.availability(edge) > 0 || viewer.stats().peerCount === 0);
      const result = await viewer.loadSegment(edge);
      assert.deepEqual(result.bytes, bytesOf(4 * PIECE_BYTES, FILE_BYTES - 1), 'exactly the requested range, 0 wrong bytes');
      assert.equal(result.p2pBytes, 0, 'nothing taken from a holder whose size contradicts the request');
    } finally {
      teardown();
    }
  });
}
