/** The one typed configuration of a Shoal engine, its documented defaults and a validating merge. */
import { ShoalError } from './errors';
import type { RTCConfigurationLike } from './tracker/tracker-client';
import { BLOCK_BYTES } from './wire/messages';

/** The largest segment size a `have` can carry: its `sizeBytes` field is a u32 (PROTOCOL.md). */
const MAX_ANNOUNCED_SIZE_BYTES = 0xffff_ffff;

export interface ShoalConfig {
  /**
   * Identifies the stream's swarm: viewers with the same swarm id trade segments. Set it when one stream
   * is served under several manifest URLs (CDN hostnames, tokens in the path).
   * @default the manifest URL without fragment, its query kept minus credential parameters (`swarmIdIgnoredParams`), sorted
   */
  swarmId: string | undefined;
  /**
   * Query parameters of the manifest URL left out of the default swarm id, on top of the built-in list of
   * token and signature names (`token`, `sig`, `expires`, `hdnts`, CloudFront's `Policy`/`Signature`/
   * `Key-Pair-Id`, `X-Amz-*`…: `SWARM_ID_IGNORED_PARAMS`). Name here your own per-viewer parameters;
   * case-insensitive, a trailing `*` matches a prefix. Every other parameter keeps streams apart.
   * @default []
   */
  swarmIdIgnoredParams: string[];
  /**
   * WebTorrent WebSocket trackers to announce to, each a `ws://` or `wss://` URL (anything else is
   * `config-invalid`). Any WebTorrent tracker works (bittorrent-tracker, wt-tracker, Aquatic); a dead one is
   * a `tracker:warning`, never a playback error.
   * @default ['wss://tracker.openwebtorrent.com', 'wss://tracker.webtorrent.dev']
   */
  trackerUrls: string[];
  /**
   * RTCPeerConnection configuration (STUN/TURN servers), checked for an RTCConfiguration's shape (`iceServers`
   * with `stun:`/`turn:` URLs, `iceTransportPolicy`, `bundlePolicy`, `rtcpMuxPolicy`, `iceCandidatePoolSize`,
   * `certificates`). Relay-only, so peers see the TURN server's address instead of the viewer's:
   * `{ iceServers: [{ urls: 'turns:turn.example:443', username, credential }], iceTransportPolicy: 'relay' }`.
   * @default { iceServers: [{ urls: 'stun:stun.l.google.com:19302' }] }
   */
  rtcConfig: RTCConfigurationLike;
  /**
   * Where the stream's integrity manifest is (`INTEGRITY.md`): every block from peers is then checked
   * against the origin's SHA-256 before it is used, stored or relayed, and a peer that sends a wrong one is
   * dropped for good. `{manifestUrl}` stands for the stream's manifest URL without query
   * (`'{manifestUrl}.integrity.json'`, what `shoal-integrity` writes); any other value is resolved against
   * the manifest URL (`'integrity.json'`). A segment the manifest has no entry for is fetched over HTTP.
   * @default undefined (off: peers' bytes are trusted)
   */
  integrityManifestUrl: string | undefined;
  /** Whether to use peers at all. When false, every segment comes from HTTP and nothing is announced. @default true */
  p2pEnabled: boolean;
  /**
   * Whether to serve segments to peers. A viewer with uploads off still downloads from peers, and tells
   * them nothing of what it holds (no `haveSet` content, no `have`). @default true
   */
  uploadEnabled: boolean;
  /**
   * Upload rate to all peers together, bytes per second (a token bucket on the engine's clock, a burst of
   * one second's worth). Unset: unlimited. @default undefined
   */
  maxUploadBytesPerSec: number | undefined;
  /** Upload rate to any one peer, bytes per second. Unset: unlimited. @default undefined */
  maxPeerUploadBytesPerSec: number | undefined;
  /**
   * P2P only when at least this many viewers are in the swarm, this one included (connected peers + 1);
   * below it, every segment comes from the origin as with the plain player, and none is fetched from or for
   * peers. For sites that want a viewer to be one of many before peers see what it watches. @default 0
   */
  minSwarmPeers: number;
  /** Most peer connections per swarm. Each costs an RTCPeerConnection (memory, a thread in some browsers). @default 12 */
  maxPeers: number;
  /**
   * Peer connections asked for while the player starts, until its playhead moves in a buffered range
   * (or 5 s after joining); then up to `maxPeers`. Setting up a connection (ICE, DTLS, handshake) takes
   * CPU in this page and in the peer's while the first segments load and decode: on a busy 2-core
   * machine, five at once made late joiners start ~0.3 s later than the plain player. @default 2
   */
  startupPeers: number;
  /** Offers sent through the tracker and not answered within this time are closed. @default 15000 */
  offerTimeoutMs: number;
  /** How often to re-announce while fewer than `maxPeers` peers are connected. @default 20000 */
  announceIntervalMs: number;
  /** A requested block not received within this time is asked of another peer (or HTTP). @default 4000 */
  peerRequestTimeoutMs: number;
  /** Blocks requested from one peer and not yet received, at most. Higher fills long links (32 × 63 KiB ≈ 2 MiB in flight keeps a 35 MiB/s node-datachannel link busy); lower spreads a segment over more peers. @default 32 */
  peerPipelineBlocks: number;
  /** An HTTP request that has not finished within this time fails with `http-timeout`. @default 20000 */
  httpTimeoutMs: number;
  /**
   * Largest segment size a peer's announcement is believed for: a size only peers have stated (the origin's
   * comes from the playlist's byte range or an HTTP response) is a hint, and a hint above this is not used
   * (the segment comes over HTTP), so no peer makes a viewer allocate more. Sizes the origin states are not
   * capped. A peer whose size the origin contradicts is dropped (`peer-wrong-size`).
   * @default 67108864 (64 MiB)
   */
  maxSegmentBytes: number;
  /**
   * Byte cap of the segment store (in memory, or IndexedDB with `persistentCache`). Past it, segments are evicted by playback position (see
   * `storage/eviction.ts`): live, those far behind the playhead; VOD, least-recently-used behind it.
   * @default 268435456 (256 MiB)
   */
  storageCapBytes: number;
  /**
   * VOD only: keep segments in a persistent store (IndexedDB by default, see `ShoalPlatform`) so they
   * survive a page reload and are served again, to the player (source `'cache'`) and to peers, without
   * asking the origin. The store shares `storageCapBytes`. Live streams are never persisted. Where
   * IndexedDB is missing, refused or full, segments stay in memory and a `storage:warning` is emitted.
   * @default false
   */
  persistentCache: boolean;
  /**
   * How far past the playhead (media seconds) segments may be fetched before the player asks: from peers
   * when they hold them, from the origin only as a chosen fetcher of a new live segment. Bounded so a VOD
   * viewer does not pull the whole film. @default 20
   */
  prefetchLookaheadSec: number;
  /** Slack kept between a download's estimated finish and its deadline. @default 1000 */
  safetyMarginMs: number;
  /**
   * A new live segment nobody holds is fetched from the origin by the viewer whose random, staggered turn
   * comes first; the others relay it from that viewer. This many viewers per segment (each with
   * probability k / swarm size) take their turn at once instead. @default 0
   */
  originFetchersPerSegment: number;
  /** HTTP downloads at once. @default 2 */
  maxParallelHttp: number;
  /** Peer downloads at once (each may use several peers). @default 3 */
  maxParallelP2P: number;
  /**
   * Partitions of the audience (see `swarm/partition.ts` and README "Scale"): each is its own swarm and
   * tracker info-hash, a viewer joins one by its peer id and stays there. 1 keeps one swarm. Size it so
   * a partition holds a few thousand viewers: expected audience / 5,000, rounded up. @default 1
   */
  partitionCount: number;
  /** Tracker URLs each partition announces to, picked from `trackerUrls` by rendezvous hashing. @default 2 */
  trackersPerPartition: number;
}

