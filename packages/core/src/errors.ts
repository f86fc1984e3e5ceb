/** One error class for everything Shoal reports, with a machine-readable `code`. */
import type { PeerLimitName } from './limits/peer-limits';

export type ShoalErrorCode =
  // wire codec
  | 'codec-truncated'
  | 'codec-oversized'
  | 'codec-malformed'
  | 'codec-bad-version'
  // peers
  | 'peer-protocol'
  | 'peer-timeout'
  | 'peer-closed'
  | 'peer-absent'
  /** A peer refused a request for now (`absent`, reason `busy`): its uplink is full; what it accepted still comes. */
  | 'peer-busy'
  /** A peer announced a segment size the origin contradicts (byte range, Content-Length/-Range, manifest). */
  | 'peer-wrong-size'
  /** A peer went past one of its caps (`limit` says which, `limits/peer-limits.ts`): it is dropped. */
  | 'peer-limit-exceeded'
  | 'transport-closed'
  | 'transport-error'
  // integrity (the integrity manifest, INTEGRITY.md)
  /** A peer sent bytes that failed their integrity check: it is dropped (`peer:closed`) and never taken back. */
  | 'corrupt-data'
  /** The origin's own bytes contradict its integrity manifest (after one refetch): the load fails. */
  | 'integrity-mismatch'
  /** The integrity manifest could not be fetched: segments it does not cover are HTTP-only (`integrity:warning`). */
  | 'integrity-manifest-unavailable'
  /** The integrity manifest is not one this engine reads (version, block size, malformed): `integrity:warning`. */
  | 'integrity-manifest-invalid'
  /** `integrityManifestUrl` is set but the page has no WebCrypto (an insecure context): peers are not used. */
  | 'integrity-unsupported'
  // origin
  | 'http-status'
  | 'http-network'
  | 'http-timeout'
  /** An origin body longer or shorter than its declared length (Content-Length, Content-Range, the range asked). */
  | 'http-length-mismatch'
  // tracker
  | 'tracker-warning'
  // other
  | 'aborted'
  | 'config-invalid'
  | 'storage-failed'
  | 'storage-unavailable'
  | 'storage-quota'
  | 'destroyed'
  /** A bug of ours caught at an entry point (a timer, a peer message, a segment's step): `engine:error`. */
  | 'internal-error';

export type ShoalErrorSource = 'http' | 'p2p' | 'tracker' | 'storage' | 'config' | 'engine';

export interface ShoalErrorOptions {
  source: ShoalErrorSource;
  /** True when the operation cannot be retried and the caller must give up (only HTTP failures reach the player). */
  fatal?: boolean;
  cause?: unknown;
  /** HTTP status, when `code` is `http-status`. */
  status?: number;
  /** The cap a peer exceeded, when `code` is `peer-limit-exceeded`. */
  limit?: PeerLimitName;
}

export class ShoalError extends Error {
  readonly code: ShoalErrorCode;
  readonly source: ShoalErrorSource;
  readonly fatal: boolean;
  readonly status?: number;
  readonly limit?: PeerLimitName;

  constructor(code: ShoalErrorCode, message: string, options: ShoalErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShoalError';
    this.code = code;
    this.source = options.source;
    this.fatal = options.fatal ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.limit !== undefined) this.limit = options.limit;
  }
}

export function isShoalError(value: unknown): value is ShoalError {
  return value instanceof ShoalError;
}
