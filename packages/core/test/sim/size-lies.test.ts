/**
 * Issue 16, requirement 4: sizes come from the origin. Real engines on the in-memory network; the liar is a
 * real engine whose `have`/`haveSet` frames announce a wrong size for a 1,000,000-byte segment it really
 * holds (1,000 bytes, the true size + 1, − 1, and 4 GiB: the wire's u32 maximum). In every case the
 * viewer's `loadSegment` resolves with exactly the origin's bytes, and the liar is dropped
 * (`peer-wrong-size`) wherever the lie is detectable:
 * - the playlist gives the segment's byte range: every lie is seen when announced; an honest holder serves;
 * - no byte range, the liar alone holds it: +1 is caught when HTTP completes the last block (its
 *   `Content-Range` total), 4 GiB is over `maxSegmentBytes` and never used, then contradicted by the
 *   origin's `Content-Length`;
 * - no byte range, an honest holder disagrees (1,000, − 1): the claims conflict, the segment comes over
 *   HTTP, and the origin's size tells the liar apart.
 * Not detectable here (README "Segment sizes"): a shorter claim by the only holder of a segment whose size
 * the origin never stated — the bytes it serves are then all the viewer has to go by; the hash
 * commitments of issue 16 close that gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import type { KnownSegment } from '../../src/scheduler/stream-registry';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import { sizeLyingTrackerClient } from './size-liar';
import { sleepVirtual } from './virtual-wait';

const SEGMENT_BYTES = 1_000_000;
/** The largest size the wire's u32 field can announce: 4 GiB − 1. */
const FOUR_GIB_CLAIM = 0xffff_ffff;

interface Outcome {
  bytes: Uint8Array;
  expected: Uint8Array;
  source: string;
  liarId: string;
  honestId: string | undefined;
  /** Peers the viewer dropped, with the reason's code. */
  dropped: Map<string, string | undefined>;
  liarBytesToViewer: number;
  /** Peers the third engine dropped, with the reason's code. */
  droppedByThird: Map<string, string | undefined>;
  viewerId: string;
}

/**
 * `third`: `holder`, an honest engine that loads the segment from the origin first; `bystander`, one that
 * only knows the segment's size from its playlist (a byte range) and loads nothing.
 */
async function viewerLoadsNextToLiar(options: {
  lie: (trueSizeBytes: number) => number;
  byteRange: boolean;
  third?: 'holder' | 'bystander';
}): Promise<Outcome> {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 4_000_000, sizeOf: () => SEGMENT_BYTES });
  // Join order: liar 0, viewer 1, honest holder 2. Only the viewer connects to the others: the holders
  // load from the origin, not from each other.
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 8_000_000 }, canConnect: (a, b) => a === 1 || b === 1 });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const config = { trackerUrls: ['sim://tracker'] };
  const liar = new ShoalEngine(config, { clock, fetch: origin.fetch, createTrackerClient: sizeLyingTrackerClient(hub.createClient, options.lie) });
  const viewer = new ShoalEngine(config, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
  const third = options.third ? new ShoalEngine(config, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient }) : undefined;
  const honest = options.third === 'holder' ? third : undefined;
  const engines = [liar, viewer, ...(third ? [third] : [])];
  try {
    const segment: KnownSegment = {
      renditionId: 'r',
      segmentId: 7,
      url: 'sim://origin/vod/7.ts',
      durationSec: 2,
      startTimeSec: 30,
      ...(options.byteRange ? { byteRange: { startByte: 0, endByte: SEGMENT_BYTES - 1 } } : {}),
    };
    const withByteRange: KnownSegment = { ...segment, byteRange: { startByte: 0, endByte: SEGMENT_BYTES - 1 } };
    for (const engine of engines) {
      const segments = [engine === third && options.third === 'bystander' ? withByteRange : segment];
      engine.setStreams({ manifestUrl: 'sim://origin/vod/master.m3u8', live: false, renditions: [{ id: 'r', metadata: {}, segments }] });
    }
    // 30 s of buffer before the segment plays: time enough that peers are preferred to the origin.
    viewer.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 30, activeRenditions: [] });
    const dropped = new Map<string, string | undefined>();
    viewer.on('peer:closed', ({ peerId, reason }) => {
      if (reason) dropped.set(peerId, reason.code);
    });
    const droppedByThird = new Map<string, string | undefined>();
    third?.on('peer:closed', ({ peerId, reason }) => {
      if (reason) droppedByThird.set(peerId, reason.code);
    });
    let liarBytesToViewer = 0;
    viewer.on('bytes:downloaded', ({ peerId, sizeBytes }) => {
      if (peerId === liar.peerId) liarBytesToViewer += sizeBytes;
    });
    await liar.loadSegment(segment);
    if (honest) await honest.loadSegment(segment);
    await sleepVirtual(clock, 1_000); // every announcement has reached the viewer
    const result = await viewer.loadSegment(segment);
    await sleepVirtual(clock, 100); // a drop decided with the last response has been reported
    return {
      bytes: result.bytes,
      expected: origin.bytesOf(segment.url),
      source: result.source,
      liarId: liar.peerId,
      honestId: honest?.peerId,
      dropped,
      liarBytesToViewer,
      droppedByThird,
      viewerId: viewer.peerId,
    };
  } finally {
    for (const engine of engines) engine.destroy();
    stop();
  }
}

