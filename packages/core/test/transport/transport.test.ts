/**
 * Every transport against the one contract (`../transport-contract.ts`), plus what is particular to each.
 * The node-datachannel part needs ICE candidates: run inside `scripts/netns-run.sh`. The same contract runs
 * in Chromium on its own RTCPeerConnection from `../browser/transport.spec.ts` (karma).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemClock } from '../../src/clock/system-clock';
import { isShoalError } from '../../src/errors';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { installNodeEndOfCandidatesFix } from '../../src/node';
import { createMemoryTransportPair } from '../../src/transport/memory-transport';
import { SimplePeerTransport, type SimplePeerLike } from '../../src/transport/simple-peer-transport';
import { sleep } from '../support/wait';
import { runTransportContract } from '../transport-contract';
import { connectPeers, connectSimplePeerTransports, peerGone, randomPeerId as peerId } from './simple-peer-pair';

const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

runTransportContract('memory, system clock, 2 ms latency, 256 MiB/s', async () => {
  const peerIds: [string, string] = [peerId(), peerId()];
  const [a, b] = createMemoryTransportPair({
    clock: systemClock,
    peerIds,
    latencyMs: 2,
    bandwidthBytesPerSec: 256 * 1024 * 1024,
  });
  return { a, b, peerIds };
});

runTransportContract('memory, auto-advanced virtual clock, 40 ms latency, 8 MiB/s', async () => {
  const clock = new VirtualClock();
  const stop = clock.autoAdvance({ yieldToHost });
  const peerIds: [string, string] = [peerId(), peerId()];
  const [a, b] = createMemoryTransportPair({ clock, peerIds, latencyMs: 40, bandwidthBytesPerSec: 8 * 1024 * 1024 });
  return {
    a,
    b,
    peerIds,
    teardown: () => {
      stop();
      assert.equal(clock.pendingTimers, 0, 'timers left after both ends closed');
    },
  };
});

describe('MemoryTransport on a virtual clock', () => {
  /** 100,000 bytes/s: a 1,000-byte frame takes 10 ms to serialize. */
  const link = { latencyMs: 5, bandwidthBytesPerSec: 100_000 };
  const memoryPair = (options: { latencyMs?: number; bandwidthBytesPerSec?: number; lowWaterMarkBytes?: number }) => {
    const clock = new VirtualClock();
    const [a, b] = createMemoryTransportPair({ clock, peerIds: [peerId(), peerId()], ...options });
    const arrivals: string[] = [];
    b.on('frame', (frame) => arrivals.push(`${frame.byteLength}#${frame[0]}@${clock.now()}`));
    return { clock, a, b, arrivals };
  };
  const frameOf = (sizeBytes: number, tag: number): Uint8Array => new Uint8Array(sizeBytes).fill(tag);

  test('a frame arrives after its serialization plus the latency, queued behind earlier frames', () => {
    const { clock, a, arrivals } = memoryPair(link);
    a.send(frameOf(1_000, 1));
    a.send(frameOf(1_000, 2));
    a.send(frameOf(500, 3));
    assert.equal(a.bufferedAmount, 2_500);
    clock.advance(10);
    assert.equal(a.bufferedAmount, 1_500);
    clock.advance(15);
    assert.equal(a.bufferedAmount, 0);
    clock.advance(100);
    assert.deepEqual(arrivals, ['1000#1@15', '1000#2@25', '500#3@30']);
    assert.equal(clock.pendingTimers, 0);
  });

  test('drain fires once, when bufferedAmount falls to the low-water mark, and only after being above it', () => {
    const { clock, a } = memoryPair({ ...link, lowWaterMarkBytes: 1_000 });
    const drainsAtMs: number[] = [];
    a.on('drain', () => drainsAtMs.push(clock.now()));
    a.send(frameOf(1_000, 1)); // at the mark, not above: no drain
    clock.advance(50);
    assert.deepEqual(drainsAtMs, []);
    for (let index = 0; index < 3; index += 1) a.send(frameOf(1_000, index));
    clock.advance(100);
    assert.deepEqual(drainsAtMs, [70]);
  });

  test('with infinite bandwidth a frame is buffered until the next timer tick', () => {
    const { clock, a, arrivals } = memoryPair({ latencyMs: 3 });
    a.send(frameOf(64, 9));
    assert.equal(a.bufferedAmount, 64);
    clock.advance(0);
    assert.equal(a.bufferedAmount, 0);
    clock.advance(3);
    assert.deepEqual(arrivals, ['64#9@3']);
  });

  test('destroy: the other end closes after the latency, frames in flight are dropped, no timer is left', () => {
    const { clock, a, b, arrivals } = memoryPair({ latencyMs: 10 });
    const closesAtMs: string[] = [];
    a.on('close', () => closesAtMs.push(`a@${clock.now()}`));
    b.on('close', () => closesAtMs.push(`b@${clock.now()}`));
    a.send(frameOf(10, 1)); // would arrive at 10
    clock.advance(5);
    a.destroy();
    clock.advance(3);
    b.send(frameOf(10, 2)); // b does not know yet: accepted, then lost
    clock.advance(100);
    assert.deepEqual(closesAtMs, ['a@5', 'b@15']);
    assert.deepEqual(arrivals, []);
    assert.equal(clock.pendingTimers, 0);
  });

  test('setLink re-times queued frames at the new bandwidth and never reorders on a latency drop', () => {
    const { clock, a, b, arrivals } = memoryPair(link);
    a.send(frameOf(1_000, 1)); // on the wire: leaves at 10 whatever the new bandwidth
    a.send(frameOf(1_000, 2)); // queued: takes the new bandwidth, 20 ms
    clock.advance(5);
    a.setLink({ bandwidthBytesPerSec: 50_000 }, 'outgoing');
    assert.deepEqual(a.outgoingLink, { latencyMs: 5, bandwidthBytesPerSec: 50_000 });
    assert.deepEqual(b.outgoingLink, link);
    clock.advanceTo(100);
    assert.deepEqual(arrivals, ['1000#1@15', '1000#2@35']);
    a.setLink({ latencyMs: 50, bandwidthBytesPerSec: 100_000 });
    assert.deepEqual(b.outgoingLink, { latencyMs: 50, bandwidthBytesPerSec: 100_000 });
    a.send(frameOf(1_000, 3)); // leaves at 110, arrives at 160
    clock.advanceTo(111);
    a.setLink({ latencyMs: 0 });
    a.send(frameOf(1_000, 4)); // leaves at 121; arriving at 121 would overtake frame 3
    clock.advanceTo(200);
    assert.deepEqual(arrivals.slice(2), ['1000#3@160', '1000#4@160']);
    assert.throws(() => a.setLink({ latencyMs: -1 }), (error: unknown) => isShoalError(error) && error.code === 'config-invalid');
    assert.throws(() => a.setLink({ bandwidthBytesPerSec: 0 }), (error: unknown) => isShoalError(error));
  });

  test('simulateError: error (transport-error) then close here, close there', () => {
    const { clock, a, b } = memoryPair({ latencyMs: 1 });
    const events: string[] = [];
    a.on('error', (error) => events.push(`a:error:${error.code}`));
    a.on('close', () => events.push('a:close'));
    b.on('close', () => events.push('b:close'));
    a.simulateError();
    clock.advance(1);
    assert.deepEqual(events, ['a:error:transport-error', 'a:close', 'b:close']);
  });
});

