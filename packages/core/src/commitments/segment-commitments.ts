/**
 * What a download without a manifest entry does with its commitment verdict (`commitmentVerdict`): the
 * senders trusted or blamed, proven liars reported, the suspect segment announced. A segment only the
 * origin sent after an earlier rejection settles who lied: holders whose commitment contradicts it.
 */
import type { SegmentKey } from '../types';
import type { CommitmentContext } from './commitment-context';
import { commitmentVerdict, contradictedByOrigin } from './commitment-verdict';

/** A segment assembled whole, as its download knows it. */
export interface AssembledSegment {
  key: SegmentKey;
  /** SHA-256 (base64) of its bytes. */
  digestBase64: string;
  /** Bytes peers sent, and who sent them. */
  p2pBytes: number;
  peerIds: readonly string[];
  /** Bytes the origin sent. */
  originBytes: number;
  /** The whole segment was fetched from the origin again after the peers' copy was rejected. */
  refetchedAfterRejection: boolean;
}

/** `refetch`: the peers' copy is rejected, the whole segment must come from the origin. */
export function judgeCommitments(commitments: CommitmentContext, segment: AssembledSegment): 'accept' | 'refetch' {
  const { key, digestBase64, p2pBytes, peerIds, originBytes } = segment;
  const holders = commitments.holdersOf(key);
  if (p2pBytes === 0) {
    if (segment.refetchedAfterRejection) for (const peerId of contradictedByOrigin(digestBase64, holders)) commitments.onProven(peerId, key);
    return 'accept';
  }
  const senders = peerIds.map((peerId) => ({ peerId, sha256Base64: holders.find((holder) => holder.peerId === peerId)?.sha256Base64 }));
  const soleSender = senders.length === 1 && originBytes === 0;
  const holderCommitments = holders.flatMap(({ sha256Base64 }) => (sha256Base64 === undefined ? [] : [sha256Base64]));
  const verdict = commitmentVerdict({ digestBase64, senders, holderCommitments, soleSender });
  if (verdict.kind === 'verified') commitments.trust.verified([...peerIds], soleSender);
  if (verdict.kind !== 'rejected') return 'accept';
  commitments.trust.blame(verdict.blamedPeerIds);
  for (const peerId of verdict.provenPeerIds) commitments.onProven(peerId, key);
  commitments.onSuspect(key, verdict.blamedPeerIds, verdict.reason === 'conflict' ? 'commitment-conflict' : 'commitment-mismatch');
  return 'refetch';
}
