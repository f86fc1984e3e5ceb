/** The tracker's typed errors and the reasons it refuses a connection or a message. */

export type TrackerErrorCode = 'invalid-option' | 'listen-failed';

export class TrackerError extends Error {
  readonly code: TrackerErrorCode;
  constructor(code: TrackerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrackerError';
    this.code = code;
  }
}

/**
 * Why something was refused: the `reason` label of `shoal_tracker_rejections_total`, the `reason` of the
 * log line, and (for announces) the start of the `failure reason` the client receives.
 */
export type RejectionReason =
  /** Upgrade: `Origin` not in the allow-list (HTTP 403). */
  | 'origin'
  /** Upgrade: no `Origin` header while `allowMissingOrigin` is off (HTTP 403). */
  | 'missing-origin'
  /** Upgrade: `maxConnectionsPerIp` reached (HTTP 429). */
  | 'ip-connections'
  /** Upgrade while shutting down (HTTP 503). */
  | 'draining'
  /** Message: over `messagesPerSec` / `messageBurst` (socket closed, 1008). */
  | 'message-rate'
  /** Message: larger than `maxMessageBytes` (socket closed by ws, 1009). */
  | 'message-size'
  /** Message: not a well-formed announce or scrape (socket closed, 1008). */
  | 'malformed'
  /** Announce: would open a swarm past `maxSwarms` (failure reason). */
  | 'swarms'
  /** Announce: its swarm holds `maxPeersPerSwarm` (failure reason). */
  | 'swarm-peers'
  /** Announce: its connection is in `maxSwarmsPerConnection` swarms (failure reason). */
  | 'connection-swarms'
  /** Announce: its connection announced `maxPeerIdsPerConnection` peer ids (failure reason). */
  | 'connection-peer-ids';

export const REJECTION_REASONS: readonly RejectionReason[] = [
  'origin', 'missing-origin', 'ip-connections', 'draining', 'message-rate', 'message-size', 'malformed',
  'swarms', 'swarm-peers', 'connection-swarms', 'connection-peer-ids',
];

/** WebSocket close codes the tracker uses (RFC 6455 §7.4.1). */
export const CLOSE_CODES = {
  /** Shutting down: the client reconnects or announces to its other trackers. */
  goingAway: 1001,
  /** Policy violation: malformed messages or over the message rate. */
  policy: 1008,
} as const;
