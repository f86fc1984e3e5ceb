/**
 * Issue 17, the hostile-peer suite: one scripted peer per test against a real engine on the in-memory
 * transport, a row of the table each (have flood, request flood, cancel flood, amplification,
 * 4 GiB claim), plus lies about holdings, requests past the end and a flood of every message type. Each
 * asserts the victim's structures stayed under their caps (`limits/peer-limits.ts`), the peer was
 * dropped with a typed reason where it went past one, no `engine:error`, and every `loadSegment` of the
 * victim succeeded with the origin's bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_PEER_HELD_SEGMENTS,
  MAX_PEER_QUEUED_REQUEST_BYTES,
  MAX_PEER_QUEUED_REQUESTS,
} from '../../src/limits/peer-limits';
import { MessageType, type HeldSegment } from '../../src/wire/messages';
import { sleepVirtual, waitVirtual } from '../sim/virtual-wait';
import { hostileSetup, SEGMENT_BYTES, SEGMENTS } from './hostile-peer';

const T = { timeout: 60_000 };

function assertDroppedFor(closed: Map<string, { code: string; limit?: string } | undefined>, peerId: string, code: string, limit?: string): void {
  const reason = closed.get(peerId);
  assert.equal(reason?.code, code, `dropped with ${code}, got ${reason?.code}`);
  if (limit) assert.equal(reason?.limit, limit);
}

test('have flood (the 12.5 MiB row): the peer is dropped at MAX_PEER_HELD_SEGMENTS; loads succeed', T, async () => {
  const sim = hostileSetup();
  try {
    const hostile = await sim.connect();
    const peer = sim.peerOf(hostile)!;
    let maxHeld = 0;
    peer.on('holdings', () => (maxHeld = Math.max(maxHeld, peer.heldSegmentCount)));
    // 4,000 fresh segment ids per frame (13 B each, ~52 KB), 1,000 frames (~50 MB) if nobody stopped it.
    let sentBytes = 0;
    for (let frame = 0; frame < 1_000 && !hostile.transport.closed; frame++) {
      const segments: HeldSegment[] = Array.from({ length: 4_000 }, (_, i) => ({ segmentId: 1_000 + frame * 4_000 + i, sizeBytes: SEGMENT_BYTES, partial: false }));
      hostile.announce('have', 'r', segments);
      sentBytes += 4_000 * 13;
      if (frame % 10 === 9) await sleepVirtual(sim.clock, 10);
    }
    await waitVirtual(sim.clock, () => sim.closed.has(hostile.peerId));
    assertDroppedFor(sim.closed, hostile.peerId, 'peer-limit-exceeded', 'held-segments');
    assert.ok(maxHeld <= MAX_PEER_HELD_SEGMENTS, `held ${maxHeld}`);
    assert.ok(sentBytes > MAX_PEER_HELD_SEGMENTS * 13);
    await sim.loadAll();
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('request flood (500,000 requests row): the queue stops at MAX_PEER_QUEUED_REQUESTS and the peer is dropped', T, async () => {
  const sim = hostileSetup();
  try {
    await sim.victim.loadSegment(SEGMENTS[0]!);
    const hostile = await sim.connect();
    const peer = sim.peerOf(hostile)!;
    let maxQueued = 0;
    peer.on('request', () => (maxQueued = Math.max(maxQueued, sim.outstandingUploads(peer).requests)));
    for (let i = 0; i < 5_000 && !hostile.transport.closed; i++) {
      hostile.send({ type: 'request', requestId: i + 1, renditionId: 'r', segmentId: 0, offsetBytes: i * 100, lengthBytes: 100 });
    }
    await waitVirtual(sim.clock, () => sim.closed.has(hostile.peerId));
    assertDroppedFor(sim.closed, hostile.peerId, 'peer-limit-exceeded', 'queued-requests');
    assert.ok(maxQueued <= MAX_PEER_QUEUED_REQUESTS, `queued ${maxQueued}`);
    assert.equal(sim.outstandingUploads(peer).requests, 0, 'its queue is freed with it');
    await sim.loadAll();
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('requested bytes past MAX_PEER_QUEUED_REQUEST_BYTES: dropped', T, async () => {
  const sim = hostileSetup();
  try {
    const hostile = await sim.connect();
    // Distinct segments (none held): 40 × 1 MB asked at once is past 32 MiB.
    for (let i = 0; i < 40; i++) hostile.send({ type: 'request', requestId: i + 1, renditionId: 'r', segmentId: 100 + i, offsetBytes: 0, lengthBytes: SEGMENT_BYTES });
    await waitVirtual(sim.clock, () => sim.closed.has(hostile.peerId));
    assertDroppedFor(sim.closed, hostile.peerId, 'peer-limit-exceeded', 'queued-request-bytes');
    assert.ok(40 * SEGMENT_BYTES > MAX_PEER_QUEUED_REQUEST_BYTES);
    await sim.loadAll();
  } finally {
    sim.destroy();
  }
});

test('cancel flood (1,000,000 cancels row): cancels of requests never made are ignored, nothing is stored', T, async () => {
  const sim = hostileSetup();
  try {
    await sim.victim.loadSegment(SEGMENTS[0]!);
    const hostile = await sim.connect();
    const peer = sim.peerOf(hostile)!;
    for (let i = 0; i < 100_000; i++) {
      hostile.send({ type: 'cancel', requestId: i + 1 });
      if (i % 10_000 === 9_999) await sleepVirtual(sim.clock, 10);
    }
    await sleepVirtual(sim.clock, 100);
    assert.deepEqual(sim.outstandingUploads(peer), { requests: 0, bytes: 0 });
    // A real request after them is served whole: nothing of the flood stuck.
    hostile.send({ type: 'request', requestId: 7, renditionId: 'r', segmentId: 0, offsetBytes: 0, lengthBytes: 1_000 });
    await waitVirtual(sim.clock, () => hostile.received.some((m) => m.type === 'data' && m.requestId === 7));
    await sim.loadAll();
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('amplification (the 4,600 bytes → 190.7 MiB row): 200 whole-segment requests upload at most one segment, the peer is dropped', T, async () => {
  const sim = hostileSetup();
  try {
    await sim.victim.loadSegment(SEGMENTS[0]!);
    const hostile = await sim.connect();
    let uploadedBytes = 0;
    sim.victim.on('bytes:uploaded', ({ sizeBytes }) => (uploadedBytes += sizeBytes));
    let requestBytes = 0;
    for (let i = 0; i < 200; i++) {
      requestBytes += 23;
      hostile.send({ type: 'request', requestId: i + 1, renditionId: 'r', segmentId: 0, offsetBytes: 0, lengthBytes: SEGMENT_BYTES });
    }
    await waitVirtual(sim.clock, () => sim.closed.has(hostile.peerId));
    await sleepVirtual(sim.clock, 2_000);
    assertDroppedFor(sim.closed, hostile.peerId, 'peer-limit-exceeded', 'duplicate-request');
    console.log(`amplification: ${requestBytes} bytes of requests → ${uploadedBytes} bytes uploaded (was 190.7 MiB)`);
    assert.ok(uploadedBytes <= SEGMENT_BYTES, `uploaded ${uploadedBytes}`);
    await sim.loadAll();
  } finally {
    sim.destroy();
  }
});

test('maxPeerUploadBytesPerSec: a peer asking for everything receives no faster than the rate (token bucket on the clock)', T, async () => {
  const rate = 200_000;
  const sim = hostileSetup({ maxPeerUploadBytesPerSec: rate });
  try {
    await sim.victim.loadSegment(SEGMENTS[0]!);
    const hostile = await sim.connect();
    let uploadedBytes = 0;
    sim.victim.on('bytes:uploaded', ({ sizeBytes }) => (uploadedBytes += sizeBytes));
    const startMs = sim.clock.now();
    hostile.send({ type: 'request', requestId: 1, renditionId: 'r', segmentId: 0, offsetBytes: 0, lengthBytes: SEGMENT_BYTES });
    await sleepVirtual(sim.clock, 2_000);
    const elapsedSec = (sim.clock.now() - startMs) / 1000;
    // At most one second's burst plus the rate over the elapsed time.
    assert.ok(uploadedBytes <= rate * (1 + elapsedSec), `uploaded ${uploadedBytes} in ${elapsedSec} s`);
    assert.ok(uploadedBytes > 0);
  } finally {
    sim.destroy();
  }
});

test('a 4 GiB size claim: nothing beyond maxSegmentBytes is allocated, the segment comes over HTTP, the liar is dropped', T, async () => {
  const sim = hostileSetup();
  try {
    const hostile = await sim.connect({ holdings: SEGMENTS.map((s) => ({ segmentId: s.segmentId, sizeBytes: 0xffff_ffff, partial: false })) });
    hostile.transport.on('frame', () => undefined);
    const heapBefore = process.memoryUsage().arrayBuffers;
    const result = await sim.victim.loadSegment(SEGMENTS[1]!);
    assert.equal(result.source, 'http');
    assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 64 * 1024 * 1024, 'no 4 GiB buffer');
    await sleepVirtual(sim.clock, 100);
    assertDroppedFor(sim.closed, hostile.peerId, 'peer-wrong-size');
    await sim.loadAll();
    assert.deepEqual(sim.failures, []);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('lies about holdings: announced segments answered with absent, lost for segments never announced; loads come over HTTP', T, async () => {
  const sim = hostileSetup();
  try {
    const hostile = await sim.connect({ holdings: SEGMENTS.map((s) => ({ segmentId: s.segmentId, sizeBytes: SEGMENT_BYTES, partial: false })) });
    hostile.transport.on('frame', (frame) => {
      if (frame[0] !== MessageType.request) return;
      const requestId = new DataView(frame.buffer, frame.byteOffset).getUint32(1);
      hostile.send({ type: 'absent', requestId, reason: 'notHeld' });
    });
    hostile.send({ type: 'lost', renditionId: 'r', segmentIds: Array.from({ length: 5_000 }, (_, i) => 10_000 + i) });
    hostile.send({ type: 'lost', renditionId: 'nope', segmentIds: [1, 2, 3] });
    await sleepVirtual(sim.clock, 50);
    const peer = sim.peerOf(hostile);
    assert.equal(peer?.heldSegmentCount, SEGMENTS.length, 'lost for ids never announced changes nothing');
    await sim.loadAll();
    assert.deepEqual(sim.failures, []);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});

test('requests past the end, or for more than the segment: refused with absent, no byte sent', T, async () => {
  const sim = hostileSetup();
  try {
    await sim.victim.loadSegment(SEGMENTS[0]!);
    const hostile = await sim.connect();
    // One at a time: overlapping requests outstanding together would be duplicates (dropped).
    const absents = (): number => hostile.received.filter((m) => m.type === 'absent').length;
    hostile.send({ type: 'request', requestId: 1, renditionId: 'r', segmentId: 0, offsetBytes: SEGMENT_BYTES - 10, lengthBytes: 100 });
    await waitVirtual(sim.clock, () => absents() === 1);
    hostile.send({ type: 'request', requestId: 2, renditionId: 'r', segmentId: 0, offsetBytes: 0, lengthBytes: SEGMENT_BYTES + 1 });
    await waitVirtual(sim.clock, () => absents() === 2);
    hostile.send({ type: 'request', requestId: 3, renditionId: 'r', segmentId: 99, offsetBytes: 0, lengthBytes: 100 });
    await waitVirtual(sim.clock, () => absents() === 3);
    assert.equal(sim.closed.has(hostile.peerId), false, 'refused, not dropped');
    assert.equal(hostile.received.filter((m) => m.type === 'data').length, 0);
    await sim.loadAll();
  } finally {
    sim.destroy();
  }
});

test('a flood of every message type: each peer ends dropped or harmless, the victim bounded and loading', T, async () => {
  const sim = hostileSetup();
  try {
    const floods: Array<[string, (n: number) => Uint8Array | undefined, boolean]> = [];
    const { encodeMessage } = await import('../../src/wire/codec');
    const hash = '00'.repeat(20);
    const each = (type: string, make: (n: number) => Parameters<typeof encodeMessage>[0], dropped: boolean): void => {
      floods.push([type, (n) => encodeMessage(make(n)), dropped]);
    };
    each('handshake', () => ({ type: 'handshake', version: 2, swarmHashHex: hash, uploadEnabled: true, playing: [] }), true);
    each('data', (n) => ({ type: 'data', requestId: n + 1, offsetBytes: 0, payload: new Uint8Array(100) }), true);
    each('absent', (n) => ({ type: 'absent', requestId: n + 1, reason: 'busy' }), false);
    each('choke', () => ({ type: 'choke' }), false);
    each('unchoke', () => ({ type: 'unchoke' }), false);
    each('interest', (n) => ({ type: 'interest', playing: [`r${n % 50}`] }), false);
    each('cancel', (n) => ({ type: 'cancel', requestId: n }), false);
    each('lost', (n) => ({ type: 'lost', renditionId: 'r', segmentIds: [n] }), false);
    floods.push(['unknown type', () => Uint8Array.of(0x7f, 1, 2, 3), false]);
    floods.push(['malformed', () => Uint8Array.of(MessageType.request, 1), true]);
    each('goodbye', () => ({ type: 'goodbye', reason: 'protocolError' }), true);
    for (const [type, frameOf, dropped] of floods) {
      const hostile = await sim.connect();
      for (let n = 0; n < 20_000 && !hostile.transport.closed; n++) {
        hostile.sendFrame(frameOf(n)!);
        if (n % 5_000 === 4_999) await sleepVirtual(sim.clock, 10);
      }
      await sleepVirtual(sim.clock, 100);
      assert.equal(sim.closed.has(hostile.peerId), dropped, `${type}: dropped ${dropped}`);
      const peer = sim.peerOf(hostile);
      if (peer) {
        assert.ok(peer.heldSegmentCount <= MAX_PEER_HELD_SEGMENTS);
        assert.deepEqual(sim.outstandingUploads(peer), { requests: 0, bytes: 0 }, type);
        hostile.transport.destroy();
      }
    }
    await sim.loadAll();
    assert.deepEqual(sim.failures, []);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});
