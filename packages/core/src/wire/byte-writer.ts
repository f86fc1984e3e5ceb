/**
 * Growable big-endian byte writer for the wire codec. Every method validates its value and throws
 * a `ShoalError` (`codec-malformed` for a bad field, `codec-oversized` past `MAX_MESSAGE_BYTES`), so an
 * invalid message is never half-encoded onto the wire.
 */
import { malformed, oversized } from './codec-errors';
import { MAX_MESSAGE_BYTES, MAX_RENDITION_ID_BYTES } from './messages';

const U32_MAX = 0xffff_ffff;
const TWO_POW_32 = 0x1_0000_0000;
/** A UTF-16 surrogate without its partner: `TextEncoder` would silently replace it with U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const utf8Encoder = new TextEncoder();
/**
 * Rendition ids encoded and validated already: a stream has a handful, and every request and announcement
 * carries one. Bounded, since ids come from playlists; cleared whole when full.
 */
const ENCODED_ID_CACHE_ENTRIES = 64;
const encodedIds = new Map<string, Uint8Array>();

/** Whether `value` is an integer in `[0, max]`. */
function isUint(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

/**
 * UTF-8 bytes of a rendition id, validated: 1..MAX_RENDITION_ID_BYTES bytes, well-formed UTF-16 input.
 * Exposed so the holdings splitter can measure an id before deciding where a frame ends. The bytes are
 * shared between calls: read them, never write to them.
 */
export function renditionIdBytes(renditionId: string, field = 'renditionId'): Uint8Array {
  const cached = typeof renditionId === 'string' ? encodedIds.get(renditionId) : undefined;
  if (cached) return cached;
  const bytes = encodeRenditionId(renditionId, field);
  if (encodedIds.size >= ENCODED_ID_CACHE_ENTRIES) encodedIds.clear();
  encodedIds.set(renditionId, bytes);
  return bytes;
}

function encodeRenditionId(renditionId: string, field: string): Uint8Array {
  if (typeof renditionId !== 'string') throw malformed(`${field} is not a string`);
  if (LONE_SURROGATE.test(renditionId)) throw malformed(`${field} holds a lone UTF-16 surrogate`);
  const bytes = utf8Encoder.encode(renditionId);
  if (bytes.length === 0) throw malformed(`${field} is empty`);
  if (bytes.length > MAX_RENDITION_ID_BYTES) {
    throw malformed(`${field} is ${bytes.length} UTF-8 bytes, more than ${MAX_RENDITION_ID_BYTES}`);
  }
  return bytes;
}

export class ByteWriter {
  private bytes: Uint8Array;
  private lengthBytes = 0;

  /**
   * `initialCapacityBytes`: a size hint; the buffer grows (up to `MAX_MESSAGE_BYTES`) as needed. Values are
   * written byte by byte, not through a DataView: a view needs `bytes.buffer`, which for a small frame (V8
   * keeps typed arrays of up to 64 bytes on its heap) moves it out to a new ArrayBuffer.
   */
  constructor(initialCapacityBytes = 64) {
    this.bytes = new Uint8Array(Math.min(Math.max(initialCapacityBytes, 16), MAX_MESSAGE_BYTES));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.lengthBytes;
  }

  u8(value: number, field: string): this {
    if (!isUint(value, 0xff)) throw malformed(`${field} must be an integer in [0, 255], got ${value}`);
    this.reserve(1);
    this.bytes[this.lengthBytes] = value;
    this.lengthBytes += 1;
    return this;
  }

  u16(value: number, field: string): this {
    if (!isUint(value, 0xffff)) throw malformed(`${field} must be an integer in [0, 65535], got ${value}`);
    this.reserve(2);
    this.setUint16At(this.lengthBytes, value);
    this.lengthBytes += 2;
    return this;
  }

  u32(value: number, field: string): this {
    if (!isUint(value, U32_MAX)) throw malformed(`${field} must be an integer in [0, 2^32-1], got ${value}`);
    this.reserve(4);
    this.setUint32At(this.lengthBytes, value);
    this.lengthBytes += 4;
    return this;
  }

  /** A non-negative safe integer as an unsigned 64-bit big-endian integer (high u32, then low u32). */
  u64(value: number, field: string): this {
    if (!isUint(value, Number.MAX_SAFE_INTEGER)) {
      throw malformed(`${field} must be an integer in [0, 2^53-1], got ${value}`);
    }
    this.reserve(8);
    this.setUint32At(this.lengthBytes, Math.floor(value / TWO_POW_32));
    this.setUint32At(this.lengthBytes + 4, value % TWO_POW_32);
    this.lengthBytes += 8;
    return this;
  }

  /** Raw bytes, no length prefix. */
  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.lengthBytes);
    this.lengthBytes += bytes.length;
    return this;
  }

  /** A string as u8 byte length + UTF-8 bytes (already validated by `renditionIdBytes`). */
  shortBytes(bytes: Uint8Array, field: string): this {
    return this.u8(bytes.length, `${field} length`).raw(bytes);
  }

  /** Overwrite a u16 written earlier (a count known only after the items are written). */
  patchU16(atByte: number, value: number, field: string): this {
    if (!isUint(value, 0xffff)) throw malformed(`${field} must be an integer in [0, 65535], got ${value}`);
    this.setUint16At(atByte, value);
    return this;
  }

  /** The encoded frame. The writer must not be used afterwards. */
  finish(): Uint8Array {
    return this.lengthBytes === this.bytes.length
      ? this.bytes
      : this.bytes.slice(0, this.lengthBytes);
  }

  private reserve(moreBytes: number): void {
    const needed = this.lengthBytes + moreBytes;
    if (needed > MAX_MESSAGE_BYTES) {
      throw oversized(`message needs more than ${MAX_MESSAGE_BYTES} bytes`);
    }
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(Math.min(capacity, MAX_MESSAGE_BYTES));
    grown.set(this.bytes.subarray(0, this.lengthBytes));
    this.bytes = grown;
  }

  private setUint16At(atByte: number, value: number): void {
    this.bytes[atByte] = value >>> 8;
    this.bytes[atByte + 1] = value & 0xff;
  }

  /** `value` a validated u32 (0..2^32-1), big-endian. */
  private setUint32At(atByte: number, value: number): void {
    this.bytes[atByte] = value >>> 24;
    this.bytes[atByte + 1] = (value >>> 16) & 0xff;
    this.bytes[atByte + 2] = (value >>> 8) & 0xff;
    this.bytes[atByte + 3] = value & 0xff;
  }
}
