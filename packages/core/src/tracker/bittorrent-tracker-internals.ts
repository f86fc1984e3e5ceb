/**
 * THE ONLY MODULE THAT DEALS WITH bittorrent-tracker's PRIVATE FIELDS AND QUIRKS (checked against
 * `BITTORRENT_TRACKER_CHECKED_VERSION`, `lib/client/websocket-tracker.js`), for `WebTorrentTrackerClient`.
 * `@shoal/core` pins that exact version. If another version renames the fields, `hookLibraryInternals`
 * reports each one it did not find (the client emits them as `tracker-warning`s) and works without it:
 * offers then live the library's own 50 s.
 */
import type { SimplePeerLike } from '../transport/simple-peer-transport';
import { reconnectDelayMs, screenTrackerMessage } from './tracker-message';

/** What Shoal uses of a `@thaunknown/simple-peer` instance made by the library. */
export interface LibraryPeer extends SimplePeerLike {
  /** Remote peer id (hex), set by the library once known (before `connect`). */
  id?: string;
  /** True for our offers, false for our answers to remote offers. */
  readonly initiator: boolean;
  once(event: 'connect' | 'close' | 'signal', listener: () => void): unknown;
}

/**
 * The bittorrent-tracker version whose private fields this module was checked against; `@shoal/core`'s
 * package.json pins exactly this one (peer and dev dependency).
 */
export const BITTORRENT_TRACKER_CHECKED_VERSION = '11.2.3';

/** Destroys a library peer; an error racing the destroy must not go unhandled. */
export function quietlyDestroy(peer: LibraryPeer): void {
  peer.on('error', () => {});
  peer.destroy();
}

/** What Shoal cannot do when a bittorrent-tracker private field is missing, by field (see the warning). */
const LOST_WITHOUT: Record<string, string> = {
  _trackers: "no offer is closed before the library's own 50 s, and reconnects may outlive destroy()",
  _createPeer: "offers nobody answers stay open the library's own 50 s instead of offerTimeoutMs",
  peers: "an offer closed early stays in the library's books, where a late answer would throw",
  reconnectTimer: "a reconnect after a tracker failure may outlive destroy()",
  _onSocketData: 'tracker messages reach the library unscreened (no interval clamp, no cap on remote offers)',
  _startReconnectTimer: "reconnects wait the library's 10 s to 5 min instead of 1 s doubling to 60 s",
};

/** The warning for a private field `hookLibraryInternals` did not find (`LibraryInternals.missing`). */
export function missingInternalWarning(field: string): string {
  return (
    `bittorrent-tracker internal ${field} not found (checked against bittorrent-tracker ` +
    `${BITTORRENT_TRACKER_CHECKED_VERSION}): ${LOST_WITHOUT[field.replace(/^.*\./, '')] ?? LOST_WITHOUT['_trackers']}`
  );
}

export interface LibraryInternals {
  /**
   * The private fields `hookLibraryInternals` expected and did not find, as readable paths
   * (`_trackers[0]._createPeer`); empty when every hook attached.
   */
  readonly missing: readonly string[];
  /** Whether `peer` is one of our offers that nobody has answered yet. */
  isUnansweredOffer(peer: LibraryPeer): boolean;
  /** Removes an offer nobody answered from the library's books; true if it was one. */
  forgetUnansweredOffer(peer: LibraryPeer): boolean;
  /** Cancels reconnect timers the library's `destroy()` leaves running. */
  cancelReconnects(): void;
}

/** What the client decides for the hooks on the library's socket (see `hookLibraryInternals`). */
export interface SocketGuards {
  /** Whether one more remote offer may be answered now. */
  acceptRemoteOffer(): boolean;
  /** A tracker message ignored or repaired, in words. */
  onWarning(message: string): void;
}

