/**
 * The wire codec: one `WireMessage` <-> one binary frame. The public entry point; the byte layouts are
 * documented in `packages/core/PROTOCOL.md` (keep the two in step) and shared in `layout.ts`.
 *
 * Encoding throws a `ShoalError` for a message no peer may send (a bug on our side). Decoding never throws:
 * its input comes from an untrusted peer, so every failure comes back as a `DecodeFailure` value.
 */
export { encodeHoldings, encodeLost, encodeMessage } from './encoder';
export { decodeMessage, type DecodeFailure, type DecodeResult, type DecodeSuccess } from './decoder';
export { DATA_HEADER_BYTES, HANDSHAKE_MAGIC } from './layout';
