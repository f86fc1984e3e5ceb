/**
 * Issue 17, "the engine never wedges": a bug of ours thrown from a segment's download step, a timer or a
 * peer message is caught at its single entry point, reported as `engine:error` (`internal-error`), and
 * the segment still loads over HTTP; no uncaught exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { guardedClock } from '../../src/clock/guarded-clock';
import { SegmentDownload } from '../../src/download/segment-download';
import type { ShoalError } from '../../src/errors';
import { Peer } from '../../src/swarm/peer';
import { hostileSetup, SEGMENTS } from './hostile-peer';
import { waitVirtual } from '../sim/virtual-wait';

test('a download step that throws: engine:error with the segment key, the segment comes over HTTP', { timeout: 30_000 }, async () => {
  const original = SegmentDownload.prototype.startHttp;
  let throws = 1;
  SegmentDownload.prototype.startHttp = function (this: SegmentDownload) {
    if (throws-- > 0) throw new RangeError('Array buffer allocation failed');
    return original.call(this);
  };
  const sim = hostileSetup();
  try {
    const keyed: Array<{ error: ShoalError; key?: unknown }> = [];
    sim.victim.on('engine:error', (event) => keyed.push(event));
    const result = await sim.victim.loadSegment(SEGMENTS[0]!);
    assert.equal(result.source, 'http');
    assert.deepEqual(result.bytes, sim.origin.bytesOf(SEGMENTS[0]!.url));
    assert.equal(keyed.length, 1);
    assert.equal(keyed[0]!.error.code, 'internal-error');
    assert.deepEqual(keyed[0]!.key, { renditionId: 'r', segmentId: 0 });
    await sim.loadAll();
  } finally {
    SegmentDownload.prototype.startHttp = original;
    sim.destroy();
  }
});

test('a timer callback that throws is reported, and later timers still run', () => {
  const clock = new VirtualClock();
  const errors: ShoalError[] = [];
  const guarded = guardedClock(clock, (error) => errors.push(error));
  let ran = false;
  guarded.setTimeout(() => {
    throw new TypeError('boom');
  }, 10);
  guarded.setTimeout(() => (ran = true), 20);
  clock.advance(30);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'internal-error');
  assert.ok(ran);
});

test('a peer message whose handling throws drops that peer with internal-error (engine:error), loads go on', { timeout: 30_000 }, async () => {
  const sim = hostileSetup();
  try {
    const hostile = await sim.connect();
    const peer = sim.peerOf(hostile)!;
    assert.ok(peer instanceof Peer);
    peer.on('interest', () => {
      throw new Error('a listener bug');
    });
    hostile.send({ type: 'interest', playing: ['r'] });
    await waitVirtual(sim.clock, () => sim.closed.has(hostile.peerId));
    assert.equal(sim.closed.get(hostile.peerId)?.code, 'internal-error');
    assert.equal(sim.engineErrors.length, 1);
    await sim.loadAll();
  } finally {
    sim.destroy();
  }
});
