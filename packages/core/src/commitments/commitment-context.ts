/** What a segment download needs for the no-manifest commitment check (`commitment-verdict.ts`). Type-only. */
import type { Sha256Base64 } from '../integrity/sha256';
import type { SegmentKey } from '../types';
import type { SenderCommitment } from './commitment-verdict';
import type { PeerTrust } from './peer-trust';

/** Why a segment's peer bytes were not used (`integrity:suspect`). */
export type SuspectReason = 'commitment-mismatch' | 'commitment-conflict' | 'player-rejected';

export interface CommitmentContext {
  /** Hashes every completed segment once: the check, and our own commitment when we announce it. */
  sha256: Sha256Base64;
  trust: PeerTrust;
  /** Every connected peer announcing `key`, with its commitment (undefined while partial or uncommitted). */
  holdersOf(key: SegmentKey): SenderCommitment[];
  /** A peer proven to have sent or claimed bytes other than the segment's: dropped and refused for good. */
  onProven(peerId: string, key: SegmentKey): void;
  /** Peer bytes of `key` were rejected, their senders put on probation; the segment comes over HTTP. */
  onSuspect(key: SegmentKey, peerIds: string[], reason: SuspectReason): void;
}
