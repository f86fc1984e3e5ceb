/**
 * An origin outage on a live swarm, in virtual time: real engines on the in-memory network, an origin that
 * refuses every segment for a while. A viewer's first request for a new segment nobody holds waits for its
 * origin turn (another viewer may fetch it first); once its origin request failed, the player's retry is
 * the player's to time (policy rule 9): it goes to the origin at once, so the player sees each failure
 * when a plain player would, its backoff unchanged, and the retry after the outage gets the bytes. The
 * failing origin is asked once per player request, never by a prefetch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { isShoalError } from '../../src/errors';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import type { Segment } from '../../src/types';
import { waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 200_000;
const OUTAGE_MS = 20_000;
const VIEWERS = 3;
/** A request is "at once" when the origin sees it within this many virtual ms (one decision, no turn). */
const AT_ONCE_MS = 5;
const START_POSITION_SEC = 8;
const BUFFERED_UNTIL_SEC = 20;
const PLAYBACK_TICK_MS = 250;

test('origin outage: the player’s retry of a failed segment goes to the origin at once, and after the outage gets it', { timeout: 60_000 }, async () => {
  const clock = new VirtualClock();
  const outageEndsAtMs = clock.now() + OUTAGE_MS;
  const origin = new SimOrigin({ clock, ttfbMs: 20, bandwidthBytesPerSec: 4_000_000, sizeOf: () => SEGMENT_BYTES, isAvailable: () => clock.now() >= outageEndsAtMs });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const renditionId = 'r';
  // The live edge, 12 s of buffer ahead of the playhead: a first request's origin turn falls seconds away.
  const segment: Segment = { renditionId, segmentId: 10, url: 'sim://origin/live/10.ts', durationSec: 2, startTimeSec: 20 };
  const engines = Array.from({ length: VIEWERS }, () => {
    const engine = new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
    engine.setStreams({ manifestUrl: 'sim://origin/live/master.m3u8', live: true, renditions: [{ id: renditionId, metadata: {}, segments: [{ ...segment, durationSec: 2, startTimeSec: 20 }] }] });
    return engine;
  });
  // The players play on (their playhead reaches the segment 12 s from now, then they stall there).
  const startedAtMs = clock.now();
  const play = (): void => {
    const positionSec = Math.min(BUFFERED_UNTIL_SEC, START_POSITION_SEC + (clock.now() - startedAtMs) / 1000);
    for (const engine of engines) engine.setPlayback({ positionSec, rate: 1, bufferedUntilSec: BUFFERED_UNTIL_SEC, activeRenditions: [renditionId] });
    playing = clock.setTimeout(play, PLAYBACK_TICK_MS);
  };
  let playing = clock.setTimeout(play, 0);
  const originTimes = () => origin.requestTimes.get(segment.url) ?? [];
  try {
    await waitVirtual(clock, () => engines.every((engine) => engine.stats().peerCount === VIEWERS - 1));
    // First requests: each fails (404 all through the outage), whenever its turn came.
    const first = await Promise.allSettled(engines.map((engine) => engine.loadSegment(segment)));
    for (const result of first) assert.ok(result.status === 'rejected' && isShoalError(result.reason) && result.reason.code === 'http-status', 'the outage fails the first request');
    // The player retries (hls.js after its backoff): each retry reaches the origin at once, and fails at once.
    for (const engine of engines) {
      const askedAtMs = clock.now();
      const before = originTimes().length;
      await assert.rejects(engine.loadSegment(segment), (error) => isShoalError(error) && error.code === 'http-status');
      const sent = originTimes().slice(before);
      assert.ok(sent.length >= 1 && sent[0]! - askedAtMs <= AT_ONCE_MS, `the retry reached the origin at once (asked at ${askedAtMs}, origin saw ${JSON.stringify(sent)})`);
    }
    // After the outage, the retry gets the segment from the origin, at once, and peers can share it again.
    await waitVirtual(clock, () => clock.now() >= outageEndsAtMs, OUTAGE_MS);
    // The failing origin was asked once per player request, as plain players would ask it: no prefetch of
    // a failed segment, no peer download falling back to it.
    assert.equal(originTimes().length, 2 * VIEWERS, `the origin saw one request per player request during the outage (${originTimes().length})`);
    const askedAtMs = clock.now();
    const before = originTimes().length;
    const loaded = await engines[0]!.loadSegment(segment);
    assert.equal(loaded.source, 'http');
    assert.deepEqual(loaded.bytes, origin.bytesOf(segment.url));
    assert.ok(originTimes()[before]! - askedAtMs <= AT_ONCE_MS, 'the retry after the outage went to the origin at once');
    const originRequests = originTimes().length;
    await waitVirtual(clock, () => engines[1]!.availability(segment) > 0);
    const relayed = await engines[1]!.loadSegment(segment);
    assert.notEqual(relayed.source, 'http', 'a viewer that failed before takes the segment from peers (or its prefetch from them)');
    assert.equal(originTimes().length, originRequests, 'the origin served it once after the outage');
    assert.deepEqual(relayed.bytes, loaded.bytes);
  } finally {
    clock.clearTimeout(playing);
    for (const engine of engines) engine.destroy();
    stop();
  }
});