/**
 * Hooks a client just constructed (before `start()`). Each `client._trackers[i]` (one per announce URL,
 * made once in the client's constructor) has:
 * - `_createPeer(opts)`: makes every simple-peer, offers (`initiator: true`) and answers alike. Wrapped
 *   here so `onPeerCreated` sees each one, including offers no one ever answers (never emitted).
 * - `peers`: offer id → unanswered offer peer, each with a `trackerTimeout` (the library's 50 s). An
 *   offer closed early must leave this map, or a late answer would `signal()` a destroyed peer and throw.
 * - `reconnectTimer`: set after a socket failure; the library's `destroy()` does not clear it while
 *   reconnecting, and it would open a new socket (and announce with offers) after destroy.
 * - `_onSocketData(data)`: reads every tracker message (called through a bound arrow, so replacing the
 *   instance method takes effect). Wrapped here with `guards` so the library only ever reads a message
 *   `screenTrackerMessage` accepted: an unknown action no longer drops the socket, a tiny `interval` is
 *   clamped, a numeric `peer_id` never reaches `bin2hex`, and remote offers beyond the cap are dropped.
 * - `_startReconnectTimer()`: replaced by the same steps with `reconnectDelayMs` (1 s doubling to 60 s,
 *   jittered) instead of the library's 10 s + up to 5 min on the first retry.
 */
export function hookLibraryInternals(
  // `object`, not the library's `Client` type: this module's declarations ship in `@shoal/core`'s
  // types, and a consumer without bittorrent-tracker's (local, ambient) types must still type-check.
  client: object,
  onPeerCreated: (peer: LibraryPeer) => void,
  guards?: SocketGuards,
): LibraryInternals {
  interface InternalTracker {
    _createPeer?: (options?: object) => LibraryPeer;
    peers?: Record<string, LibraryPeer & { trackerTimeout?: unknown }> | null;
    reconnectTimer?: unknown;
    destroyed?: boolean;
    expectingResponse?: boolean;
    reconnecting?: boolean;
    retries?: number;
    _onSocketData?: (data: unknown) => void;
    _startReconnectTimer?: () => void;
    _openSocket?: () => void;
  }
  const trackersField = (client as { _trackers?: unknown })._trackers;
  const missing: string[] = Array.isArray(trackersField) ? [] : ['_trackers'];
  const trackers: InternalTracker[] = [];
  for (const [index, tracker] of (Array.isArray(trackersField) ? trackersField : []).entries()) {
    if (typeof tracker !== 'object' || tracker === null) continue; // a URL the library rejected (and warned of)
    trackers.push(tracker as InternalTracker);
    if (typeof tracker._createPeer !== 'function') missing.push(`_trackers[${index}]._createPeer`);
    if (typeof tracker.peers !== 'object' || tracker.peers === null) missing.push(`_trackers[${index}].peers`);
    if (!('reconnectTimer' in tracker)) missing.push(`_trackers[${index}].reconnectTimer`);
    if (guards && typeof tracker._onSocketData !== 'function') missing.push(`_trackers[${index}]._onSocketData`);
    if (guards && typeof tracker._startReconnectTimer !== 'function') {
      missing.push(`_trackers[${index}]._startReconnectTimer`);
    }
  }
  if (guards) for (const tracker of trackers) guardSocket(tracker, guards);
  for (const tracker of trackers) {
    const createPeer = tracker._createPeer;
    if (typeof createPeer !== 'function') continue;
    tracker._createPeer = function (this: InternalTracker, options?: object): LibraryPeer {
      const peer = createPeer.call(this, options);
      onPeerCreated(peer);
      return peer;
    };
  }
  const findOffer = (peer: LibraryPeer): { offers: NonNullable<InternalTracker['peers']>; offerId: string } | null => {
    for (const tracker of trackers) {
      const offers = tracker.peers;
      if (!offers) continue;
      for (const offerId of Object.keys(offers)) if (offers[offerId] === peer) return { offers, offerId };
    }
    return null;
  };
  return {
    missing,
    isUnansweredOffer: (peer) => findOffer(peer) !== null,
    forgetUnansweredOffer(peer) {
      const found = findOffer(peer);
      if (!found) return false;
      clearTimeout(found.offers[found.offerId]!.trackerTimeout as ReturnType<typeof setTimeout>);
      delete found.offers[found.offerId];
      return true;
    },
    cancelReconnects() {
      for (const tracker of trackers) clearTimeout(tracker.reconnectTimer as ReturnType<typeof setTimeout>);
    },
  };
}

