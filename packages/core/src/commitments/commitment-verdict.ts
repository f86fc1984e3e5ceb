/**
 * The no-manifest integrity check (issue 16, requirement 2), as a pure function: is a segment assembled
 * from peer bytes the one its holders committed to?
 *
 * Every holder announcing a segment complete commits to its SHA-256 (protocol version 2, `have`). Once a
 * download without an integrity manifest has every byte and peers sent any of them, it hashes the segment
 * once and asks `commitmentVerdict`:
 *
 * - The commitments considered are those of every peer that sent bytes and announces the segment complete
 *   now, plus those of every other connected complete holder. A peer that sent bytes while it was still
 *   downloading (a cut-through relay) has no commitment of its own yet: the holders' commitments stand for
 *   it — the original holder it relayed from, or any complete holder. (Usually the relay has completed and
 *   committed by the time our download ends, and then its own commitment counts.)
 * - **No commitment at all** (every sender was a relay and no complete holder is connected, or the holders
 *   cannot hash): `unverified`. The segment is used — refusing it would make cut-through relaying of a
 *   fresh live segment impossible — and this is a documented gap (`SECURITY.md`, "The commitments mode").
 * - **Commitments that disagree**: someone lies and we cannot tell who from hashes alone: `rejected`
 *   (`conflict`), the segment comes over HTTP.
 * - **One commitment, not our digest**: `rejected` (`mismatch`), over HTTP.
 * - Rejected: every sender is blamed (on probation, `peer-trust.ts`). A sender that alone delivered every
 *   byte and committed to a hash other than what it sent is **proven** corrupt: dropped like a peer whose
 *   block fails the manifest. A sender among several is only blamed: a whole-segment hash cannot say whose
 *   block was wrong (BitTorrent's rule for a failed piece with several contributors).
 */

/** A peer that sent bytes, and its commitment now (undefined: still partial, or it cannot hash). */
export interface SenderCommitment {
  peerId: string;
  sha256Base64: string | undefined;
}

export interface CommitmentInputs {
  /** SHA-256 (base64) of the assembled segment. */
  digestBase64: string;
  senders: readonly SenderCommitment[];
  /** Commitments of the connected peers announcing the segment complete (senders or not). */
  holderCommitments: readonly string[];
  /** Whether one peer delivered every byte (no other peer, no origin byte). */
  soleSender: boolean;
}

export type CommitmentVerdict =
  | { kind: 'verified' }
  | { kind: 'unverified' }
  | { kind: 'rejected'; reason: 'mismatch' | 'conflict'; blamedPeerIds: string[]; provenPeerIds: string[] };

export function commitmentVerdict(inputs: CommitmentInputs): CommitmentVerdict {
  const { digestBase64, senders, holderCommitments, soleSender } = inputs;
  const commitments = new Set<string>(holderCommitments);
  for (const sender of senders) if (sender.sha256Base64 !== undefined) commitments.add(sender.sha256Base64);
  if (commitments.size === 0) return { kind: 'unverified' };
  if (commitments.size === 1 && commitments.has(digestBase64)) return { kind: 'verified' };
  const blamedPeerIds = senders.map((sender) => sender.peerId);
  const provenPeerIds = soleSender
    ? senders.filter((sender) => sender.sha256Base64 !== undefined && sender.sha256Base64 !== digestBase64).map((sender) => sender.peerId)
    : [];
  return { kind: 'rejected', reason: commitments.size > 1 ? 'conflict' : 'mismatch', blamedPeerIds, provenPeerIds };
}

/**
 * After a rejected segment came over HTTP, the origin's digest settles what the commitments could not:
 * a peer announcing the segment complete with another commitment claims bytes that the origin
 * contradicts (like a size the origin contradicts, `SizeGuard`), so it is proven to lie. This assumes the
 * origin serves every viewer the same bytes for a segment URL, which sharing segments presupposes anyway.
 */
export function contradictedByOrigin(originDigestBase64: string, holders: readonly SenderCommitment[]): string[] {
  return holders.filter((holder) => holder.sha256Base64 !== undefined && holder.sha256Base64 !== originDigestBase64).map((holder) => holder.peerId);
}