export const DEFAULT_CONFIG: Readonly<ShoalConfig> = Object.freeze({
  swarmId: undefined,
  integrityManifestUrl: undefined,
  swarmIdIgnoredParams: [],
  trackerUrls: ['wss://tracker.openwebtorrent.com', 'wss://tracker.webtorrent.dev'],
  rtcConfig: { iceServers: [{ urls: 'stun:stun.l.google.com:19302' }] },
  p2pEnabled: true,
  uploadEnabled: true,
  // Unlimited: a site that pays for its viewers' upload (metered links) sets one.
  maxUploadBytesPerSec: undefined,
  maxPeerUploadBytesPerSec: undefined,
  minSwarmPeers: 0,
  maxPeers: 12,
  startupPeers: 2,
  offerTimeoutMs: 15_000,
  announceIntervalMs: 20_000,
  peerRequestTimeoutMs: 4_000,
  peerPipelineBlocks: 32,
  httpTimeoutMs: 20_000,
  // The largest segment a player plausibly fetches: 10 s of 4K at 40 Mbit/s is 50 MB; 64 MiB leaves
  // headroom for peaks, and a wrong hint of this size is still a bounded, short-lived allocation.
  maxSegmentBytes: 64 * 1024 * 1024,
  storageCapBytes: 256 * 1024 * 1024,
  persistentCache: false,
  prefetchLookaheadSec: 20,
  // The estimates are already the pessimistic side of two averages; one second more covers a TTFB spike
  // (an origin cache miss) and leaves waiters several seconds of a typical 3 × 2 s live buffer to find peers.
  safetyMarginMs: 1_000,
  // Immediate fetchers on top of the staggered turns: each adds ~one origin request per segment, and the
  // stagger already guarantees one fetch in time, so none by default.
  originFetchersPerSegment: 0,
  // One for the segment the player needs next, one for a rare segment fetched for the swarm or a Range
  // completion; more would split the link and slow the segment with the earliest deadline.
  maxParallelHttp: 2,
  // Each P2P download already spreads over every holder; three lets the look-ahead fill from peers while
  // keeping each download's share of the link (and its finish time) predictable.
  maxParallelP2P: 3,
  // One swarm unless a site with a large audience asks for more.
  partitionCount: 1,
  // Two trackers per partition: one can die and the partition still meets.
  trackersPerPartition: 2,
});

