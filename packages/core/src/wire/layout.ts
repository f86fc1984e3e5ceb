/**
 * Byte-layout constants shared by the encoder and the decoder (see `packages/core/PROTOCOL.md`), and the
 * one byte-range rule both enforce.
 */
import { malformed } from './codec-errors';

/** "SHOL", right after the handshake's type byte: tells a Shoal peer from anything else on the channel. */
export const HANDSHAKE_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x53, 0x48, 0x4f, 0x4c);
/** Raw bytes of the swarm's info-hash in the handshake (sent as 40 hex chars in `HandshakeMessage`). */
export const SWARM_HASH_BYTES = 20;
/** Handshake flags bit 0. Other bits are reserved: sent as 0, ignored on receipt. */
export const UPLOAD_ENABLED_FLAG = 0b1;
/** One held segment in `haveSet`/`have`: segmentId u64 + sizeBytes u32 + flags u8 (+ a commitment). */
export const HELD_SEGMENT_BYTES = 13;
/** Held-segment flags bit 0: the holder is still downloading it. */
export const PARTIAL_FLAG = 0b1;
/**
 * Held-segment flags bit 1 (version 2): a SHA-256 commitment of `COMMITMENT_BYTES` follows the flags.
 * Only on complete entries (partial + committed is malformed). Other bits are reserved: sent as 0,
 * ignored on receipt.
 */
export const COMMITTED_FLAG = 0b10;
/** A SHA-256 digest: the commitment's length. */
export const COMMITMENT_BYTES = 32;
/** Header of a `data` frame: type u8 + requestId u32 + offsetBytes u32. The payload follows. */
export const DATA_HEADER_BYTES = 9;
/** Requested and sent ranges lie inside a segment, whose size is a u32. */
const SEGMENT_END_LIMIT_BYTES = 0x1_0000_0000;

/**
 * Checks a byte range `[offsetBytes, offsetBytes + lengthBytes)` of a segment: at least one byte, ending
 * at or before 2^32. Field types (u32) are checked by the writer and reader.
 */
export function checkRange(offsetBytes: number, lengthBytes: number, what: string): void {
  if (lengthBytes === 0) throw malformed(`${what}: empty byte range`);
  if (offsetBytes + lengthBytes > SEGMENT_END_LIMIT_BYTES) {
    throw malformed(`${what}: byte range ends past 2^32`);
  }
}
