/**
 * Checks one segment's bytes against its integrity manifest entry, block by block (wire blocks, aligned
 * to the segment's first byte) and whole. It also gathers HTTP chunks, which do not fall on block
 * boundaries, into whole blocks: a block is verified once all its bytes are here, and only then may it
 * be relayed. Pure bookkeeping and hashing; the `SegmentDownload` decides what a verdict means.
 */
import type { IntegrityEntry } from '../integrity/integrity-manifest';
import type { Sha256Base64 } from '../integrity/sha256';
import { BLOCK_BYTES } from '../wire/messages';

export class BlockVerifier {
  readonly entry: IntegrityEntry;
  private readonly sha256: Sha256Base64;
  /** HTTP bytes gathered so far per block not verified yet. */
  private readonly httpFilledBytes: number[];

  constructor(entry: IntegrityEntry, sha256: Sha256Base64) {
    this.entry = entry;
    this.sha256 = sha256;
    this.httpFilledBytes = new Array<number>(entry.blocks.length).fill(0);
  }

  get sizeBytes(): number {
    return this.entry.sizeBytes;
  }

  get blockCount(): number {
    return this.entry.blocks.length;
  }

  /** Bytes of block `index` (the last one may be shorter). */
  blockLengthBytes(index: number): number {
    return Math.min(BLOCK_BYTES, this.entry.sizeBytes - index * BLOCK_BYTES);
  }

  /** The block `bytes` are exactly, when they start at a block boundary and span one whole block. */
  wholeBlockAt(offsetBytes: number, lengthBytes: number): number | undefined {
    const index = offsetBytes / BLOCK_BYTES;
    if (!Number.isInteger(index) || index < 0 || index >= this.blockCount) return undefined;
    return lengthBytes === this.blockLengthBytes(index) ? index : undefined;
  }

  /** Whether `bytes` are block `index` as the origin published it. */
  async verifyBlock(index: number, bytes: Uint8Array): Promise<boolean> {
    if (bytes.byteLength !== this.blockLengthBytes(index)) return false;
    return (await this.sha256(bytes)) === this.entry.blocks[index];
  }

  /** Whether `bytes` are the whole segment as the origin published it. */
  async verifyWhole(bytes: Uint8Array): Promise<boolean> {
    return bytes.byteLength === this.entry.sizeBytes && (await this.sha256(bytes)) === this.entry.sha256;
  }

  /** An HTTP request for these blocks starts again: what earlier ones gathered of them is forgotten. */
  restartHttpBlocks(fromBlock: number, toBlockInclusive: number): void {
    for (let block = fromBlock; block <= toBlockInclusive && block < this.blockCount; block++) this.httpFilledBytes[block] = 0;
  }

  /**
   * HTTP bytes `[offsetBytes, offsetBytes + lengthBytes)` arrived (already placed in the segment's buffer):
   * the blocks they made whole, in order. Blocks `isDone` says are verified already are not counted.
   */
  httpBytesArrived(offsetBytes: number, lengthBytes: number, isDone: (block: number) => boolean): number[] {
    const whole: number[] = [];
    const endExclusive = Math.min(offsetBytes + lengthBytes, this.entry.sizeBytes);
    for (let block = Math.floor(offsetBytes / BLOCK_BYTES); block * BLOCK_BYTES < endExclusive; block++) {
      if (isDone(block)) continue;
      const overlap = Math.min(endExclusive, (block + 1) * BLOCK_BYTES) - Math.max(offsetBytes, block * BLOCK_BYTES);
      this.httpFilledBytes[block] = (this.httpFilledBytes[block] ?? 0) + overlap;
      if (this.httpFilledBytes[block] === this.blockLengthBytes(block)) {
        this.httpFilledBytes[block] = 0;
        whole.push(block);
      }
    }
    return whole;
  }
}
