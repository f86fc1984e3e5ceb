/**
 * A byte-range piece (single-file HLS `EXT-X-BYTERANGE`, DASH `SegmentBase`/`SegmentList` ranges) knows
 * its size before the origin answers: the viewer fetching it announces it as a partial at once, and a
 * peer asking for it is relayed its bytes as they arrive (cut-through), not refused. Measured before the
 * fix in 6 real hls.js viewers of live single-file TS: the fetcher announced the size with no partial
 * behind it, answered `notHeld`, and nearly every relay fell back to the origin (P2P share 0.18 without
 * an integrity manifest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import type { Segment } from '../../src/types';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import { sleepVirtual, waitVirtual } from './virtual-wait';

const PIECE_BYTES = 90_000;
const FILE_URL = 'sim://origin/live/v0/main.ts';
const pieceAt = (id: number): Segment & { durationSec: number; startTimeSec: number } => ({
  renditionId: 'video',
  segmentId: id,
  url: FILE_URL,
  byteRange: { startByte: id * PIECE_BYTES, endByte: (id + 1) * PIECE_BYTES - 1 },
  durationSec: 2,
  startTimeSec: 2 * id,
});

test('a byte-range piece still arriving from the origin is relayed to a peer as it arrives, with one origin request', { timeout: 60_000 }, async () => {
  const clock = new VirtualClock();
  // 0.9 s for the piece: the peer asks while the fetcher holds none of it yet.
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 100_000, sizeOf: () => 20 * PIECE_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engines: ShoalEngine[] = [];
  const makeEngine = (name: string): ShoalEngine => {
    const engine = new ShoalEngine(
      { trackerUrls: ['sim://tracker'] },
      { clock, fetch: origin.fetch, createTrackerClient: hub.createClient, peerId: name.charCodeAt(0).toString(16).padEnd(40, '0') },
    );
    // The piece asked for is in no list yet (the player asks for the new edge piece before the refresh
    // reaches the engine), so neither engine fetches it ahead: the fetcher is the one the player asks first.
    engine.setStreams({ manifestUrl: 'sim://origin/live/master.m3u8', live: true, renditions: [{ id: 'video', metadata: {}, segments: [] }] });
    engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 10, activeRenditions: ['video'] });
    engines.push(engine);
    return engine;
  };
  try {
    const fetcher = makeEngine('F');
    const peer = makeEngine('P');
    await waitVirtual(clock, () => peer.stats().peerCount === 1);
    await sleepVirtual(clock, 1_000);
    const piece = pieceAt(2);
    const fetched = fetcher.loadSegment(piece);
    await waitVirtual(clock, () => peer.availability(piece, { includePartial: true }) > 0);
    assert.equal(fetcher.stats().httpBytes, 0, 'the peer asks before the fetcher holds a byte');
    const relayed = await peer.loadSegment(piece);
    const own = await fetched;
    assert.deepEqual(relayed.bytes, own.bytes);
    assert.deepEqual(relayed.bytes, origin.bytesOf(FILE_URL).subarray(2 * PIECE_BYTES, 3 * PIECE_BYTES));
    assert.equal(relayed.source, 'p2p');
    assert.equal(relayed.p2pBytes, PIECE_BYTES);
    assert.equal(origin.requests.get(FILE_URL), 1, 'the fetcher\'s range request only');
  } finally {
    for (const engine of engines) engine.destroy();
    stop();
  }
});