/** See `hookLibraryInternals`: screens each tracker message, and paces reconnects. */
function guardSocket(
  tracker: {
    destroyed?: boolean;
    expectingResponse?: boolean;
    reconnecting?: boolean;
    retries?: number;
    reconnectTimer?: unknown;
    _onSocketData?: (data: unknown) => void;
    _startReconnectTimer?: () => void;
    _openSocket?: () => void;
  },
  guards: SocketGuards,
): void {
  const onSocketData = tracker._onSocketData;
  if (typeof onSocketData === 'function') {
    tracker._onSocketData = function (this: typeof tracker, data: unknown): void {
      if (this.destroyed) return;
      this.expectingResponse = false;
      // ArrayBuffer.isView, not instanceof: a socket's bytes may come from another realm (a worker, a
      // vm context, Node's Buffer under a bundle), where instanceof Uint8Array is false.
      const text = typeof data === 'string' ? data : ArrayBuffer.isView(data) ? textDecoder.decode(data as Uint8Array) : null;
      const screened =
        text === null
          ? ({ accepted: false, reason: 'tracker sent a message that is not text' } as const)
          : screenTrackerMessage(text, { acceptRemoteOffer: () => guards.acceptRemoteOffer() });
      if (!screened.accepted) {
        guards.onWarning(screened.reason);
        return;
      }
      for (const warning of screened.warnings) guards.onWarning(warning);
      onSocketData.call(this, textEncoder.encode(JSON.stringify(screened.message)));
    };
  }
  if (typeof tracker._startReconnectTimer === 'function' && typeof tracker._openSocket === 'function') {
    tracker._startReconnectTimer = function (this: typeof tracker): void {
      const delayMs = reconnectDelayMs(this.retries ?? 0, Math.random());
      this.reconnecting = true;
      clearTimeout(this.reconnectTimer as ReturnType<typeof setTimeout>);
      const timer = setTimeout(() => {
        this.retries = (this.retries ?? 0) + 1;
        this._openSocket?.();
      }, delayMs);
      // As the library does: a pending reconnect alone must not keep a Node process alive.
      (timer as { unref?: () => void }).unref?.();
      this.reconnectTimer = timer;
    };
  }
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/**
 * Clients of one swarm in one JavaScript realm, per tracker URL: announce URL + info-hash → instance
 * numbers in use. Reference-counted: `claimOwnSockets` adds, its `release` removes.
 */
const instancesInRealm = new Map<string, Set<number>>();

/** Query parameter that gives the second, third… client of a swarm in one realm its own WebSocket. */
const INSTANCE_PARAM = 'shoal-instance';

/**
 * The library keeps ONE WebSocket per announce URL per realm (`socketPool` in websocket-tracker.js),
 * shared by all its clients. Clients of different swarms sharing it is fine, but two clients of the SAME
 * swarm (several players of one stream on a page, or several engines in one Node process) then both
 * receive every offer sent to either (offers carry no recipient), both answer, and only the first answer
 * counts: connections land on random pairs, and the other answers leave RTCPeerConnections behind.
 * So the second and later concurrent clients of a swarm get `?shoal-instance=N` added to the URL: its
 * own socket, and the tracker sees distinct connections as it would from separate pages. The first
 * client of a swarm uses the URL unchanged.
 */
export function claimOwnSockets(
  announceUrls: string[],
  infoHashHex: string,
): { announceUrls: string[]; release: () => void } {
  const claimed: Array<{ key: string; instance: number }> = [];
  const urls = announceUrls.map((url) => {
    const poolKey = url.endsWith('/') ? url.slice(0, -1) : url; // as the library keys its pool
    const key = `${poolKey} ${infoHashHex.toLowerCase()}`;
    const inUse = instancesInRealm.get(key) ?? new Set<number>();
    instancesInRealm.set(key, inUse);
    let instance = 1;
    while (inUse.has(instance)) instance++;
    inUse.add(instance);
    claimed.push({ key, instance });
    if (instance === 1) return url;
    try {
      const withParam = new URL(url);
      withParam.searchParams.set(INSTANCE_PARAM, String(instance));
      return withParam.href;
    } catch {
      return url; // the library reports the invalid URL
    }
  });
  let released = false;
  return {
    announceUrls: urls,
    release() {
      if (released) return;
      released = true;
      for (const { key, instance } of claimed) {
        const inUse = instancesInRealm.get(key);
        inUse?.delete(instance);
        if (inUse?.size === 0) instancesInRealm.delete(key);
      }
    },
  };
}
