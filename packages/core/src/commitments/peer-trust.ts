/**
 * Which peers a download may use after a failed check without a manifest, and which segments must next
 * come over HTTP. BitTorrent clients' rule for a failed piece: every peer involved is suspect, and a
 * suspect must next deliver a piece **alone** before it is trusted again.
 *
 * - `blame(peerIds)`: those peers are on probation (a rejected segment they sent bytes of: commitments
 *   that disagree or do not match, or a segment the player refused).
 * - `choose(holders)`: a download uses only the trusted holders; if every holder is on probation, exactly
 *   one of them, alone — its bytes then meet the commitments with no one else to hide behind.
 * - `verified(peerIds, soleSender)`: a segment that one probation peer delivered alone matched the
 *   commitments: it is trusted again. Proven liars are not kept here: the engine refuses them for good.
 * - `requireHttp(key)` / `takeHttpOnly(key)`: the player rejected peer bytes of this segment: its next
 *   load comes over HTTP (once).
 * - `delivered(key, peerIds)` / `deliveredBy(key)`: who sent the last peer-delivered copy of a segment, so a
 *   rejection by the player can be charged to them. Bounded: only the latest `DELIVERIES_KEPT` segments.
 *
 * Instance state only (one per engine); no timers, nothing to tear down but `clear`.
 */
import { segmentKeyString } from '../segment-key';
import type { SegmentKey } from '../types';

/**
 * Segments whose senders are remembered for a player's rejection. Players report a rejection within a
 * few segments of loading it (parsing happens right after the load); 256 covers minutes of every
 * rendition of a stream at a few bytes each.
 */
export const DELIVERIES_KEPT = 256;

export class PeerTrust {
  private readonly probation = new Set<string>();
  private readonly httpOnly = new Set<string>();
  private readonly deliveries = new Map<string, string[]>();

  blame(peerIds: readonly string[]): void {
    for (const peerId of peerIds) this.probation.add(peerId);
  }

  isOnProbation(peerId: string): boolean {
    return this.probation.has(peerId);
  }

  /** The holders a download may use: the trusted ones, else one probation peer alone (see above). */
  choose<Holder extends { peer: { id: string } }>(holders: readonly Holder[]): Holder[] {
    const trusted = holders.filter((holder) => !this.probation.has(holder.peer.id));
    if (trusted.length > 0 || holders.length === 0) return trusted;
    return [holders[0]!];
  }

  /** A segment matched its commitments: a probation peer that delivered it alone is trusted again. */
  verified(peerIds: readonly string[], soleSender: boolean): void {
    if (soleSender && peerIds.length === 1) this.probation.delete(peerIds[0]!);
  }

  requireHttp(key: SegmentKey): void {
    this.httpOnly.add(segmentKeyString(key));
  }

  /** Whether this load of `key` must come over HTTP; the requirement is used up by asking. */
  takeHttpOnly(key: SegmentKey): boolean {
    return this.httpOnly.delete(segmentKeyString(key));
  }

  delivered(key: SegmentKey, peerIds: readonly string[]): void {
    const id = segmentKeyString(key);
    this.deliveries.delete(id);
    if (peerIds.length === 0) return;
    this.deliveries.set(id, [...peerIds]);
    if (this.deliveries.size > DELIVERIES_KEPT) this.deliveries.delete(this.deliveries.keys().next().value!);
  }

  deliveredBy(key: SegmentKey): string[] {
    return this.deliveries.get(segmentKeyString(key)) ?? [];
  }

  clear(): void {
    this.probation.clear();
    this.httpOnly.clear();
    this.deliveries.clear();
  }
}
