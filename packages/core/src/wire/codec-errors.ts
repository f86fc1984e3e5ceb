/** Factories for the codec's `ShoalError`s: every codec failure is a non-fatal `p2p` error. */
import { ShoalError } from '../errors';

/** A field value no valid sender produces (negative, too long, unknown enum value, trailing bytes, ...). */
export function malformed(message: string): ShoalError {
  return new ShoalError('codec-malformed', message, { source: 'p2p' });
}

/** A frame (to send or received) larger than `MAX_MESSAGE_BYTES`. */
export function oversized(message: string): ShoalError {
  return new ShoalError('codec-oversized', message, { source: 'p2p' });
}

/** A received frame that ends before its message does. */
export function truncated(message: string): ShoalError {
  return new ShoalError('codec-truncated', message, { source: 'p2p' });
}

/** A handshake of another protocol version. */
export function badVersion(message: string): ShoalError {
  return new ShoalError('codec-bad-version', message, { source: 'p2p' });
}
