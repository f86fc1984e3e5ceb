/// <reference types="mocha" />
/**
 * SimplePeerTransport in Chromium (karma) on the browser's own RTCPeerConnection: the shared transport
 * contract (`../transport-contract.ts`, the suite node-datachannel and the memory transport pass in Node),
 * over two real `@thaunknown/simple-peer` Peers connected inside this page. Signals go from one Peer to the
 * other directly; `iceServers: []`, so only host candidates: run inside `scripts/netns-run.sh` (Chromium
 * gathers none on a host with only loopback).
 */
import assert from 'node:assert/strict';
import { SimplePeerTransport, type SimplePeerLike } from '../../src/transport/simple-peer-transport';
import { sleep } from '../support/wait';
import { runTransportContract } from '../transport-contract';
import { connectPeers, connectSimplePeerTransports, peerGone, randomPeerId as peerId } from '../transport/simple-peer-pair';

/** Real time for a last event to land (or to show it never comes), in ms. */
const SETTLE_MS = 100;
/** SimplePeerTransport's error sink stays on a closed Peer this long, in ms (its PEER_TEARDOWN_GRACE_MS). */
const PEER_TEARDOWN_GRACE_MS = 1_000;

describe('SimplePeerTransport setup in Chromium', () => {
  it("runs on the page's own RTCPeerConnection, not a polyfill", async () => {
    const { initiator, answerer } = await connectPeers();
    try {
      const nativeClass = (globalThis as unknown as { RTCPeerConnection?: unknown }).RTCPeerConnection;
      assert.equal(typeof nativeClass, 'function');
      const pc = (initiator as unknown as { _pc: unknown })._pc;
      assert.ok(pc instanceof (nativeClass as new () => object), 'the Peer does not use the native RTCPeerConnection');
    } finally {
      initiator.destroy();
      answerer.destroy();
    }
  });
});

runTransportContract("SimplePeerTransport over Chromium's RTCPeerConnection", connectSimplePeerTransports);

describe("SimplePeerTransport over Chromium's RTCPeerConnection", () => {
  it('the remote end leaving is a close, not an error', async () => {
    const { a, b, teardown } = await connectSimplePeerTransports();
    const errors: unknown[] = [];
    a.on('error', (error) => errors.push(error));
    b.on('error', (error) => errors.push(error));
    const bClosed = new Promise<void>((resolve) => b.once('close', resolve));
    a.destroy();
    await bClosed;
    await teardown?.();
    await sleep(SETTLE_MS);
    assert.deepEqual(errors, []);
  });

  it('removes every listener it added, on both ends, once the peers are gone', async () => {
    const { initiator, answerer } = await connectPeers();
    const events = ['data', 'error', 'close', 'connect'];
    const counts = (peer: SimplePeerLike): number[] =>
      events.map((event) => (peer as SimplePeerLike & { listenerCount(event: string): number }).listenerCount(event));
    const before = [counts(initiator), counts(answerer)];
    const a = new SimplePeerTransport(initiator, { remotePeerId: peerId() });
    const b = new SimplePeerTransport(answerer, { remotePeerId: peerId() });
    assert.ok(counts(initiator).some((count, index) => count > (before[0]?.[index] ?? 0)), 'no listener added');
    const bClosed = new Promise<void>((resolve) => b.once('close', resolve));
    a.destroy();
    await bClosed;
    await Promise.all([peerGone(initiator), peerGone(answerer)]);
    // The remote side's error sink outlives its close by SimplePeerTransport's teardown grace (1 s).
    await sleep(PEER_TEARDOWN_GRACE_MS + SETTLE_MS);
    assert.deepEqual([counts(initiator), counts(answerer)], before);
  });
});
