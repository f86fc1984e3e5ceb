/**
 * Policy rule 5 with a flow that stops: a holder sends every block but the last, then nothing (its own copy
 * stalled, or its uplink serves others first). The average rate so far says the download is nearly done;
 * silent for S ms, the next byte is expected no sooner than S ms from now, so HTTP fetches the rest while
 * it still makes the deadline, long before the block's request would time out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_BYTES, type WireMessage } from '../../src/wire/messages';
import { hostileSetup, SEGMENTS, SEGMENT_BYTES } from '../hostile/hostile-peer';

const T = { timeout: 60_000 };
/** Starts 4 s after the playhead. */
const SEGMENT = SEGMENTS[2]!;

test('a peer download whose last block never comes is completed over HTTP before its deadline', T, async () => {
  // The block timeout (10 s) is far past the deadline: only rule 5 can rescue the segment in time.
  const sim = hostileSetup({ peerRequestTimeoutMs: 10_000 });
  try {
    // A player playing from 0 with everything before the segment buffered, reporting every 250 ms.
    const startedAtMs = sim.clock.now();
    const deadlineAtMs = startedAtMs + SEGMENT.startTimeSec * 1000;
    const report = (): void => {
      const positionSec = Math.min(SEGMENT.startTimeSec, (sim.clock.now() - startedAtMs) / 1000);
      sim.victim.setPlayback({ positionSec, rate: 1, bufferedUntilSec: SEGMENT.startTimeSec, activeRenditions: ['r'] });
      if (positionSec < SEGMENT.startTimeSec) sim.clock.setTimeout(report, 250);
    };
    report();
    const holder = await sim.connect({ holdings: [{ segmentId: SEGMENT.segmentId, sizeBytes: SEGMENT_BYTES, partial: false }], linkBytesPerSec: 1_000_000 });
    const bytes = sim.origin.bytesOf(SEGMENT.url);
    const lastOffsetBytes = Math.floor((SEGMENT_BYTES - 1) / BLOCK_BYTES) * BLOCK_BYTES;
    let withheld = 0;
    holder.transport.on('frame', () => {
      for (const message of holder.received.splice(0) as WireMessage[]) {
        if (message.type !== 'request' || message.segmentId !== SEGMENT.segmentId) continue;
        if (message.offsetBytes === lastOffsetBytes) {
          withheld++;
          continue;
        }
        holder.send({ type: 'data', requestId: message.requestId, offsetBytes: message.offsetBytes, payload: bytes.subarray(message.offsetBytes, message.offsetBytes + message.lengthBytes) });
      }
    });
    // When the origin's bytes arrived (the load itself settles after the segment's checks, which take host
    // time, not clock time).
    let httpBytesAtMs: number | undefined;
    sim.victim.on('bytes:downloaded', ({ source }) => {
      if (source === 'http') httpBytesAtMs ??= sim.clock.now();
    });
    const result = await sim.victim.loadSegment(SEGMENT);
    assert.equal(withheld, 1, 'the last block was asked of the holder once');
    assert.ok(httpBytesAtMs !== undefined && httpBytesAtMs < deadlineAtMs, `the rest came ${(httpBytesAtMs ?? Infinity) - deadlineAtMs} ms after the deadline`);
    assert.equal(result.source, 'p2p');
    assert.ok(result.p2pBytes >= lastOffsetBytes, 'every block but the last came from the peer');
    assert.equal(sim.origin.requests.get(SEGMENT.url), 1, 'one origin request: the rest');
    assert.ok(Buffer.from(result.bytes).equals(Buffer.from(bytes)), 'the origin’s bytes');
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});
