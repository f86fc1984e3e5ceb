/**
 * Two simple-peer Peers connected to each other inside one process (Node, node-datachannel) or one page
 * (Chromium, its own RTCPeerConnection), and SimplePeerTransports over them: what the transport tests in
 * Node (`transport.test.ts`) and in karma (`../browser/transport.spec.ts`) share. No Node-only imports.
 * In Node, `installNodeEndOfCandidatesFix()` must have run first.
 */
import Peer from '@thaunknown/simple-peer/lite.js';
import { SimplePeerTransport, type SimplePeerLike } from '../../src/transport/simple-peer-transport';
import { waitUntil } from '../support/wait';
import type { TransportPair } from '../transport-contract';

/** Real time for both Peers to connect, in ms: host candidates in one process take well under a second. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Real time for simple-peer to finish tearing a Peer down after `destroy()`, in ms (it does so on a 0 ms timer). */
export const TEARDOWN_TIMEOUT_MS = 5_000;

export type PeerWithSignal = SimplePeerLike & { signal(data: unknown): void };

/** 20 random bytes as 40 hex chars, like a tracker peer id. */
export function randomPeerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Two Peers signalled to each other directly and connected; both destroyed if either fails. One retry:
 * node-datachannel's polyfill, rarely (once in several hundred pairs here), throws "Got a remote candidate
 * without ICE transport" from setRemoteDescription on a fresh pair — a negotiation race inside the Node
 * binding, not transport behaviour these suites test. A second failure fails the test.
 */
export async function connectPeers(): Promise<{ initiator: PeerWithSignal; answerer: PeerWithSignal }> {
  try {
    return await connectPeersOnce();
  } catch {
    return connectPeersOnce();
  }
}

async function connectPeersOnce(): Promise<{ initiator: PeerWithSignal; answerer: PeerWithSignal }> {
  // Non-trickle, as the bittorrent-tracker client makes them: one offer, one answer.
  const options = { trickle: false, config: { iceServers: [] } };
  const initiator: PeerWithSignal = new Peer({ ...options, initiator: true });
  const answerer: PeerWithSignal = new Peer(options);
  // A signal the other end's binding throws on (synchronously, in Node) fails this pair, not the process.
  const relay = (to: PeerWithSignal) => (data: unknown) => {
    try {
      to.signal(data);
    } catch (error) {
      to.destroy(error as Error);
    }
  };
  initiator.on('signal', relay(answerer));
  answerer.on('signal', relay(initiator));
  try {
    await Promise.all([connected(initiator), connected(answerer)]);
  } catch (error) {
    initiator.destroy();
    answerer.destroy();
    throw error;
  }
  return { initiator, answerer };
}

/** Resolves on the Peer's `connect`; rejects on its `error` or after `timeoutMs`. */
export function connected(peer: SimplePeerLike, timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connect in ${timeoutMs} ms`)), timeoutMs);
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

/**
 * Resolves once simple-peer has torn `peer` down (its RTCPeerConnection closed and dropped). Not the Peer's
 * `close` event: simple-peer 10 never emits it when the remote end closed.
 */
export function peerGone(peer: SimplePeerLike, timeoutMs = TEARDOWN_TIMEOUT_MS): Promise<void> {
  const internals = peer as SimplePeerLike & { _pc: unknown };
  return waitUntil(() => peer.destroyed || internals._pc === null, 'simple-peer to tear the Peer down', timeoutMs);
}

/** A connected pair of SimplePeerTransports, for the transport contract. */
export async function connectSimplePeerTransports(): Promise<TransportPair> {
  const { initiator, answerer } = await connectPeers();
  const peerIds: [string, string] = [randomPeerId(), randomPeerId()];
  return {
    a: new SimplePeerTransport(initiator, { remotePeerId: peerIds[1] }),
    b: new SimplePeerTransport(answerer, { remotePeerId: peerIds[0] }),
    peerIds,
    // The Peers finish tearing down on a later tick; wait so none outlives its test.
    teardown: () => Promise.all([peerGone(initiator), peerGone(answerer)]).then(() => undefined),
  };
}
