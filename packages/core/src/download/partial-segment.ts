/**
 * A segment being downloaded (over HTTP or from peers) whose received bytes can already be served to
 * other peers: cut-through relay. Tracks which blocks have arrived and the contiguous prefix available,
 * and lets the Uploader wait for later bytes.
 */
import type { Clock, TimerHandle } from '../clock/clock';
import type { ByteRange, SegmentKey } from '../types';
import { BLOCK_BYTES } from '../wire/messages';

interface Waiter {
  endByteExclusive: number;
  resolve: (available: boolean) => void;
  timer: TimerHandle;
}

/** What the Uploader serves from: a whole held segment or a partial one still arriving. */
export interface ServableSegment {
  readonly bytes: Uint8Array;
  readonly availableBytes: number;
  /** Resolves true once bytes `[0, endByteExclusive)` are available, false on failure or timeout. */
  waitForBytes(endByteExclusive: number, timeoutMs: number): Promise<boolean>;
}

/** A held, complete segment as a ServableSegment. */
export function completeSegment(bytes: Uint8Array): ServableSegment {
  return { bytes, availableBytes: bytes.byteLength, waitForBytes: async (endByteExclusive) => endByteExclusive <= bytes.byteLength };
}

export class PartialSegment implements ServableSegment {
  readonly key: SegmentKey;
  readonly bytes: Uint8Array;
  private readonly blockDone: boolean[];
  private contiguousBytes = 0;
  private waiters: Waiter[] = [];
  private failed = false;
  private readonly clock: Clock;

  constructor(key: SegmentKey, sizeBytes: number, clock: Clock) {
    this.key = key;
    this.clock = clock;
    this.bytes = new Uint8Array(sizeBytes);
    this.blockDone = new Array<boolean>(Math.ceil(sizeBytes / BLOCK_BYTES)).fill(false);
  }

  get sizeBytes(): number {
    return this.bytes.byteLength;
  }

  /** Bytes available from the start without a gap. */
  get availableBytes(): number {
    return this.contiguousBytes;
  }

  get isFailed(): boolean {
    return this.failed;
  }

  /** Byte ranges (inclusive, within the segment) of the blocks not arrived yet, merged. */
  missingRanges(): ByteRange[] {
    const ranges: ByteRange[] = [];
    for (let block = 0; block < this.blockDone.length; block++) {
      if (this.blockDone[block]) continue;
      const startByte = block * BLOCK_BYTES;
      const endByte = Math.min(startByte + BLOCK_BYTES, this.sizeBytes) - 1;
      const last = ranges[ranges.length - 1];
      if (last && last.endByte + 1 === startByte) last.endByte = endByte;
      else ranges.push({ startByte, endByte });
    }
    return ranges;
  }

  /** Whether block `index` has arrived (and, with an integrity manifest, was verified). */
  hasBlock(index: number): boolean {
    return this.blockDone[index] === true;
  }

  /**
   * Copies bytes in without making them available: HTTP bytes waiting for their block's hash check. Peers
   * are served only what `received` marks, so these are never relayed before they are.
   */
  place(offsetBytes: number, data: Uint8Array): void {
    this.bytes.set(data, offsetBytes);
  }

  /** Bytes `[offsetBytes, offsetBytes + data.length)` arrived (`data` may be a view of `bytes` itself). */
  received(offsetBytes: number, data: Uint8Array): void {
    if (data.buffer !== this.bytes.buffer || data.byteOffset !== this.bytes.byteOffset + offsetBytes) this.bytes.set(data, offsetBytes);
    const length = data.byteLength;
    if (offsetBytes <= this.contiguousBytes && offsetBytes + length > this.contiguousBytes) {
      // A write that extends the prefix (HTTP chunks): it grows even within a block.
      this.contiguousBytes = Math.min(this.sizeBytes, offsetBytes + length);
    }
    const firstBlock = Math.floor(offsetBytes / BLOCK_BYTES);
    const lastBlock = Math.floor((offsetBytes + length) / BLOCK_BYTES);
    for (let block = firstBlock; block <= lastBlock && block < this.blockDone.length; block++) {
      const blockEndExclusive = Math.min((block + 1) * BLOCK_BYTES, this.sizeBytes);
      if (offsetBytes <= block * BLOCK_BYTES && offsetBytes + length >= blockEndExclusive) this.blockDone[block] = true;
    }
    let block = Math.floor(this.contiguousBytes / BLOCK_BYTES);
    while (block < this.blockDone.length && this.blockDone[block]) block++;
    this.contiguousBytes = Math.max(this.contiguousBytes, Math.min(block * BLOCK_BYTES, this.sizeBytes));
    this.wakeWaiters();
  }

  /** Resolves true once bytes `[0, endByteExclusive)` are available, false on failure or timeout. */
  waitForBytes(endByteExclusive: number, timeoutMs: number): Promise<boolean> {
    if (this.contiguousBytes >= endByteExclusive) return Promise.resolve(true);
    if (this.failed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        endByteExclusive,
        resolve,
        timer: this.clock.setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Every byte is here (the download completed): waiters wake, the whole segment can be relayed. */
  markComplete(): void {
    this.received(0, this.bytes);
  }

  /** The download failed: every waiter gets false. */
  fail(): void {
    this.failed = true;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this.contiguousBytes >= waiter.endByteExclusive || this.failed) {
        this.clock.clearTimeout(waiter.timer);
        waiter.resolve(!this.failed);
      } else still.push(waiter);
    }
    this.waiters = still;
  }
}
