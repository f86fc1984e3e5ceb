/**
 * SHA-256 for simulations on a `VirtualClock`: Node's synchronous hash, resolved at once. WebCrypto's
 * digest runs on a worker thread, real time the virtual clock cannot see: an auto-advancing clock jumps
 * to its next timer (a request timeout, seconds later) while a digest is pending, which skews timings
 * that tests measure. Test-only: it lives in `sim/`, outside the product.
 */
import { createHash } from 'node:crypto';
import type { Sha256Base64 } from '../src/integrity/sha256';

export const nodeSha256: Sha256Base64 = (bytes) => Promise.resolve(createHash('sha256').update(bytes).digest('base64'));
