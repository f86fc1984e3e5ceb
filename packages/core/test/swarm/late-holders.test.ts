/**
 * Issue 18: a running peer download takes holders that appear after it started. Live, the first holders of
 * a segment are asked by everyone at once and their uplinks queue every request; viewers that finished it
 * since can serve it, and a download that kept only its first holders waited for the busy ones or went to
 * the origin. A peer set aside by the download (it failed it) is not offered again; one that answered
 * `busy` is asked for nothing more, but delivers what it accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IN_FLIGHT_GUESS_BLOCKS } from '../../src/download/p2p-download';
import { BLOCK_BYTES, type WireMessage } from '../../src/wire/messages';
import { hostileSetup, SEGMENTS, SEGMENT_BYTES, type HostileSession } from '../hostile/hostile-peer';
import { sleepVirtual } from '../sim/virtual-wait';

const T = { timeout: 60_000 };
/** Starts 4 s after the playhead: peers fit its deadline, and the victim's HTTP estimate (its default) does not beat them. */
const SEGMENT = SEGMENTS[2]!;

/** The victim has buffered up to `SEGMENT` (not started yet): the player does not wait for it now (policy rule 10). */
function bufferedUpToSegment(sim: ReturnType<typeof hostileSetup>): ReturnType<typeof hostileSetup> {
  sim.victim.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: SEGMENT.startTimeSec, activeRenditions: ['r'] });
  return sim;
}

/** Answers every request for `SEGMENT` with the origin's bytes, and counts the blocks it served. */
function serveHonestly(session: HostileSession, bytes: Uint8Array): { blocks: number } {
  const served = { blocks: 0 };
  session.transport.on('frame', () => {
    for (const message of session.received.splice(0) as WireMessage[]) {
      if (message.type !== 'request' || message.segmentId !== SEGMENT.segmentId) continue;
      const payload = bytes.subarray(message.offsetBytes, message.offsetBytes + message.lengthBytes);
      session.send({ type: 'data', requestId: message.requestId, offsetBytes: message.offsetBytes, payload });
      served.blocks++;
    }
  });
  return served;
}

