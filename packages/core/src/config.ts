/**
 * The one typed configuration of a Shoal engine, its documented defaults and a validating merge. How each
 * value is checked lives in `config/`: the numeric bounds (`config-bounds.ts`) and the checks (`config-checks.ts`).
 */
import { ShoalError } from './errors';
import type { RTCConfigurationLike } from './tracker/tracker-client';
import { checkFor, prototypeKeyIn } from './config/config-checks';

export { CONFIG_BOUNDS, MAX_TIMER_MS, type ConfigBound } from './config/config-bounds';

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
   * machine, five at once made late joiners start ~0.3 s later than the plain player. None before the
   * first frame (tried: the tracker joined once the playhead moved) gave the same startup within noise
   * and 0.05 less of the bound (`bench:swarm`, liveTs, N = 6, two runs each). @default 2
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
    const check = checkFor(key, options.ownTrackerClient);
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
