/**
 * Issue 18, upload pacing: the uploader measures how fast its connections drain and answers `busy` to a
 * request that would wait behind more than `MAX_UPLOAD_BACKLOG_MS` of promised upload — while every
 * request it accepted is served in full, and a request to an idle uploader is never refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SAMPLE_MS, UplinkEstimator } from '../../src/limits/uplink-estimator';
import { MAX_UPLOAD_BACKLOG_MS } from '../../src/swarm/uploader';
import { BLOCK_BYTES, type WireMessage } from '../../src/wire/messages';
import { hostileSetup, SEGMENTS, SEGMENT_BYTES } from '../hostile/hostile-peer';
import { sleepVirtual, waitVirtual } from '../sim/virtual-wait';

const T = { timeout: 60_000 };

test('UplinkEstimator: a rate only from intervals the queues stayed busy through', () => {
  const uplink = new UplinkEstimator();
  uplink.observe(0, 1_000_000, 900_000);
  assert.equal(uplink.bytesPerSec, undefined, 'one look is no rate');
  uplink.observe(MIN_SAMPLE_MS / 2, 1_000_000, 890_000);
  assert.equal(uplink.bytesPerSec, undefined, 'too short an interval is merged into the next');
  uplink.observe(1_000, 1_000_000, 700_000);
  assert.equal(uplink.bytesPerSec, 200_000);
  // Emptied: the interval may hold idle time; no sample, and the next busy period starts afresh.
  uplink.observe(5_000, 1_000_000, 0);
  uplink.observe(6_000, 1_500_000, 400_000);
  assert.equal(uplink.bytesPerSec, 200_000);
  uplink.observe(7_000, 1_500_000, 300_000);
  assert.equal(uplink.bytesPerSec, 200_000 + 0.3 * (100_000 - 200_000));
});

test('UplinkEstimator: an interval in which no frame finished leaving is merged into the next, not read as 0', () => {
  const uplink = new UplinkEstimator();
  uplink.observe(0, 64_000, 64_000);
  // 200 ms later the 64 kB frame is still on a 200 kB/s line (320 ms): nothing drained, no sample.
  uplink.observe(200, 128_000, 128_000);
  assert.equal(uplink.bytesPerSec, undefined);
  // At 320 ms the first frame is out: one sample over the whole 320 ms, the line's rate.
  uplink.observe(320, 128_000, 64_000);
  assert.equal(uplink.bytesPerSec, 200_000);
});

test('UplinkEstimator: a queue that ran empty between two sends is no sample, even when neither look saw it empty', () => {
  const uplink = new UplinkEstimator();
  // A fast line: each 64 kB block leaves within milliseconds of its send; the next send comes 2 s later.
  uplink.observe(0, 64_000, 64_000);
  uplink.observe(2_000, 128_000, 64_000);
  uplink.observe(4_000, 192_000, 64_000);
  assert.equal(uplink.bytesPerSec, undefined, 'not 32 kB/s: the line idled between the sends');
  // Busy through: the second block was sent while the first was still queued; it drained 200 kB/s.
  uplink.observe(4_050, 256_000, 118_000);
  uplink.observe(4_370, 256_000, 54_000);
  assert.equal(uplink.bytesPerSec, 200_000);
});

test('a slow uplink answers busy past MAX_UPLOAD_BACKLOG_MS of promised bytes, and serves every request it accepted', T, async () => {
  const linkBytesPerSec = 200_000;
  const sim = hostileSetup();
  try {
    for (const segment of SEGMENTS) await sim.victim.loadSegment(segment);
    const peer = await sim.connect({ linkBytesPerSec });
    const dataBytes = new Map<number, number>();
    const busy = new Set<number>();
    peer.transport.on('frame', () => {
      for (const message of peer.received.splice(0) as WireMessage[]) {
        if (message.type === 'data') dataBytes.set(message.requestId, (dataBytes.get(message.requestId) ?? 0) + message.payload.byteLength);
        if (message.type === 'absent' && message.reason === 'busy') busy.add(message.requestId);
      }
    });
    let requestId = 0;
    const request = (segmentId: number, block: number): number => {
      const offsetBytes = block * BLOCK_BYTES;
      peer.send({ type: 'request', requestId: ++requestId, renditionId: 'r', segmentId, offsetBytes, lengthBytes: Math.min(BLOCK_BYTES, SEGMENT_BYTES - offsetBytes) });
      return requestId;
    };
    const blocksPerSegment = Math.ceil(SEGMENT_BYTES / BLOCK_BYTES);
    // An idle uploader with no measured rate accepts: the first segment's blocks (≈ 5 s at this rate).
    const first = Array.from({ length: blocksPerSegment }, (_, block) => request(0, block));
    await sleepVirtual(sim.clock, 1_000);
    assert.equal(busy.size, 0, 'nothing refused before the line was measured');
    // Now the rate is known and ~4 s are promised: the next two segments' requests are refused.
    const later = [1, 2].flatMap((segmentId) => Array.from({ length: blocksPerSegment }, (_, block) => request(segmentId, block)));
    // The answers queue behind the data already in the channel (one ordered channel, as WebRTC's).
    await waitVirtual(sim.clock, () => later.every((id) => busy.has(id) || dataBytes.has(id)));
    assert.equal(busy.size, later.length, `all ${later.length} refused (busy), got ${busy.size}`);
    // Every accepted request is served in full; the peer is never dropped for asking.
    await waitVirtual(sim.clock, () => first.every((id) => dataBytes.has(id) && dataBytes.get(id) === Math.min(BLOCK_BYTES, SEGMENT_BYTES - (id - 1) * BLOCK_BYTES)));
    assert.equal(sim.closed.has(peer.peerId), false);
    // Drained: the uploader accepts again, and refuses only what would wait too long at the measured rate.
    const blocksInBacklog = Math.floor(((MAX_UPLOAD_BACKLOG_MS / 1000) * linkBytesPerSec) / BLOCK_BYTES);
    const again = Array.from({ length: blocksPerSegment }, (_, block) => request(1, block));
    await waitVirtual(sim.clock, () => again.every((id) => busy.has(id) || dataBytes.get(id) === Math.min(BLOCK_BYTES, SEGMENT_BYTES - (id - 1 - later.length - first.length) * BLOCK_BYTES)));
    const accepted = again.filter((id) => !busy.has(id)).length;
    console.log(`uplink ${linkBytesPerSec} B/s: accepted ${accepted} of ${again.length} block requests at once (≈ ${blocksInBacklog} fit ${MAX_UPLOAD_BACKLOG_MS} ms)`);
    assert.ok(accepted >= 1 && accepted <= blocksInBacklog + 2, `accepted ${accepted}`);
    assert.deepEqual(sim.engineErrors, []);
  } finally {
    sim.destroy();
  }
});
