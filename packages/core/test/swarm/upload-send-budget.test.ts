/**
 * Issue 18, upload held back: bytes handed to a transport cannot be cancelled, so the uploader keeps all
 * its connections' send buffers together within `SEND_AHEAD_MS` of the measured uplink (at least
 * `MIN_SEND_BUDGET_BYTES`) and the rest in its request queues, where a cancel removes them unsent. Blocks
 * go out in the order they were asked for, across peers: the first requester of a segment gets it whole
 * before a later one's blocks start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SEND_BUDGET_BYTES, SEND_AHEAD_MS } from '../../src/swarm/uploader';
import { BLOCK_BYTES, type WireMessage } from '../../src/wire/messages';
import { hostileSetup, SEGMENT_BYTES, type HostileSession } from '../hostile/hostile-peer';
import { sleepVirtual, waitVirtual } from '../sim/virtual-wait';

const T = { timeout: 60_000 };
const BLOCKS = Math.ceil(SEGMENT_BYTES / BLOCK_BYTES);

/** Asks for every block of `segmentId`; returns the request ids, in order. */
function requestSegment(session: HostileSession, segmentId: number, firstRequestId: number): number[] {
  return Array.from({ length: BLOCKS }, (_, block) => {
    const requestId = firstRequestId + block;
    const offsetBytes = block * BLOCK_BYTES;
    session.send({ type: 'request', requestId, renditionId: 'r', segmentId, offsetBytes, lengthBytes: Math.min(BLOCK_BYTES, SEGMENT_BYTES - offsetBytes) });
    return requestId;
  });
}

/** Counts the data bytes the session receives, and when (clock ms) each request's first byte came. */
function watchData(session: HostileSession, clock: { now(): number }): { bytes: number; firstByteAtMs: Map<number, number> } {
  const seen = { bytes: 0, firstByteAtMs: new Map<number, number>() };
  session.transport.on('frame', () => {
    for (const message of session.received.splice(0) as WireMessage[]) {
      if (message.type !== 'data') continue;
      seen.bytes += message.payload.byteLength;
      if (!seen.firstByteAtMs.has(message.requestId)) seen.firstByteAtMs.set(message.requestId, clock.now());
    }
  });
  return seen;
}

test('a cancelled request costs at most the send budget of upload, not the rest of the segment', T, async () => {
  const linkBytesPerSec = 200_000;
  const sim = hostileSetup();
  try {
    await sim.loadAll();
    const peer = await sim.connect({ linkBytesPerSec });
    const seen = watchData(peer, sim.clock);
    const ids = requestSegment(peer, 0, 1);
    await sleepVirtual(sim.clock, 1_000);
    const beforeCancelBytes = seen.bytes;
    // The line it measured while busy (what the send budget and the policy's fast-uploader rule read).
    const measured = (sim.victim as unknown as { swarm: { uplinkBytesPerSec: number | undefined } }).swarm.uplinkBytesPerSec;
    console.log(`# link ${linkBytesPerSec} B/s measured as ${Math.round(measured ?? 0)} B/s after 1 s`);
    assert.ok(measured !== undefined && Math.abs(measured - linkBytesPerSec) < linkBytesPerSec / 2, `uplink measured ${measured} B/s`);
    assert.ok(beforeCancelBytes > 0 && beforeCancelBytes < SEGMENT_BYTES, `${beforeCancelBytes} bytes in the first second`);
    for (const requestId of ids) peer.send({ type: 'cancel', requestId });
    await sleepVirtual(sim.clock, 10_000);
    const afterCancelBytes = seen.bytes - beforeCancelBytes;
    // What sat in the send buffer (the budget) plus the block being handed over; the other blocks, never.
    const budgetBytes = Math.max(MIN_SEND_BUDGET_BYTES, (linkBytesPerSec * SEND_AHEAD_MS) / 1000);
    console.log(`# link ${linkBytesPerSec} B/s: ${beforeCancelBytes} bytes before the cancel, ${afterCancelBytes} after (budget ${budgetBytes})`);
    assert.ok(afterCancelBytes <= budgetBytes + BLOCK_BYTES, `${afterCancelBytes} bytes sent after the cancel`);
    assert.ok(afterCancelBytes < SEGMENT_BYTES - beforeCancelBytes, 'the cancel saved upload');
    assert.equal(sim.closed.has(peer.peerId), false);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('blocks go out in the order they were asked for, across peers: the first requester is served first', T, async () => {
  const sim = hostileSetup();
  try {
    await sim.loadAll();
    const first = await sim.connect({ linkBytesPerSec: 500_000 });
    const second = await sim.connect({ linkBytesPerSec: 500_000 });
    const firstSeen = watchData(first, sim.clock);
    const secondSeen = watchData(second, sim.clock);
    const firstIds = requestSegment(first, 1, 1);
    await sleepVirtual(sim.clock, 20);
    const secondIds = requestSegment(second, 1, 1);
    await waitVirtual(sim.clock, () => firstSeen.bytes === SEGMENT_BYTES && secondSeen.bytes === SEGMENT_BYTES);
    const firstDoneAtMs = Math.max(...firstIds.map((id) => firstSeen.firstByteAtMs.get(id)!));
    const secondStartAtMs = Math.min(...secondIds.map((id) => secondSeen.firstByteAtMs.get(id)!));
    // The second's first blocks may use room the first's last ones leave in the budget; never more.
    const secondEarly = secondIds.filter((id) => secondSeen.firstByteAtMs.get(id)! < firstDoneAtMs).length;
    console.log(`# first requester's last block at ${firstDoneAtMs - secondStartAtMs} ms after the second's first; ${secondEarly} of the second's blocks before it`);
    assert.ok(secondEarly <= MIN_SEND_BUDGET_BYTES / BLOCK_BYTES + 1, `${secondEarly} of the second requester's blocks came before the first's last`);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});
