/**
 * The way in for the bytes of a segment whose integrity entry is known: no byte reaches the partial
 * segment's readers (relays, counters, the stored segment) before its block's hash matched. A peer's block
 * is checked whole; origin bytes, which do not fall on block boundaries, are placed unannounced and made
 * available block by block, each once it is whole and checked. A block failing its check stays missing.
 * `SegmentDownload` keeps one per segment and decides what a verdict means.
 */
import type { ByteRange } from '../types';
import { BLOCK_BYTES } from '../wire/messages';
import type { BlockVerifier } from './block-verifier';
import type { PartialSegment } from './partial-segment';

export interface PeerBlockVerdict {
  matched: boolean;
  /** The block the bytes were checked as (where they start, when they are not one whole block). */
  blockIndex: number;
}

export class VerifiedIntake {
  readonly verifier: BlockVerifier;
  /** Hash checks of origin blocks still running. */
  private readonly checks = new Set<Promise<void>>();

  constructor(verifier: BlockVerifier) {
    this.verifier = verifier;
  }

  /** A peer's bytes: they match only as one whole block, aligned, with the manifest's hash. */
  async checkPeerBlock(offsetBytes: number, bytes: Uint8Array): Promise<PeerBlockVerdict> {
    const whole = this.verifier.wholeBlockAt(offsetBytes, bytes.byteLength);
    const matched = whole !== undefined && (await this.verifier.verifyBlock(whole, bytes));
    return { matched, blockIndex: whole ?? Math.floor(offsetBytes / BLOCK_BYTES) };
  }

  /** An HTTP request for these ranges starts: what earlier requests gathered of their blocks is forgotten. */
  restartOrigin(ranges: readonly ByteRange[]): void {
    for (const range of ranges) this.verifier.restartHttpBlocks(Math.floor(range.startByte / BLOCK_BYTES), Math.floor(range.endByte / BLOCK_BYTES));
  }

  /**
   * Origin bytes at `offsetBytes`: placed in `partial` unannounced (bytes past the manifest's size are not
   * the segment's: dropped), and each block they make whole is checked, then made available while
   * `isCurrent()` (the download still runs into this partial).
   */
  placeOriginBytes(partial: PartialSegment, offsetBytes: number, bytes: Uint8Array, isCurrent: () => boolean): void {
    const { verifier } = this;
    const usable = bytes.subarray(0, Math.max(0, Math.min(bytes.byteLength, verifier.sizeBytes - offsetBytes)));
    for (let block = Math.floor(offsetBytes / BLOCK_BYTES); block * BLOCK_BYTES < offsetBytes + usable.byteLength; block++) {
      if (partial.hasBlock(block)) continue;
      const fromBytes = Math.max(offsetBytes, block * BLOCK_BYTES);
      const toBytesExclusive = Math.min(offsetBytes + usable.byteLength, (block + 1) * BLOCK_BYTES);
      partial.place(fromBytes, usable.subarray(fromBytes - offsetBytes, toBytesExclusive - offsetBytes));
    }
    for (const block of verifier.httpBytesArrived(offsetBytes, usable.byteLength, (b) => partial.hasBlock(b))) {
      const startBytes = block * BLOCK_BYTES;
      const view = partial.bytes.subarray(startBytes, startBytes + verifier.blockLengthBytes(block));
      const check: Promise<void> = verifier.verifyBlock(block, view).then((ok) => {
        this.checks.delete(check);
        if (ok && isCurrent()) partial.received(startBytes, view);
      });
      this.checks.add(check);
    }
  }

  /** Resolves once every origin block check started so far (and any they led to) has ended. */
  async originChecksDone(): Promise<void> {
    while (this.checks.size > 0) await Promise.all([...this.checks]);
  }
}
