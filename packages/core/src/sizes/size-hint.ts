/**
 * A download's size when it is a peer's hint, not the origin's (no manifest entry, no origin response
 * yet): the holders whose claim gave it (`size-claims.ts`). The origin later confirms the size (the hint
 * is settled) or proves it wrong (its claimants are dropped, `dropForWrongSize`), so no peer's claim can
 * fail a load: the segment then comes whole over HTTP, sized by the origin alone.
 */
import { ShoalError } from '../errors';
import type { Peer } from '../swarm/peer';
import type { SegmentKey } from '../types';
import { dropForWrongSize } from './size-guard';

export class SizeHint {
  private hinted = false;
  private claimants: Peer[] = [];

  /** Whether the size in use is a peer's hint the origin has not confirmed. */
  get isHint(): boolean {
    return this.hinted;
  }

  /** The size in use comes from these holders' claims; undefined: from the origin or the manifest. */
  sizedBy(peers: readonly Peer[] | undefined): void {
    this.hinted = peers !== undefined;
    this.claimants = peers ? [...peers] : [];
  }

  /** A holder announcing the hinted size joined the download: it shares the claim. */
  joined(peer: Peer): void {
    if (this.hinted) this.claimants.push(peer);
  }

  /** The origin said the size, or the download starts over without a hint: nobody's claim to answer for. */
  settle(): void {
    this.hinted = false;
    this.claimants = [];
  }

  /** The origin proved the hinted size (`hintBytes`) wrong, as `evidence` says: its claimants are dropped. */
  disprove(key: SegmentKey, hintBytes: number, evidence: string): void {
    for (const peer of this.claimants) dropForWrongSize(peer, key, hintBytes, evidence);
    this.settle();
  }
}

/** A range completion's failure that says the segment is not the size we asked by (a 416, a short range). */
export function isSizeEvidence(error: unknown): boolean {
  return error instanceof ShoalError && (error.code === 'http-length-mismatch' || (error.code === 'http-status' && error.status === 416));
}