/**
 * The scheduler policy's rule 7 fixed wait (`SchedulerPolicyConfig.firstPeerWaitMs`), in ms: none. Not a
 * `ShoalConfig` key (a tuning knob the benchmark argues against, not a setting for integrators), but its
 * default lives here with every other. Rule 7 still holds what a joining viewer asks for while HTTP fits
 * its deadline, but the segment playback needs first goes to the origin at once. Measured in the swarm
 * benchmark, a fixed 250 ms wait for that one saved an origin request per joiner only sometimes (its
 * first peer is ready 25–330 ms after the first request) and started joiners 0.5–0.9 s later than plain
 * hls.js (a first P2P transfer over a fresh connection has no time estimate of its own).
 */
export const DEFAULT_FIRST_PEER_WAIT_MS = 0;

/**
 * The scheduler policy's VOD origin stagger (`SchedulerPolicyConfig.vodOriginStaggerMs`), in ms: 1,000.
 * Viewers of a VOD started together (a push notification) meet at one download frontier: a viewer fed by
 * peers catches up with the one fetching from the origin, and from then on both ask for each next segment
 * at the same instant, both see nobody holding it, and both fetch it from the origin (issue 20: later
 * viewers took most of their first 30 s from the origin). A VOD segment nobody holds, asked for with time
 * to spare, therefore waits for a turn drawn within this window (never past the last HTTP start that keeps
 * the margin): the earliest turn fetches and announces it, the others relay. One second is 20–100 peer
 * announce delays, so two turns rarely fall within one announce of each other, and it costs the first of
 * them half a second on average, only while its buffer has slack (never at startup or after a seek).
 */
export const DEFAULT_VOD_ORIGIN_STAGGER_MS = 1_000;

type Check = (value: unknown) => string | undefined;

/**
 * The longest delay a timer can hold, in ms: browsers and Node store it as a signed 32-bit integer, and a
 * longer one fires at once (`httpTimeoutMs: 2 ** 31` made every load time out in ~7 ms).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Inclusive range of a numeric key, and whether it must be whole. Shown in the README's config reference. */
export interface ConfigBound {
  min: number;
  max: number;
  integer: boolean;
}

/**
 * Every numeric key's accepted range. Timers stop at `MAX_TIMER_MS`; counts stop where more only costs
 * (a browser refuses new RTCPeerConnections past a few hundred; a pipeline past 1024 blocks is 63 MiB in
 * flight from one peer); `announceIntervalMs` starts at 1 s (each announce makes up to 5 connections).
 */