test('a holder that appears while a peer download waits on a silent one joins it, and delivers', T, async () => {
  // The silent holder's requests time out (2 s) while HTTP for them would still make the deadline.
  const sim = bufferedUpToSegment(hostileSetup({ peerRequestTimeoutMs: 2_000 }));
  try {
    const held = [{ segmentId: SEGMENT.segmentId, sizeBytes: SEGMENT_BYTES, partial: false }];
    const silent = await sim.connect({ holdings: held });
    const load = sim.victim.loadSegment(SEGMENT);
    await sleepVirtual(sim.clock, 300);
    const requestsToSilent = silent.received.filter((m) => m.type === 'request').length;
    assert.ok(requestsToSilent > 0, 'the download started on the first holder');
    const startedAtMs = sim.clock.now();
    const honest = await sim.connect({ holdings: held });
    const served = serveHonestly(honest, sim.origin.bytesOf(SEGMENT.url));
    const blocks = Math.ceil(SEGMENT_BYTES / BLOCK_BYTES);
    // Before the silent holder's requests time out: the newcomer took its share of them at once
    // (all but the first holder's next few, which may be on the wire already).
    await sleepVirtual(sim.clock, 1_000);
    const shareable = blocks - IN_FLIGHT_GUESS_BLOCKS;
    assert.ok(served.blocks >= Math.floor(shareable / 2), `the new holder served ${served.blocks} of ${blocks} blocks within 1 s`);
    const result = await load;
    assert.ok(sim.clock.now() - startedAtMs > 1_000);
    assert.equal(result.source, 'p2p');
    assert.deepEqual(result.peerIds, [honest.peerId]);
    assert.equal(served.blocks, blocks, 'every block came from the new holder (the silent one’s timed out to it)');
    assert.ok(Buffer.from(result.bytes).equals(Buffer.from(sim.origin.bytesOf(SEGMENT.url))), 'the origin’s bytes');
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('a holder that answered busy is not asked again by the same download', T, async () => {
  const sim = bufferedUpToSegment(hostileSetup());
  try {
    const held = [{ segmentId: SEGMENT.segmentId, sizeBytes: SEGMENT_BYTES, partial: false }];
    const busy = await sim.connect({ holdings: held });
    let busyAnswers = 0;
    busy.transport.on('frame', () => {
      for (const message of busy.received.splice(0) as WireMessage[]) {
        if (message.type !== 'request') continue;
        busyAnswers++;
        busy.send({ type: 'absent', requestId: message.requestId, reason: 'busy' });
      }
    });
    const honest = await sim.connect({ holdings: held });
    const served = serveHonestly(honest, sim.origin.bytesOf(SEGMENT.url));
    const result = await sim.victim.loadSegment(SEGMENT);
    assert.equal(result.source, 'p2p');
    assert.deepEqual(result.peerIds, [honest.peerId]);
    assert.ok(served.blocks > 0);
    // The busy holder heard at most its first pipeline of requests, once: it was set aside, not re-added.
    assert.ok(busyAnswers <= served.blocks, `busy answers ${busyAnswers}`);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('a holder that answers busy to later requests still delivers the ones it accepted: none is cancelled', T, async () => {
  const sim = bufferedUpToSegment(hostileSetup());
  try {
    const held = [{ segmentId: SEGMENT.segmentId, sizeBytes: SEGMENT_BYTES, partial: false }];
    const partlyBusy = await sim.connect({ holdings: held });
    const bytes = sim.origin.bytesOf(SEGMENT.url);
    const accepted: WireMessage[] = [];
    const cancelled: number[] = [];
    partlyBusy.transport.on('frame', () => {
      for (const message of partlyBusy.received.splice(0) as WireMessage[]) {
        if (message.type === 'cancel') cancelled.push(message.requestId);
        if (message.type !== 'request') continue;
        if (accepted.length >= 3) partlyBusy.send({ type: 'absent', requestId: message.requestId, reason: 'busy' });
        else accepted.push(message);
      }
    });
    const load = sim.victim.loadSegment(SEGMENT);
    // The accepted blocks come a while after the busy answers (a queue that was full).
    await sleepVirtual(sim.clock, 500);
    for (const message of accepted) {
      if (message.type !== 'request') continue;
      const payload = bytes.subarray(message.offsetBytes, message.offsetBytes + message.lengthBytes);
      partlyBusy.send({ type: 'data', requestId: message.requestId, offsetBytes: message.offsetBytes, payload });
    }
    const result = await load;
    assert.equal(accepted.length, 3);
    assert.deepEqual(cancelled, [], 'no request the busy holder accepted was cancelled');
    assert.equal(result.p2pBytes, 3 * BLOCK_BYTES, 'its accepted blocks were used; the origin sent only the rest');
    assert.ok(Buffer.from(result.bytes).equals(Buffer.from(bytes)), 'the origin’s bytes');
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('hostile: a holder that answers busy and never sends what it accepted cannot stall the load', T, async () => {
  const sim = bufferedUpToSegment(hostileSetup({ peerRequestTimeoutMs: 1_000 }));
  try {
    const held = [{ segmentId: SEGMENT.segmentId, sizeBytes: SEGMENT_BYTES, partial: false }];
    const liar = await sim.connect({ holdings: held });
    let accepted = 0;
    liar.transport.on('frame', () => {
      for (const message of liar.received.splice(0) as WireMessage[]) {
        if (message.type !== 'request') continue;
        // Accepts the first three (and sends nothing for them), refuses the rest as busy.
        if (accepted++ >= 3) liar.send({ type: 'absent', requestId: message.requestId, reason: 'busy' });
      }
    });
    const result = await sim.victim.loadSegment(SEGMENT);
    assert.ok(accepted > 3, 'it was asked, and refused as busy');
    assert.equal(result.p2pBytes, 0, 'nothing came from it');
    assert.ok(Buffer.from(result.bytes).equals(Buffer.from(sim.origin.bytesOf(SEGMENT.url))), 'the origin’s bytes, in time');
    assert.deepEqual(sim.failures, []);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});
