/**
 * What the scheduler reads of a swarm: who holds what, how many peers, whether a first one is coming.
 * Type-only and read-only; `Swarm` implements it, and a snapshot is built from it as plain data.
 */
import type { SegmentKey } from '../types';

/** A peer holding a segment, as far as scheduling needs to know. */
export interface PeerHolding {
  peer: { readonly id: string; readonly remoteUploadEnabled: boolean };
  held: {
    /** 0: the peer asked the origin and has no byte yet (it re-announces with the size). */
    readonly sizeBytes: number;
    /** Still downloading it (it relays what it has). */
    readonly partial: boolean;
    /** Clock ms when it announced the segment (for a partial one: about when its download started). */
    readonly announcedAtMs: number;
  };
}

export interface SwarmView {
  /** Connected peers that completed the handshake. */
  readonly peerCount: number;
  /**
   * No peer has been ready yet, but the tracker counts other viewers: a first connection is on its way.
   * False once any peer has been ready, even if all left.
   */
  readonly awaitingFirstPeer: boolean;
  /** This viewer's measured uplink (bytes/s); undefined until measured. */
  readonly uplinkBytesPerSec?: number | undefined;
  /** Ready peers that announced this segment, with what they said of it. */
  peersHolding(key: SegmentKey): ReadonlyArray<PeerHolding>;
}
