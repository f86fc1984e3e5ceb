/**
 * Policy rule 5 with a flow that stops: a holder sends every block but the last, then nothing (its own copy
 * stalled, or its uplink serves others first). The average rate so far says the download is nearly done;
 * silent for S ms, the next byte is expected no sooner than S ms from now, so HTTP fetches the rest while
 * it still makes the deadline, long before the block's request would time out. Progress counts whole
 * blocks, so a holder trickling the last block a byte at a time is rescued the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_BYTES, type WireMessage } from '../../src/wire/messages';
import type { VirtualClock } from '../../src/clock/virtual-clock';
import { hostileSetup, SEGMENTS, SEGMENT_BYTES } from '../hostile/hostile-peer';

const T = { timeout: 60_000 };
/** Starts 4 s after the playhead. */
const SEGMENT = SEGMENTS[2]!;

type SendData = (offsetBytes: number, payload: Uint8Array) => void;

/** The load of `SEGMENT` from one holder that serves every block but the last honestly; `last` handles that one. */
async function loadWithLastBlock(last: (send: SendData, bytes: Uint8Array, offsetBytes: number, clock: VirtualClock) => void): Promise<void> {
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
    let lastAsked = 0;
    holder.transport.on('frame', () => {
      for (const message of holder.received.splice(0) as WireMessage[]) {
        if (message.type !== 'request' || message.segmentId !== SEGMENT.segmentId) continue;
        const send = (offsetBytes: number, payload: Uint8Array): void => holder.send({ type: 'data', requestId: message.requestId, offsetBytes, payload });
        if (message.offsetBytes !== lastOffsetBytes) {
          send(message.offsetBytes, bytes.subarray(message.offsetBytes, message.offsetBytes + message.lengthBytes));
          continue;
        }
        lastAsked++;
        last(send, bytes, lastOffsetBytes, sim.clock);
      }
    });
    // When the origin's bytes arrived (the load itself settles after the segment's checks, which take host
    // time, not clock time).
    let httpBytesAtMs: number | undefined;
    sim.victim.on('bytes:downloaded', ({ source }) => {
      if (source === 'http') httpBytesAtMs ??= sim.clock.now();
    });
    const result = await sim.victim.loadSegment(SEGMENT);
    assert.equal(lastAsked, 1, 'the last block was asked of the holder once');
    assert.ok(httpBytesAtMs !== undefined && httpBytesAtMs < deadlineAtMs, `the rest came ${(httpBytesAtMs ?? Infinity) - deadlineAtMs} ms after the deadline`);
    assert.equal(result.source, 'p2p');
    assert.ok(result.p2pBytes >= lastOffsetBytes, 'every block but the last came from the peer');
    assert.equal(sim.origin.requests.get(SEGMENT.url), 1, 'one origin request: the rest');
    assert.ok(Buffer.from(result.bytes).equals(Buffer.from(bytes)), 'the origin’s bytes');
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
}

test('a peer download whose last block never comes is completed over HTTP before its deadline', T, async () => {
  await loadWithLastBlock(() => {});
});

test('a holder trickling the last block a byte at a time looks as silent as it is: HTTP completes it in time', T, async () => {
  await loadWithLastBlock((send, bytes, offsetBytes, clock) => {
    // One byte every 100 ms: bytes keep coming, the block is not whole before the deadline.
    let sentBytes = 0;
    const trickle = (): void => {
      send(offsetBytes + sentBytes, bytes.subarray(offsetBytes + sentBytes, offsetBytes + sentBytes + 1));
      sentBytes++;
      if (sentBytes < 60) clock.setTimeout(trickle, 100);
    };
    trickle();
  });
});
