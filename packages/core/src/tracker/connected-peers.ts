/**
 * The connected peers of a `WebTorrentTrackerClient`, one transport per remote peer id: a library peer
 * that connects becomes a `SimplePeerTransport` here, unless a connection to that peer is kept instead.
 */
import type { Clock } from '../clock/clock';
import { SimplePeerTransport } from '../transport/simple-peer-transport';
import type { Transport } from '../transport/transport';
import { quietlyDestroy, type LibraryPeer } from './bittorrent-tracker-internals';

/**
 * A duplicate connection to a peer we are already connected to is closed, except when both connected
 * within this window: then both sides may have picked different ones, so both keep the one offered by
 * the lower peer id. Generous next to a connection's setup time (~1 s) yet short enough that a long-lived
 * connection is never replaced when a re-announce offers to a peer we already have.
 */
export const DUPLICATE_RACE_WINDOW_MS = 5_000;

interface Adopted {
  transport: Transport;
  /** True when the lower of the two peer ids made the offer: the connection both sides keep in a race. */
  preferred: boolean;
  adoptedAtMs: number;
}

export class ConnectedPeers {
  readonly #localPeerId: string;
  readonly #clock: Clock;
  /** Connected transports by remote peer id, until they close. */
  readonly #transports = new Map<string, Adopted>();

  /** `localPeerId`: our own peer id, lower-case hex. */
  constructor(localPeerId: string, clock: Clock) {
    this.#localPeerId = localPeerId;
    this.#clock = clock;
  }

  get size(): number {
    return this.#transports.size;
  }

  /**
   * A connected peer becomes a transport (returned), unless we already have one to that peer (then it is
   * closed, and undefined returned). Of two connections to one peer we keep the older; but when both came
   * up within `DUPLICATE_RACE_WINDOW_MS` (each side made an offer the other answered), the two sides may
   * have seen them in different orders, so both keep the one offered by the lower peer id, which both can
   * tell apart.
   */
  adopt(peer: LibraryPeer): Transport | undefined {
    const remotePeerId = peer.id?.toLowerCase();
    if (!remotePeerId || remotePeerId === this.#localPeerId) {
      quietlyDestroy(peer);
      return undefined;
    }
    const preferred = peer.initiator === (this.#localPeerId < remotePeerId);
    const nowMs = this.#clock.now();
    const existing = this.#transports.get(remotePeerId);
    if (existing && !existing.transport.closed) {
      const inRace = nowMs - existing.adoptedAtMs < DUPLICATE_RACE_WINDOW_MS;
      if (!inRace || existing.preferred || !preferred) {
        quietlyDestroy(peer);
        return undefined;
      }
      this.#transports.delete(remotePeerId);
      existing.transport.destroy();
    }
    const transport = new SimplePeerTransport(peer, { remotePeerId });
    const adopted: Adopted = { transport, preferred, adoptedAtMs: nowMs };
    this.#transports.set(remotePeerId, adopted);
    transport.once('close', () => {
      if (this.#transports.get(remotePeerId) === adopted) this.#transports.delete(remotePeerId);
    });
    return transport;
  }

  /** Forgets every transport (they are the swarm's to close). */
  clear(): void {
    this.#transports.clear();
  }
}
