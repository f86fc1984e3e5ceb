/// <reference types="mocha" />
/**
 * SimplePeerTransport in Chromium (karma) on the browser's own RTCPeerConnection: the shared transport
 * contract (`../transport-contract.ts`, the suite node-datachannel and the memory transport pass in Node),
 * over two real `@thaunknown/simple-peer` Peers connected inside this page. Signals go from one Peer to the
 * other directly; `iceServers: []`, so only host candidates: run inside `scripts/netns-run.sh` (Chromium
 * gathers none on a host with only loopback).
 */
import assert from 'node:assert/strict';
import Peer from '@thaunknown/simple-peer/lite.js';
import { SimplePeerTransport, type SimplePeerLike } from '../../src/transport/simple-peer-transport';
import { runTransportContract, type TransportPair } from '../transport-contract';

/** Real time for both Peers to connect: host candidates in one page take well under a second. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Real time for simple-peer to finish tearing a Peer down after `destroy()` (it does so on a 0 ms timer). */
const TEARDOWN_TIMEOUT_MS = 5_000;
/** How often `peerGone` looks again, in ms. */
const TEARDOWN_POLL_MS = 10;
/** Real time for a last event to land (or to show it never comes), in ms. */
const SETTLE_MS = 100;
/** SimplePeerTransport's error sink stays on a closed Peer this long, in ms (its PEER_TEARDOWN_GRACE_MS). */
const PEER_TEARDOWN_GRACE_MS = 1_000;

type PeerWithSignal = SimplePeerLike & { signal(data: unknown): void };

/** 20 random bytes as 40 hex chars, like a tracker peer id. */
function peerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function connectPeers(): Promise<{ initiator: PeerWithSignal; answerer: PeerWithSignal }> {
  // Non-trickle, as the bittorrent-tracker client makes them: one offer, one answer.
  const options = { trickle: false, config: { iceServers: [] } };
  const initiator: PeerWithSignal = new Peer({ ...options, initiator: true });
  const answerer: PeerWithSignal = new Peer(options);
  initiator.on('signal', (data: unknown) => answerer.signal(data));
  answerer.on('signal', (data: unknown) => initiator.signal(data));
  try {
    await Promise.all([connected(initiator), connected(answerer)]);
  } catch (error) {
    initiator.destroy();
    answerer.destroy();
    throw error;
  }
  return { initiator, answerer };
}

function connected(peer: SimplePeerLike): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connect in ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    const onConnect = (): void => {
      clearTimeout(timer);
      peer.removeListener('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      clearTimeout(timer);
      peer.removeListener('connect', onConnect);
      reject(error);
    };
    peer.on('connect', onConnect);
    peer.on('error', onError);
  });
}

/** Resolves once simple-peer has torn `peer` down (its RTCPeerConnection closed and dropped). */
async function peerGone(peer: SimplePeerLike): Promise<void> {
  const internals = peer as SimplePeerLike & { _pc: unknown };
  const deadlineMs = performance.now() + TEARDOWN_TIMEOUT_MS;
  while (!peer.destroyed && internals._pc !== null) {
    if (performance.now() > deadlineMs) throw new Error(`peer not torn down after ${TEARDOWN_TIMEOUT_MS} ms`);
    await delay(TEARDOWN_POLL_MS);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function connectSimplePeerTransports(): Promise<TransportPair> {
  const { initiator, answerer } = await connectPeers();
  const peerIds: [string, string] = [peerId(), peerId()];
  return {
    a: new SimplePeerTransport(initiator, { remotePeerId: peerIds[1] }),
    b: new SimplePeerTransport(answerer, { remotePeerId: peerIds[0] }),
    peerIds,
    // The Peers finish tearing down on a later tick; wait so none outlives its test.
    teardown: () => Promise.all([peerGone(initiator), peerGone(answerer)]).then(() => undefined),
  };
}

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
    await delay(SETTLE_MS);
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
    await delay(PEER_TEARDOWN_GRACE_MS + SETTLE_MS);
    assert.deepEqual([counts(initiator), counts(answerer)], before);
  });
});