export const CONFIG_BOUNDS: Readonly<Partial<Record<keyof ShoalConfig, ConfigBound>>> = Object.freeze({
  minSwarmPeers: { min: 0, max: 256, integer: true },
  maxPeers: { min: 1, max: 256, integer: true },
  startupPeers: { min: 1, max: 256, integer: true },
  offerTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  announceIntervalMs: { min: 1_000, max: MAX_TIMER_MS, integer: true },
  peerRequestTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  peerPipelineBlocks: { min: 1, max: 1_024, integer: true },
  httpTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  // At least one wire block (a smaller cap would refuse every peer, `p2pEnabled: false` says that); at most
  // the wire's u32 size field, the largest size a peer can announce (a larger cap would cap nothing).
  maxSegmentBytes: { min: BLOCK_BYTES, max: MAX_ANNOUNCED_SIZE_BYTES, integer: true },
  storageCapBytes: { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
  // An hour ahead is a whole episode: more is downloading the film, not prefetching.
  prefetchLookaheadSec: { min: 0, max: 3_600, integer: false },
  safetyMarginMs: { min: 0, max: MAX_TIMER_MS, integer: false },
  originFetchersPerSegment: { min: 0, max: 256, integer: false },
  maxParallelHttp: { min: 1, max: 64, integer: true },
  maxParallelP2P: { min: 1, max: 64, integer: true },
  // A partition is a swarm: past 4,096 of them a swarm of a million viewers has ~250 each, the smallest that
  // still shares well; more trackers per partition than that only multiplies announces.
  partitionCount: { min: 1, max: 4_096, integer: true },
  trackersPerPartition: { min: 1, max: 8, integer: true },
});

/** Keys that would reach an object's prototype instead of a setting: always `config-invalid`. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const bounded =
  (key: keyof ShoalConfig): Check =>
  (v) => {
    const { min, max, integer } = CONFIG_BOUNDS[key]!;
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v));
    return ok ? undefined : `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
  };
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const trackerUrlList: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && isWebSocketUrl(s))
    ? undefined
    : 'a list of WebSocket tracker URLs (ws:// or wss://)';
// With a platform's own tracker client (`ShoalPlatform.createTrackerClient`: a LAN, a simulator) the URLs
// are that client's to read: any URL of any scheme.
const anyUrlList: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && parsedUrl(s) !== undefined) ? undefined : 'a list of URLs';
const nameList: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0) ? undefined : 'a list of non-empty names';
const optionalString: Check = (v) =>
  v === undefined || (typeof v === 'string' && v.length > 0) ? undefined : 'a non-empty string';
// At least one wire block a second (a block must pass), at most 2^40 B/s (far above any link: a cap
// above it would cap nothing). Unset means unlimited.
const MAX_UPLOAD_RATE_BYTES_PER_SEC = 2 ** 40;
const optionalRate: Check = (v) =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= BLOCK_BYTES && v <= MAX_UPLOAD_RATE_BYTES_PER_SEC)
    ? undefined
    : `unset or a number of bytes per second from ${BLOCK_BYTES} to ${MAX_UPLOAD_RATE_BYTES_PER_SEC}`;

function isWebSocketUrl(text: string): boolean {
  const url = parsedUrl(text);
  return url !== undefined && (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname.length > 0;
}

/** `new URL(text)`, or undefined (not `URL.canParse`: Safari before 17 lacks it). */
function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** RTCConfiguration keys passed on to every RTCPeerConnection (WebRTC 1.0 §4.2.1). */
const RTC_CONFIG_VALUES: Record<string, (v: unknown) => boolean> = {
  iceServers: (v) => Array.isArray(v) && v.every(isIceServer),
  iceTransportPolicy: (v) => v === 'all' || v === 'relay',
  bundlePolicy: (v) => v === 'balanced' || v === 'max-compat' || v === 'max-bundle',
  rtcpMuxPolicy: (v) => v === 'require',
  iceCandidatePoolSize: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255,
  certificates: (v) => Array.isArray(v),
};

function isIceServer(server: unknown): boolean {
  if (typeof server !== 'object' || server === null || Array.isArray(server)) return false;
  const { urls, username, credential, ...rest } = server as Record<string, unknown>;
  const list = Array.isArray(urls) ? urls : [urls];
  return (
    list.length > 0 &&
    list.every((url) => typeof url === 'string' && /^(stuns?|turns?):\S+$/i.test(url)) &&
    (username === undefined || typeof username === 'string') &&
    (credential === undefined || typeof credential === 'string') &&
    Object.keys(rest).every((key) => key === 'credentialType')
  );
}

const rtcConfigShape: Check = (v) => {
  const problem =
    'an RTCConfiguration ({ iceServers: [{ urls: "stun:…" | "turn:…", username?, credential? }], iceTransportPolicy?: "all" | "relay", … })';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return problem;
  for (const [key, value] of Object.entries(v)) {
    const valid = Object.hasOwn(RTC_CONFIG_VALUES, key) ? RTC_CONFIG_VALUES[key]! : null;
    if (!valid) return `${problem}; unknown key "${key}"`;
    if (value !== undefined && !valid(value)) return `${problem}; invalid "${key}"`;
  }
  return undefined;
};

const CHECKS: Record<keyof ShoalConfig, Check> = {
  swarmId: optionalString,
  integrityManifestUrl: optionalString,
  swarmIdIgnoredParams: nameList,
  trackerUrls: trackerUrlList,
  rtcConfig: rtcConfigShape,
  p2pEnabled: boolean,
  uploadEnabled: boolean,
  maxUploadBytesPerSec: optionalRate,
  maxPeerUploadBytesPerSec: optionalRate,
  minSwarmPeers: bounded('minSwarmPeers'),
  maxPeers: bounded('maxPeers'),
  startupPeers: bounded('startupPeers'),
  offerTimeoutMs: bounded('offerTimeoutMs'),
  announceIntervalMs: bounded('announceIntervalMs'),
  peerRequestTimeoutMs: bounded('peerRequestTimeoutMs'),
  peerPipelineBlocks: bounded('peerPipelineBlocks'),
  httpTimeoutMs: bounded('httpTimeoutMs'),
  maxSegmentBytes: bounded('maxSegmentBytes'),
  storageCapBytes: bounded('storageCapBytes'),
  persistentCache: boolean,
  prefetchLookaheadSec: bounded('prefetchLookaheadSec'),
  safetyMarginMs: bounded('safetyMarginMs'),
  originFetchersPerSegment: bounded('originFetchersPerSegment'),
  maxParallelHttp: bounded('maxParallelHttp'),
  maxParallelP2P: bounded('maxParallelP2P'),
  partitionCount: bounded('partitionCount'),
  trackersPerPartition: bounded('trackersPerPartition'),
};

/** Whether `value` holds a prototype key at any depth (JSON.parse makes `__proto__` an own key). */
function prototypeKeyIn(value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 8) return undefined;
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return key;
    const nested = prototypeKeyIn((value as Record<string, unknown>)[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Defaults overlaid with `overrides`. Throws `ShoalError('config-invalid')` naming the first bad key:
 * unknown keys (likely typos), prototype keys (`__proto__`, `constructor`, `prototype`, at any depth), values
 * of the wrong kind (negative sizes, zero timeouts) or outside `CONFIG_BOUNDS`, tracker URLs that are not
 * `ws:`/`wss:` (any URL with `ownTrackerClient`: the platform's own tracker client reads them), and an
 * `rtcConfig` that is not an RTCConfiguration.
 */
export function mergeConfig(
  overrides: Partial<ShoalConfig> = {},
  options: { ownTrackerClient?: boolean } = {},
): ShoalConfig {
  const invalid = (message: string): ShoalError =>
    new ShoalError('config-invalid', message, { source: 'config', fatal: true });
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw invalid('Shoal config must be an object');
  }
  const prototypeKey = prototypeKeyIn(overrides);
  if (prototypeKey) throw invalid(`Shoal config must not contain the key "${prototypeKey}"`);
  for (const [key, value] of Object.entries(overrides)) {
    const check =
      key === 'trackerUrls' && options.ownTrackerClient
        ? anyUrlList
        : Object.hasOwn(CHECKS, key)
          ? CHECKS[key as keyof ShoalConfig]
          : undefined;
    if (!check) {
      throw new ShoalError('config-invalid', `Unknown Shoal config key "${key}"`, { source: 'config', fatal: true });
    }
    if (value === undefined && key !== 'swarmId' && key !== 'integrityManifestUrl') continue;
    const problem = check(value);
    if (problem) {
      const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
      throw new ShoalError('config-invalid', `Shoal config "${key}" must be ${problem}, got ${shown}`, {
        source: 'config',
        fatal: true,
      });
    }
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  // Copies, so an engine that changes its lists or objects never changes the defaults of later ones.
  const merged = { ...DEFAULT_CONFIG, ...defined } as ShoalConfig;
  return {
    ...merged,
    trackerUrls: [...merged.trackerUrls],
    swarmIdIgnoredParams: [...merged.swarmIdIgnoredParams],
    rtcConfig: structuredClone(merged.rtcConfig),
  };
}
