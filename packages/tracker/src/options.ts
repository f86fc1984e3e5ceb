/**
 * `startTracker` options, their defaults (each documented: packages/tracker/README.md lists the same) and
 * `resolveOptions()`, which fills and validates them.
 */
import { TrackerError } from './errors.js';

/** Every limit the tracker enforces. A limit of `0` is invalid: each must admit something. */
export interface TrackerLimits {
  /** Open WebSocket connections from one IP address; the next upgrade gets HTTP 429. */
  maxConnectionsPerIp: number;
  /** Sustained messages per second per connection (a token bucket); past it the socket is closed (1008). */
  messagesPerSec: number;
  /** Messages one connection may send at once before `messagesPerSec` applies (the bucket's size). */
  messageBurst: number;
  /** Largest message accepted, in bytes; a larger one closes the socket (1009, by `ws`). */
  maxMessageBytes: number;
  /** Offers relayed per announce, which in the WebSocket protocol is also the peers returned (`numwant`). */
  maxOffersPerAnnounce: number;
  /** Swarms (info-hashes) the process holds; an announce that would open one more is refused. */
  maxSwarms: number;
  /** Peers in one swarm; a newcomer past it is refused (it keeps loading over HTTP). */
  maxPeersPerSwarm: number;
  /** Swarms one connection may join. */
  maxSwarmsPerConnection: number;
  /** Distinct peer ids one connection may announce (a page's clients share one socket per tracker URL). */
  maxPeerIdsPerConnection: number;
}

export interface TrackerOptions {
  /** Interface to listen on. Behind a TLS reverse proxy keep the default. @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8000 */
  port?: number;
  /**
   * Page origins (`https://video.example.com`) whose viewers may connect, compared with the WebSocket
   * upgrade's `Origin` header. `undefined` or `['*']` admits every origin (logged as a warning at start).
   */
  allowedOrigins?: readonly string[];
  /**
   * Admit upgrades without an `Origin` header: non-browser clients (Node engines, the bench). Browsers
   * always send one, so this does not let another site's pages in. @default true
   */
  allowMissingOrigin?: boolean;
  /** Take the client address from the last `X-Forwarded-For` entry (set it behind a reverse proxy). @default false */
  trustProxy?: boolean;
  /** Re-announce interval told to clients, in seconds. @default 120 */
  announceIntervalSec?: number;
  /** How long shutdown waits for sockets to close after telling them it is going away. @default 5000 */
  shutdownGraceMs?: number;
  limits?: Partial<TrackerLimits>;
  /** Where JSON log lines go; `false` silences them. @default a line on stdout */
  log?: ((line: string) => void) | false;
  /** At most one log line per event class per this many ms; the next one says how many were dropped. @default 10000 */
  logIntervalMs?: number;
}

/** The limits a tracker uses unless told otherwise (the README's table says why each). */
export const DEFAULT_LIMITS: Readonly<TrackerLimits> = Object.freeze({
  // Connections: a viewer's page opens one socket per tracker URL (its clients share it), so 20 covers a
  // household or small office behind one NAT address while bounding what one host can hold open.
  maxConnectionsPerIp: 20,
  // Messages per second: a Shoal client announces every ~2 min and answers each offer it gets (at most a
  // few per second in a busy swarm); 10/s is far above that and far below what a flood sends.
  messagesPerSec: 10,
  // Burst: a page that starts several swarms at once announces them together and answers a round of offers.
  messageBurst: 40,
  // Bytes: an announce carries up to `maxOffersPerAnnounce` SDP offers of a few KiB each.
  maxMessageBytes: 64 * 1024,
  // Offers: bittorrent-tracker's client sends at most 5 per announce (Shoal's too); WebTorrent's up to 10.
  maxOffersPerAnnounce: 10,
  // Swarms: a swarm is one rendition of one stream; 10k covers a large catalogue being watched at once.
  maxSwarms: 10_000,
  // Peers per swarm: offers go to random members, so a swarm of thousands still meshes; more viewers of one
  // rendition than this fall back to HTTP (bittorrent-tracker itself silently evicts past 1000).
  maxPeersPerSwarm: 5_000,
  // Swarms per connection: a page with a few players, each with audio and video renditions.
  maxSwarmsPerConnection: 32,
  // Peer ids per connection: one per client on the page, like the swarms.
  maxPeerIdsPerConnection: 32,
});

export const DEFAULT_PORT = 8000;
export const DEFAULT_HOST = '127.0.0.1';
/** Seconds between a client's announces: bittorrent-tracker's own WebSocket default (10 min / 5). */
export const DEFAULT_ANNOUNCE_INTERVAL_SEC = 120;
/** Milliseconds shutdown waits for clean closes before cutting sockets: a close handshake takes one round trip. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
/** Milliseconds between two log lines of one event class: a flood writes one line per 10 s, not per message. */
export const DEFAULT_LOG_INTERVAL_MS = 10_000;

export interface ResolvedOptions {
  host: string;
  port: number;
  /** `null`: every origin. */
  allowedOrigins: ReadonlySet<string> | null;
  allowMissingOrigin: boolean;
  trustProxy: boolean;
  announceIntervalSec: number;
  shutdownGraceMs: number;
  limits: TrackerLimits;
  log: ((line: string) => void) | false;
  logIntervalMs: number;
}

export function resolveOptions(options: TrackerOptions = {}): ResolvedOptions {
  const limits: TrackerLimits = { ...DEFAULT_LIMITS, ...stripUndefined(options.limits ?? {}) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new TrackerError('invalid-option', `limits.${name} must be a positive integer, got ${String(value)}`);
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TrackerError('invalid-option', `port must be 0..65535, got ${String(port)}`);
  const origins = options.allowedOrigins;
  for (const origin of origins ?? []) {
    if (origin !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(origin)) {
      throw new TrackerError('invalid-option', `allowedOrigins: "${origin}" is not an origin (scheme://host[:port], no path)`);
    }
  }
  const announceIntervalSec = options.announceIntervalSec ?? DEFAULT_ANNOUNCE_INTERVAL_SEC;
  if (!(announceIntervalSec >= 1)) throw new TrackerError('invalid-option', `announceIntervalSec must be >= 1, got ${announceIntervalSec}`);
  return {
    host: options.host ?? DEFAULT_HOST,
    port,
    allowedOrigins: origins === undefined || origins.includes('*') ? null : new Set(origins.map((o) => o.toLowerCase())),
    allowMissingOrigin: options.allowMissingOrigin ?? true,
    trustProxy: options.trustProxy ?? false,
    announceIntervalSec,
    shutdownGraceMs: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    limits,
    log: options.log === undefined ? (line) => process.stdout.write(`${line}\n`) : options.log,
    logIntervalMs: options.logIntervalMs ?? DEFAULT_LOG_INTERVAL_MS,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
