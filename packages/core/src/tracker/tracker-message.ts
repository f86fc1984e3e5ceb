/**
 * Screening of what a WebTorrent tracker sends, before bittorrent-tracker 11.2.3 reads it. The library
 * drops its socket for 10 s to 5 min on one unknown `action`, announces as often as the tracker's
 * `interval` says (0.001 s made 1,525 announces in 2 s), and in Node throws an uncaught `TypeError` on a
 * numeric `peer_id`. Here a message is either passed on with its fields made safe, or ignored with a
 * reason that the client reports as a `tracker-warning`. Pure: no I/O, no timers.
 */

/**
 * Shortest announce interval a tracker may ask for, in seconds. Its own default is 30 s and public
 * trackers ask 120 s; below 15 s the announces (each up to 5 RTCPeerConnections) cost more than they find.
 */
export const MIN_TRACKER_INTERVAL_S = 15;

/**
 * Longest announce interval a tracker may ask for, in seconds. Beyond an hour the tracker forgets us
 * (bittorrent-tracker drops peers silent for 20 min by default) and newcomers stop finding this viewer.
 */
export const MAX_TRACKER_INTERVAL_S = 3_600;

/** A bittorrent peer id or info-hash as the library exchanges it: 20 chars, one per byte. */
const BINARY_ID_LENGTH = 20;

export type ScreenedMessage =
  | { accepted: true; message: Record<string, unknown>; warnings: string[] }
  | { accepted: false; reason: string };

export interface ScreenOptions {
  /** Whether one more remote offer may be answered now (false: the offer is dropped, the rest kept). */
  acceptRemoteOffer: () => boolean;
}

/** Parses and screens one WebSocket message from a tracker. */
export function screenTrackerMessage(text: string, options: ScreenOptions): ScreenedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { accepted: false, reason: 'tracker sent a message that is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { accepted: false, reason: 'tracker sent a message that is not a JSON object' };
  }
  const message = { ...(parsed as Record<string, unknown>) };
  const action = message['action'];
  if (action === 'scrape') return { accepted: true, message, warnings: [] };
  if (action !== 'announce') {
    return { accepted: false, reason: `tracker sent an unknown action, ignored: ${describe(action)}` };
  }
  if (typeof message['info_hash'] !== 'string') {
    return { accepted: false, reason: 'tracker announce without a string info_hash, ignored' };
  }
  const warnings: string[] = [];
  for (const field of ['failure reason', 'warning message', 'tracker id'] as const) {
    if (field in message && typeof message[field] !== 'string') {
      warnings.push(`tracker sent a non-string "${field}", ignored`);
      delete message[field];
    }
  }
  for (const field of ['interval', 'min interval'] as const) {
    if (!(field in message)) continue;
    const seconds = message[field];
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      warnings.push(`tracker sent an invalid "${field}" (${describe(seconds)}), ignored`);
      delete message[field];
    } else if (seconds < MIN_TRACKER_INTERVAL_S || seconds > MAX_TRACKER_INTERVAL_S) {
      message[field] = Math.min(MAX_TRACKER_INTERVAL_S, Math.max(MIN_TRACKER_INTERVAL_S, seconds));
      warnings.push(`tracker "${field}" ${seconds} s clamped to ${String(message[field])} s`);
    }
  }
  for (const field of ['complete', 'incomplete'] as const) {
    if (field in message && message[field] != null && !isCount(message[field])) {
      warnings.push(`tracker sent an invalid "${field}" (${describe(message[field])}), ignored`);
      delete message[field];
    }
  }
  const hasOffer = message['offer'] !== undefined;
  const hasAnswer = message['answer'] !== undefined;
  if (!hasOffer && !hasAnswer) return { accepted: true, message, warnings };
  // An offer or answer is only read with a peer_id; each needs a well-formed one and a description.
  const peerId = message['peer_id'];
  if (typeof peerId !== 'string' || peerId.length !== BINARY_ID_LENGTH) {
    warnings.push(`tracker relayed a signal with an invalid peer_id (${describe(peerId)}), ignored`);
    return { accepted: true, message: withoutSignal(message), warnings };
  }
  if (typeof message['offer_id'] !== 'string' || message['offer_id'].length !== BINARY_ID_LENGTH) {
    warnings.push(`tracker relayed a signal with an invalid offer_id (${describe(message['offer_id'])}), ignored`);
    return { accepted: true, message: withoutSignal(message), warnings };
  }
  if (hasOffer && !isDescription(message['offer'], 'offer')) {
    warnings.push('tracker relayed a malformed offer, ignored');
    delete message['offer'];
  }
  if (hasAnswer && !isDescription(message['answer'], 'answer')) {
    warnings.push('tracker relayed a malformed answer, ignored');
    delete message['answer'];
  }
  if (message['offer'] !== undefined && !options.acceptRemoteOffer()) {
    warnings.push('remote offer dropped: too many incoming connections pending');
    delete message['offer'];
  }
  return { accepted: true, message, warnings };
}

function withoutSignal(message: Record<string, unknown>): Record<string, unknown> {
  const { offer: _offer, answer: _answer, ...rest } = message;
  return rest;
}

function isDescription(value: unknown, type: 'offer' | 'answer'): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const description = value as { type?: unknown; sdp?: unknown };
  return description.type === type && typeof description.sdp === 'string';
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A value named in a warning, short (a tracker may send anything, of any size). */
function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(typeof value === 'object' ? JSON.stringify(value) : value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Base of the reconnect backoff, in ms: a tracker restart is usually back within a second or two. */
export const RECONNECT_BASE_MS = 1_000;

/**
 * Cap of the reconnect backoff, in ms. The library waits 10 s to 5 min on the first retry and up to an hour
 * later; a viewer whose tracker came back must not wait longer than a minute to find peers again.
 */
export const RECONNECT_MAX_MS = 60_000;

/**
 * Delay before reconnect number `retries + 1`: exponential from `RECONNECT_BASE_MS`, capped at
 * `RECONNECT_MAX_MS`, with "equal jitter" (half fixed, half random) so the viewers of a restarted tracker
 * do not all come back in the same instant. `random` is in [0, 1).
 */
export function reconnectDelayMs(retries: number, random: number): number {
  const exponent = Number.isFinite(retries) ? Math.min(Math.max(0, Math.floor(retries)), 30) : 0;
  const ceilingMs = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** exponent);
  return Math.round(ceilingMs / 2 + (ceilingMs / 2) * Math.min(Math.max(random, 0), 1));
}