function assertOriginBytesAndLiarDropped(outcome: Outcome): void {
  assert.equal(outcome.bytes.byteLength, SEGMENT_BYTES, 'the origin’s length');
  assert.ok(Buffer.from(outcome.bytes).equals(Buffer.from(outcome.expected)), '0 wrong bytes');
  assert.equal(outcome.dropped.get(outcome.liarId), 'peer-wrong-size', 'the liar is dropped with a typed reason');
  if (outcome.honestId) assert.ok(!outcome.dropped.has(outcome.honestId), 'the honest holder is kept');
}

const LIES: Array<[string, (trueSizeBytes: number) => number]> = [
  ['1,000 bytes', () => 1_000],
  ['the true size + 1', (size) => size + 1],
  ['the true size − 1', (size) => size - 1],
  ['4 GiB', () => FOUR_GIB_CLAIM],
];

for (const [name, lie] of LIES) {
  test(`byte range in the playlist, a liar announcing ${name}: never used, dropped; the honest holder serves`, { timeout: 30_000 }, async () => {
    const outcome = await viewerLoadsNextToLiar({ lie, byteRange: true, third: 'holder' });
    assertOriginBytesAndLiarDropped(outcome);
    assert.equal(outcome.source, 'p2p', 'peers still serve: the honest holder');
    assert.equal(outcome.liarBytesToViewer, 0);
  });
}

test('no byte range, the liar alone announces the true size + 1: HTTP completing the last block reveals the size, the segment restarts over HTTP', { timeout: 30_000 }, async () => {
  const outcome = await viewerLoadsNextToLiar({ lie: (size) => size + 1, byteRange: false });
  assertOriginBytesAndLiarDropped(outcome);
  assert.ok(outcome.liarBytesToViewer > 0, 'the hint-sized P2P download ran: the liar served the blocks it has');
  assert.equal(outcome.source, 'http', 'restarted over HTTP: no byte of the hint-sized download is kept');
});

test('no byte range, the liar alone announces 4 GiB: over maxSegmentBytes, never used nor allocated; the origin’s size drops it', { timeout: 30_000 }, async () => {
  const outcome = await viewerLoadsNextToLiar({ lie: () => FOUR_GIB_CLAIM, byteRange: false });
  assertOriginBytesAndLiarDropped(outcome);
  assert.equal(outcome.source, 'http');
  assert.equal(outcome.liarBytesToViewer, 0);
});

for (const [name, lie] of LIES.filter(([name]) => name === '1,000 bytes' || name === 'the true size − 1')) {
  test(`no byte range, a liar announcing ${name} against an honest holder: conflicting claims go to HTTP, the origin’s size drops the liar`, { timeout: 30_000 }, async () => {
    const outcome = await viewerLoadsNextToLiar({ lie, byteRange: false, third: 'holder' });
    assertOriginBytesAndLiarDropped(outcome);
    assert.equal(outcome.liarBytesToViewer, 0);
  });
}

test('a viewer that relays a liar-sized download in good faith is not dropped by a peer that knows the true size', { timeout: 30_000 }, async () => {
  const outcome = await viewerLoadsNextToLiar({ lie: (size) => size + 1, byteRange: false, third: 'bystander' });
  assertOriginBytesAndLiarDropped(outcome);
  assert.ok(outcome.liarBytesToViewer > 0, 'the viewer used the hint and announced its partial download at that size');
  assert.ok(!outcome.droppedByThird.has(outcome.viewerId), 'its partial announcement of the wrong size is not punished');
});
