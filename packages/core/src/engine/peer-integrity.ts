/**
 * What the engine does about peers whose bytes turn out wrong: a block proven corrupt (an integrity
 * manifest, or a whole copy against its holders' commitments) denies its sender for the engine's life; a
 * failed commitment check or a player's rejection puts the senders on probation (`PeerTrust`).
 */
import type EventEmitter from 'eventemitter3';
import type { CommitmentContext, SuspectReason } from '../commitments/commitment-context';
import { PeerTrust } from '../commitments/peer-trust';
import type { IntegrityViolation } from '../download/download-context';
import { ShoalError } from '../errors';
import type { ShoalEvents } from '../events';
import type { Holdings } from '../holdings/holdings';
import type { Sha256Base64 } from '../integrity/sha256';
import type { Swarm } from '../swarm/swarm';
import type { SegmentKey } from '../types';

export interface PeerIntegrityOptions {
  events: Pick<EventEmitter<ShoalEvents>, 'emit'>;
  holdings: Holdings;
  /** The stream's swarm, once joined. */
  swarm: () => Swarm | undefined;
  /** Whether the engine was destroyed: violations reported after that are ignored. */
  isDestroyed: () => boolean;
}

export class PeerIntegrity {
  /** Peers on probation after a failed commitment check or a player's rejection; segments due over HTTP. */
  readonly trust = new PeerTrust();
  /** Peers that sent corrupt data: refused for the engine's life, whatever the tracker offers. */
  private readonly deniedPeerIds = new Set<string>();
  private readonly options: PeerIntegrityOptions;

  constructor(options: PeerIntegrityOptions) {
    this.options = options;
  }

  isDenied(peerId: string): boolean {
    return this.deniedPeerIds.has(peerId);
  }

  /** `ShoalEngine.reportRejected`: false when no peer sent any of `key`'s bytes (or that is forgotten). */
  rejected(key: SegmentKey): boolean {
    const peerIds = this.trust.deliveredBy(key);
    if (peerIds.length === 0) return false;
    this.trust.delivered(key, []);
    this.trust.requireHttp(key);
    this.suspect(key, peerIds, 'player-rejected');
    void this.options.holdings.discard(key);
    return true;
  }

  /** The no-manifest commitment check's view of this engine (`commitments/`). */
  commitmentContext(sha256: Sha256Base64): CommitmentContext {
    return {
      sha256,
      trust: this.trust,
      holdersOf: (key) =>
        this.options.swarm()?.peersHolding(key).map(({ peer, held }) => ({ peerId: peer.id, sha256Base64: held.partial ? undefined : held.sha256Base64 })) ?? [],
      onProven: (peerId, key) => this.violation({ peerId, key, blockIndex: -1 }),
      onSuspect: (key, peerIds, reason) => this.suspect(key, peerIds, reason),
    };
  }

  /**
   * A peer sent a block proven wrong (`blockIndex` -1: a whole segment, without a manifest): reported,
   * dropped with `corrupt-data`, and refused from now on.
   */
  violation({ peerId, key, blockIndex }: IntegrityViolation): void {
    if (this.options.isDestroyed()) return;
    const firstOffence = !this.deniedPeerIds.has(peerId);
    this.deniedPeerIds.add(peerId);
    this.options.events.emit('integrity:violation', { peerId, key, blockIndex });
    if (firstOffence) {
      const what = blockIndex < 0 ? 'a copy' : `block ${blockIndex}`;
      const reason = new ShoalError('corrupt-data', `Peer ${peerId} sent ${what} of ${key.renditionId}/${key.segmentId}, which failed its integrity check`, { source: 'p2p' });
      this.options.swarm()?.dropPeer(peerId, reason);
    }
  }

  /** Peer bytes of `key` were not used: their senders are on probation (`PeerTrust`), the segment comes over HTTP. */
  private suspect(key: SegmentKey, peerIds: string[], reason: SuspectReason): void {
    this.trust.blame(peerIds);
    this.options.events.emit('integrity:suspect', { key, peerIds, reason });
  }
}