installNodeEndOfCandidatesFix();

runTransportContract('SimplePeerTransport over node-datachannel', connectSimplePeerTransports);

describe('SimplePeerTransport over node-datachannel', () => {
  test('removes every listener it added, on both ends, once the peers are gone', { timeout: 20_000 }, async () => {
    const { initiator, answerer } = await connectPeers();
    const events = ['data', 'error', 'close', 'connect'];
    const counts = (peer: SimplePeerLike): number[] => events.map((event) => (peer as SimplePeerLike & { listenerCount(event: string): number }).listenerCount(event));
    const before = [counts(initiator), counts(answerer)];
    const a = new SimplePeerTransport(initiator, { remotePeerId: peerId() });
    const b = new SimplePeerTransport(answerer, { remotePeerId: peerId() });
    assert.notDeepEqual([counts(initiator), counts(answerer)], before);
    const bClosed = new Promise<void>((resolve) => b.once('close', resolve));
    a.destroy();
    await bClosed;
    await Promise.all([peerGone(initiator), peerGone(answerer)]);
    // The remote side's error sink outlives its close by the teardown grace period (1 s).
    await sleep(1_100);
    assert.deepEqual([counts(initiator), counts(answerer)], before);
  });

  test('the remote end leaving is a close, not an error', { timeout: 20_000 }, async () => {
    const { a, b, teardown } = await connectSimplePeerTransports();
    const errors: unknown[] = [];
    a.on('error', (error) => errors.push(error));
    b.on('error', (error) => errors.push(error));
    const bClosed = new Promise<void>((resolve) => b.once('close', resolve));
    a.destroy();
    await bClosed;
    await teardown?.();
    await sleep(100);
    assert.deepEqual(errors, []);
  });
});
