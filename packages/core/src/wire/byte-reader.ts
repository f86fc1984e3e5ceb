/**
 * Bounds-checked big-endian reader over one received frame. Reading past the end throws a
 * `codec-truncated` `ShoalError`; a value no valid sender produces throws `codec-malformed`. The decoder
 * catches both and turns them into a failed `DecodeResult`.
 */
import { malformed, truncated } from './codec-errors';
import { MAX_RENDITION_ID_BYTES } from './messages';

const TWO_POW_32 = 0x1_0000_0000;
/** Largest high word of a u64 that is still a safe integer: 2^53-1 = 0x1FFFFF_FFFFFFFF. */
const MAX_SAFE_HIGH_WORD = 0x1f_ffff;

/** `fatal`: invalid UTF-8 throws instead of decoding to U+FFFD, so a bad id never aliases a good one. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export class ByteReader {
  private readonly bytes: Uint8Array;
  private offsetBytes: number;

  // Values are read byte by byte, not through a DataView: a view needs `bytes.buffer`, which for a small
  // frame (V8 keeps typed arrays of up to 64 bytes on its heap) copies the frame out to a new ArrayBuffer.
  constructor(bytes: Uint8Array, startByte = 0) {
    this.bytes = bytes;
    this.offsetBytes = startByte;
  }

  get remainingBytes(): number {
    return this.bytes.length - this.offsetBytes;
  }

  get positionBytes(): number {
    return this.offsetBytes;
  }

  u8(field: string): number {
    this.need(1, field);
    const value = this.bytes[this.offsetBytes]!;
    this.offsetBytes += 1;
    return value;
  }

  u16(field: string): number {
    this.need(2, field);
    const value = (this.bytes[this.offsetBytes]! << 8) | this.bytes[this.offsetBytes + 1]!;
    this.offsetBytes += 2;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.uint32At(this.offsetBytes);
    this.offsetBytes += 4;
    return value;
  }

  /** An unsigned 64-bit integer; values above 2^53-1 are malformed (no valid sender encodes them). */
  u64(field: string): number {
    this.need(8, field);
    const high = this.uint32At(this.offsetBytes);
    const low = this.uint32At(this.offsetBytes + 4);
    if (high > MAX_SAFE_HIGH_WORD) throw malformed(`${field} exceeds 2^53-1`);
    this.offsetBytes += 8;
    return high * TWO_POW_32 + low;
  }

  /** A view (not a copy) of the next `lengthBytes` bytes. */
  bytesView(lengthBytes: number, field: string): Uint8Array {
    this.need(lengthBytes, field);
    const view = this.bytes.subarray(this.offsetBytes, this.offsetBytes + lengthBytes);
    this.offsetBytes += lengthBytes;
    return view;
  }

  /** A view of everything left in the frame. */
  rest(): Uint8Array {
    const view = this.bytes.subarray(this.offsetBytes);
    this.offsetBytes = this.bytes.length;
    return view;
  }

  /** A rendition id: u8 length (1..MAX_RENDITION_ID_BYTES) + UTF-8. */
  renditionId(field = 'renditionId'): string {
    const lengthBytes = this.u8(`${field} length`);
    if (lengthBytes === 0) throw malformed(`${field} is empty`);
    if (lengthBytes > MAX_RENDITION_ID_BYTES) {
      throw malformed(`${field} length ${lengthBytes} exceeds ${MAX_RENDITION_ID_BYTES}`);
    }
    this.need(lengthBytes, field);
    const ascii = this.asciiAt(this.offsetBytes, lengthBytes);
    if (ascii !== undefined) {
      this.offsetBytes += lengthBytes;
      return ascii;
    }
    const bytes = this.bytesView(lengthBytes, field);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      throw malformed(`${field} is not valid UTF-8`);
    }
  }

  /** Throws `codec-malformed` if bytes are left over: every non-`data` message has an exact length. */
  end(messageName: string): void {
    if (this.remainingBytes !== 0) {
      throw malformed(`${messageName}: ${this.remainingBytes} unexpected trailing byte(s)`);
    }
  }

  /**
   * The string of `lengthBytes` bytes at `atByte` if all are ASCII (their UTF-8 decoding), else undefined.
   * Ids are ASCII in practice: no view of the frame and no decoder call for them.
   */
  private asciiAt(atByte: number, lengthBytes: number): string | undefined {
    let text = '';
    for (let i = atByte; i < atByte + lengthBytes; i++) {
      const byte = this.bytes[i]!;
      if (byte >= 0x80) return undefined;
      text += String.fromCharCode(byte);
    }
    return text;
  }

  /** The big-endian u32 at `atByte` (already bounds-checked). */
  private uint32At(atByte: number): number {
    const b = this.bytes;
    return b[atByte]! * 0x100_0000 + ((b[atByte + 1]! << 16) | (b[atByte + 2]! << 8) | b[atByte + 3]!);
  }

  private need(lengthBytes: number, field: string): void {
    if (this.offsetBytes + lengthBytes > this.bytes.length) {
      throw truncated(
        `frame ends at byte ${this.bytes.length} while reading ${field} ` +
          `(needs ${lengthBytes} byte(s) from byte ${this.offsetBytes})`,
      );
    }
  }
}
