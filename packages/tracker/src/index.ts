/** `@shoal/tracker`: a WebTorrent (WebSocket) tracker for Shoal, safe to expose. See README.md. */
export { startTracker, type RunningTracker, type HealthReport } from './start-tracker.js';
export { DEFAULT_LIMITS, DEFAULT_PORT, DEFAULT_HOST, type TrackerOptions, type TrackerLimits, type ResolvedOptions } from './options.js';
export { TrackerError, CLOSE_CODES, REJECTION_REASONS, type TrackerErrorCode, type RejectionReason } from './errors.js';
export { parseCliConfig } from './cli-config.js';
