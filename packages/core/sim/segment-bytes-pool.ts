/**
 * One copy of each segment's bytes for a whole simulated audience. Every viewer's engine assembles and
 * stores its own copy of the segments it holds (a live window of ~15 segments each, ~15 MB per viewer at
 * 3 Mbit/s); they are the same bytes. The engines' memory stores keep what `share` returns
 * (`ShoalPlatform.shareSegmentBytes`): the first copy stored under a key, for every later store of bytes
 * equal to it byte for byte. Bytes that differ (a lying peer's, a changed origin) are kept as they are.
 * The pool holds its copies weakly: a copy goes once no store holds it.
 */
import { segmentKeyString } from '../src/segment-key';
import type { SegmentKey } from '../src/types';

/** Keys whose copies all went, dropped from the index once this many keys were added since the last sweep. */
const SWEEP_EVERY_KEYS = 1_000;

export class SegmentBytesPool {
  private readonly copies = new Map<string, WeakRef<Uint8Array>>();
  private addedSinceSweep = 0;
  /** Stores answered with a copy already held (for reports and tests). */
  sharedCount = 0;

  readonly share = (key: SegmentKey, bytes: Uint8Array): Uint8Array => {
    const id = segmentKeyString(key);
    const held = this.copies.get(id)?.deref();
    if (held && held.byteLength === bytes.byteLength && bufferOf(held).equals(bufferOf(bytes))) {
      this.sharedCount++;
      return held;
    }
    if (!held) {
      this.copies.set(id, new WeakRef(bytes));
      if (++this.addedSinceSweep >= SWEEP_EVERY_KEYS) this.sweep();
    }
    return bytes;
  };

  private sweep(): void {
    this.addedSinceSweep = 0;
    for (const [id, copy] of this.copies) if (!copy.deref()) this.copies.delete(id);
  }
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
