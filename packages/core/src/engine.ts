/**
 * The Shoal engine: one per player and stream. A facade that wires storage, the HTTP fetcher, the
 * tracker, the swarm and the scheduler, and offers what adapters use: the stream's renditions and
 * segments, playback state, `loadSegment`, a bandwidth estimate for ABR, stats and typed events.
 * A peer can never make `loadSegment` fail: only HTTP failing as the player's own loader would.
 */
import { withMeteredDefaults, type NetworkConnectionLike } from './playback/metered-connection';
import EventEmitter from 'eventemitter3';
import type { Clock } from './clock/clock';
import { systemClock } from './clock/system-clock';
import { guardedClock } from './clock/guarded-clock';
import { mergeConfig, type ShoalConfig } from './config';
import { ShoalError } from './errors';
import type { SegmentSource, ShoalEvents } from './events';
import { HttpFetcher, type FetchLike } from './http/http-fetcher';
import { Holdings } from './holdings/holdings';
import { HttpEstimator, P2PEstimator, playerBandwidthEstimateBps } from './scheduler/bandwidth-estimator';
import { policyConfigOf, type Decision } from './scheduler/policy';
import { Scheduler } from './scheduler/scheduler';
import type { LoadSegmentResult } from './scheduler/segment-task';
import type { PlaybackState } from './scheduler/snapshot';
import { StreamRegistry, type SegmentDescription, type StreamsDescription } from './scheduler/stream-registry';
import { MemoryStorage, type ShareSegmentBytes } from './storage/memory-storage';
import type { OpenPersistentStorage, SegmentStorage, StoredSegmentInfo } from './storage/segment-storage';
import { storageFailure } from './storage/storage-failure';
import { FallbackStorage } from './storage/fallback-storage';
import { IndexedDbSegmentStorage } from './storage/indexeddb-storage';
import { OriginSizes } from './sizes/origin-sizes';
import { SizeGuard } from './sizes/size-guard';
import { Swarm } from './swarm/swarm';
import { planPartition } from './swarm/partition';
import { createPeerId, infoHashFromSwarmId, swarmIdFromManifestUrl } from './swarm/swarm-identity';
import type { TrackerClient, TrackerClientOptions } from './tracker/tracker-client';
import { WebTorrentTrackerClient } from './tracker/webtorrent-tracker-client';
import type { Segment, SegmentKey } from './types';
import { playbackContextFor } from './scheduler/playback-context';
import type { DownloadContext, IntegrityViolation } from './download/segment-download';
import { fetchRangeOverHttp, loadRange, pieceMatching } from './download/range-request';
import type { CommitmentContext, SuspectReason } from './commitments/commitment-context';
import { PeerTrust } from './commitments/peer-trust';
import { integrityManifestUrlFor, SegmentIntegrity } from './integrity/segment-integrity';
import { webCryptoSha256, type Sha256Base64 } from './integrity/sha256';

/** What the engine needs from its host; every part has a default for browsers and Node. */
export interface ShoalPlatform {
  clock?: Clock;
  /** This viewer's peer id (40 hex chars); random by default. Simulations fix it to be repeatable. */
  peerId?: string;
  /** Called with every scheduling decision the engine acts on: for tracing and benchmarks. */
  onDecision?: (decision: Decision, nowMs: number) => void;
  fetch?: FetchLike;
  /** The segment store; when given, `persistentCache` does not apply. Default: memory (see `persistentCache`). */
  storage?: SegmentStorage;
  /**
   * Opens the persistent store `persistentCache` uses for a VOD stream. Default: IndexedDB through
   * idb-keyval (`IndexedDbSegmentStorage.open`), which touches `indexedDB` only when called.
   */
  openPersistentStorage?: OpenPersistentStorage;
  /** The memory store keeps the bytes this returns (equal ones held elsewhere): for simulations of many engines. */
  shareSegmentBytes?: ShareSegmentBytes;
  createTrackerClient?: (options: TrackerClientOptions) => TrackerClient;
  /** SHA-256 (base64) for `integrityManifestUrl`. Default: WebCrypto's `crypto.subtle.digest`. */
  sha256?: Sha256Base64;
  /**
   * What the browser says of the network: pass `navigator.connection`. When it is metered (`saveData`, or
   * `type === 'cellular'`) and the config leaves `uploadEnabled` unset, uploads are off. Default: unknown.
   */
  connection?: NetworkConnectionLike;
}

export interface LoadSegmentOptions {
  signal?: AbortSignal;
}

export interface ShoalStats {
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  /** p2pBytes / (httpBytes + p2pBytes); 0 before any download. */
  p2pShare: number;
  /** Connected peers in this stream's swarm. */
  peerCount: number;
  swarmId: string | undefined;
  segmentsBySource: Record<SegmentSource, number>;
}

export class ShoalEngine extends EventEmitter<ShoalEvents> {
  readonly config: ShoalConfig;
  readonly peerId: string;
  private readonly clock: Clock;
  private readonly storage: SegmentStorage;
  /** Set when `persistentCache` is on (and no `platform.storage` given). */
  private readonly fallbackStorage: FallbackStorage | undefined;
  private readonly registry = new StreamRegistry();
  private readonly httpEstimator = new HttpEstimator();
  private readonly p2pEstimator = new P2PEstimator();
  private readonly scheduler: Scheduler;
  /** What this viewer holds, and the one voice that tells peers. */
  private readonly holdings: Holdings;
  /** Segment sizes as the origin states them: the only ones trusted (see `sizes/`). */
  private readonly sizes: OriginSizes;
  private readonly platform: ShoalPlatform;
  private swarm: Swarm | undefined;
  /** Drops the peers whose announced sizes the origin contradicts. */
  private sizeGuard: SizeGuard | undefined;
  /** Where the playhead first stood in a buffered range; playback has started once it moves from there. */
  private bufferedStartSec: number | undefined;
  /** The one "playback started" fact: the scheduler and the swarm read it (`playbackStarted`). */
  private started = false;
  private swarmId: string | undefined;
  private destroyed = false;
  private readonly totals = { httpBytes: 0, p2pBytes: 0, uploadedBytes: 0 };
  private readonly segmentsBySource: Record<SegmentSource, number> = { http: 0, p2p: 0, cache: 0 };
  /** What every segment download shares; `integrity` is set once the stream (and its manifest URL) is known. */
  private readonly downloads: DownloadContext;
  private readonly fetcher: HttpFetcher;
  private integrity: SegmentIntegrity | undefined;
  /** Peers that sent corrupt data: refused for the engine's life, whatever the tracker offers. */
  private readonly deniedPeerIds = new Set<string>();
  /** Peers on probation after a failed commitment check or a player's rejection; segments due over HTTP. */
  private readonly trust = new PeerTrust();

  constructor(config: Partial<ShoalConfig> = {}, platform: ShoalPlatform = {}) {
    super();
    this.config = mergeConfig(withMeteredDefaults(config, platform.connection), { ownTrackerClient: platform.createTrackerClient !== undefined });
    this.platform = platform;
    this.peerId = platform.peerId ?? createPeerId();
    // Every timer of the engine runs through this one entry point: a callback that throws (a bug of ours)
    // is reported as `engine:error`, never left uncaught in the host's event loop.
    this.clock = guardedClock(platform.clock ?? systemClock, (error) => this.emit('engine:error', { error }));
    const memory = new MemoryStorage({
      capBytes: this.config.storageCapBytes,
      clock: this.clock,
      onEvict: (key) => this.holdings.evicted(key),
      ...(platform.shareSegmentBytes ? { shareBytes: platform.shareSegmentBytes } : {}),
    });
    this.fallbackStorage = !platform.storage && this.config.persistentCache
      ? new FallbackStorage({
          memory,
          onWarning: (error) => this.emit('storage:warning', { error }),
          onRestored: (segments) => this.restored(segments),
          onLost: (key) => this.holdings.evicted(key),
        })
      : undefined;
    this.storage = platform.storage ?? this.fallbackStorage ?? memory;
    const sha256 = platform.sha256 ?? webCryptoSha256();
    this.holdings = new Holdings(sha256 ? { storage: this.storage, sha256 } : { storage: this.storage });
    this.sizes = new OriginSizes({ segmentOf: (key) => this.registry.segment(key) });
    const c = this.config;
    this.fetcher = new HttpFetcher(platform.fetch ? { clock: this.clock, fetch: platform.fetch } : { clock: this.clock });
    this.downloads = {
      clock: this.clock,
      fetcher: this.fetcher,
      httpTimeoutMs: c.httpTimeoutMs,
      httpEstimator: this.httpEstimator,
      p2pEstimator: this.p2pEstimator,
      pipelineBlocks: c.peerPipelineBlocks,
      peerRequestTimeoutMs: c.peerRequestTimeoutMs,
      storage: this.storage,
      holdings: this.holdings,
      sizes: this.sizes,
      maxSegmentBytes: c.maxSegmentBytes,
      onDownloaded: (source, sizeBytes, peerId) => {
        this.totals[source === 'http' ? 'httpBytes' : 'p2pBytes'] += sizeBytes;
        this.emit('bytes:downloaded', peerId ? { source, sizeBytes, peerId } : { source, sizeBytes });
      },
      onStorageWarning: (error) => this.emit('storage:warning', { error }),
      onIntegrityViolation: (violation) => this.integrityViolation(violation),
      ...(sha256 ? { commitments: this.commitmentContext(sha256) } : {}),
    };
    this.scheduler = new Scheduler({
      clock: this.clock,
      peerId: this.peerId,
      registry: this.registry,
      holdings: this.holdings,
      downloads: this.downloads,
      httpEstimator: this.httpEstimator,
      p2pEstimator: this.p2pEstimator,
      swarm: () => this.swarm,
      playbackStarted: () => this.started,
      policy: policyConfigOf(c),
      prefetchLookaheadSec: c.prefetchLookaheadSec,
      ...(platform.onDecision ? { onDecision: platform.onDecision } : {}),
      hooks: {
        onLoaded: (key, result) => {
          this.segmentsBySource[result.source]++;
          const { bytes: _bytes, ...event } = result;
          this.trust.delivered(key, result.p2pBytes > 0 ? result.peerIds : []);
          this.emit('segment:loaded', { key, ...event });
        },
        onFailed: (key, error) => this.emit('segment:failed', { key, error }),
        onInternalError: (key, error) => this.emit('engine:error', { error, key }),
      },
    });
  }

  /** Describe the stream (renditions, segments, live or VOD); the first call joins its swarm. */
  setStreams(streams: StreamsDescription): string[] {
    this.assertAlive();
    if (streams.live !== undefined) this.registry.live = streams.live;
    const renditionIds = this.registry.setRenditions(streams.renditions ?? []);
    if (this.swarmId === undefined) this.join(streams.manifestUrl);
    for (const rendition of streams.renditions ?? []) if (rendition.segments) this.integrity?.segmentsListed(rendition.segments);
    this.openPersistentCache(streams.live);
    this.scheduler.soon();
    return renditionIds;
  }

  /** A rendition's current segment list (a live playlist refresh, or a playlist loaded later). */
  updateStream(renditionId: string, segments: SegmentDescription[], options: { live?: boolean } = {}): void {
    this.assertAlive();
    if (options.live !== undefined) this.registry.live = options.live;
    this.registry.updateSegments(renditionId, segments);
    this.integrity?.segmentsListed(segments);
    this.openPersistentCache(options.live);
    this.scheduler.soon();
  }

  /** Where the player is; adapters call this on time updates, seeks, buffer changes and level switches. */
  setPlayback(playback: PlaybackState): void {
    this.assertAlive();
    this.scheduler.setPlayback(playback);
    this.swarm?.setPlaying(playback.activeRenditions);
    this.noteStart(playback);
    const context = playbackContextFor(this.registry, playback);
    if (context) this.storage.setPlaybackContext?.(context);
  }

  /** Bytes of a segment: from the cache, peers, or HTTP. Rejects only when HTTP fails (or on abort). */
  async loadSegment(requested: Segment, options: LoadSegmentOptions = {}): Promise<LoadSegmentResult> {
    this.assertAlive();
    const segment = this.pieceOf(requested);
    if (!segment) return this.loadByteRange(requested, options);
    const key: SegmentKey = { renditionId: segment.renditionId, segmentId: segment.segmentId };
    this.scheduler.playerAsked(segment);
    const cached = await this.readCached(key);
    if (cached) {
      this.segmentsBySource.cache++;
      const result = { source: 'cache' as const, sizeBytes: cached.byteLength, p2pBytes: 0, durationMs: 0, peerIds: [] };
      this.emit('segment:loaded', { key, ...result });
      return { bytes: cached, ...result };
    }
    return this.scheduler.request(segment, options.signal);
  }

  /**
   * The segment a request is in the swarm. A byte range is a piece by its URL and range
   * (`download/range-request.ts`): a request for a known piece takes that piece's id, whatever id the
   * player gave it. Undefined: a range that is no known piece but overlaps some, or whose id names
   * another piece: `loadByteRange` answers it.
   */
  private pieceOf(requested: Segment): Segment | undefined {
    const { byteRange, renditionId, url } = requested;
    if (!byteRange) return requested;
    const pieces = this.registry.piecesOf(renditionId, url);
    const piece = pieceMatching(pieces, url, byteRange);
    if (piece) return piece.segmentId === requested.segmentId ? requested : { ...requested, segmentId: piece.segmentId };
    const known = this.registry.segment(requested);
    return pieces.length === 0 && !known ? requested : undefined;
  }

  /** A byte range that is not one piece: the pieces it covers through the swarm, only the rest over HTTP. */
  private async loadByteRange(requested: Segment, options: LoadSegmentOptions): Promise<LoadSegmentResult> {
    const { byteRange, renditionId, url } = requested;
    if (!byteRange) throw new ShoalError('aborted', 'loadByteRange without a byte range', { source: 'http', fatal: true });
    const startedAtMs = this.clock.now();
    const result = await loadRange(byteRange, url, this.registry.piecesOf(renditionId, url), {
      loadPiece: (piece) => this.loadSegment(piece, options),
      isHeldSomewhere: (key) => this.holdings.isStored(key) || this.availability(key, { includePartial: true }) > 0,
      fetchHttp: (resourceUrl, range) => fetchRangeOverHttp(this.downloads, resourceUrl, range, options.signal),
    });
    // No `segment:loaded` of its own: each piece it covers reports its load; the gaps count as HTTP bytes.
    const { bytes, source, p2pBytes, peerIds } = result;
    return { bytes, source, sizeBytes: bytes.byteLength, p2pBytes, durationMs: this.clock.now() - startedAtMs, peerIds };
  }

  /**
   * The player refused a segment this engine delivered (hls.js `FRAG_PARSING_ERROR`/`BUFFER_APPEND_ERROR`,
   * Shaka's `MEDIA`-category errors). If peers sent any of its bytes (when it was loaded, or when the cached
   * copy was): the copy leaves the store and peers hear it is `lost`, its senders go on probation (each
   * must next deliver a segment alone that matches its commitments), the next load of it comes over HTTP,
   * and `integrity:suspect` says so. Returns false, doing nothing, for a segment no peer sent (or one this
   * engine no longer remembers, `DELIVERIES_KEPT`): the player's own error handling applies.
   */
  reportRejected(segment: SegmentKey): boolean {
    this.assertAlive();
    const key: SegmentKey = { renditionId: segment.renditionId, segmentId: segment.segmentId };
    const peerIds = this.trust.deliveredBy(key);
    if (peerIds.length === 0) return false;
    this.trust.delivered(key, []);
    this.trust.requireHttp(key);
    this.suspect(key, peerIds, 'player-rejected');
    void this.holdings.discard(key);
    return true;
  }

  /** Bits per second for the player's ABR: what HTTP alone sustains (peers neither raise nor lower it). */
  getBandwidthEstimate(): number {
    return playerBandwidthEstimateBps(this.httpEstimator, this.p2pEstimator);
  }

  /**
   * Milliseconds to the first byte of an origin request, as the player's ABR is told with
   * `getBandwidthEstimate()`: adapters report every segment to the player as an HTTP transfer of its
   * bytes at those two estimates, so neither a fast peer nor the scheduler's waiting for a segment to
   * appear in the swarm moves the player's own bandwidth estimate.
   */
  getTtfbEstimateMs(): number {
    return this.httpEstimator.estimate().ttfbMs;
  }

  /**
   * How many connected peers hold all of this segment; with `includePartial`, also those still
   * downloading it (they relay what they have).
   */
  availability(key: SegmentKey, options: { includePartial?: boolean } = {}): number {
    return this.swarm?.peersHolding(key).filter(({ held }) => options.includePartial || !held.partial).length ?? 0;
  }

  stats(): ShoalStats {
    const { httpBytes, p2pBytes, uploadedBytes } = this.totals;
    const downloaded = httpBytes + p2pBytes;
    return {
      httpBytes,
      p2pBytes,
      uploadedBytes,
      p2pShare: downloaded === 0 ? 0 : p2pBytes / downloaded,
      peerCount: this.swarm?.peers.length ?? 0,
      swarmId: this.swarmId,
      segmentsBySource: { ...this.segmentsBySource },
    };
  }

  /**
   * The stored bytes of `key`, if the store has them. A store whose read fails (a broken IndexedDB) is a
   * miss and a `storage:warning`: the segment is loaded again from peers or the origin, never failed.
   */
  private async readCached(key: SegmentKey): Promise<Uint8Array | undefined> {
    try {
      return await this.storage.get(key);
    } catch (error) {
      this.emit('storage:warning', { error: storageFailure(error, 'Reading a stored segment') });
      return undefined;
    }
  }

  /** Leave the swarm, close every connection and timer, reject pending loads. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.scheduler.destroy();
    this.integrity?.destroy();
    this.sizeGuard?.destroy();
    this.sizes.destroy();
    this.swarm?.destroy();
    this.swarm = undefined;
    this.holdings.destroy();
    this.trust.clear();
    this.storage.destroy();
    this.removeAllListeners();
  }

  /** Playback has started once the playhead moves inside a buffered range: the swarm may then grow, and the VOD look-ahead begin. */
  private noteStart(playback: PlaybackState): void {
    if (this.started || playback.bufferedUntilSec <= playback.positionSec) return;
    if (this.bufferedStartSec === undefined || playback.positionSec <= this.bufferedStartSec) {
      this.bufferedStartSec = playback.positionSec;
      return;
    }
    this.started = true;
    this.swarm?.playbackStartedChanged();
  }

  private join(manifestUrl: string): void {
    this.swarmId = this.config.swarmId ?? swarmIdFromManifestUrl(manifestUrl, { ignoredParams: this.config.swarmIdIgnoredParams });
    if (!this.config.p2pEnabled) return;
    this.startIntegrity(manifestUrl);
    const partition = planPartition({
      swarmId: this.swarmId,
      peerIdHex: this.peerId,
      count: this.config.partitionCount,
      trackerUrls: this.config.trackerUrls,
      trackersPerPartition: this.config.trackersPerPartition,
    });
    const infoHashHex = partition.infoHashHex;
    const swarm = new Swarm({
      swarmHashHex: infoHashHex,
      clock: this.clock,
      maxPeers: this.config.maxPeers,
      startupPeers: this.config.startupPeers,
      uploadEnabled: this.config.uploadEnabled,
      holdings: this.holdings,
      playbackStarted: () => this.started,
      isDenied: (peerId) => this.deniedPeerIds.has(peerId),
      maxUploadBytesPerSec: this.config.maxUploadBytesPerSec ?? Infinity,
      maxPeerUploadBytesPerSec: this.config.maxPeerUploadBytesPerSec ?? Infinity,
      onUploaded: (peerId, sizeBytes) => {
        this.totals.uploadedBytes += sizeBytes;
        this.emit('bytes:uploaded', { sizeBytes, peerId });
      },
    });
    swarm.on('peer:connected', (peer) => {
      this.emit('peer:connected', { peerId: peer.id });
      this.scheduler.soon();
    });
    swarm.on('peer:closed', (peer, reason) => {
      this.emit('peer:closed', reason ? { peerId: peer.id, reason } : { peerId: peer.id });
      if (reason?.code === 'internal-error') this.emit('engine:error', { error: reason });
      this.scheduler.soon();
    });
    swarm.on('holdings:changed', () => this.scheduler.soon());
    swarm.on('tracker:warning', (error) => this.emit('tracker:warning', { error }));
    this.swarm = swarm;
    this.sizeGuard = new SizeGuard({ sizes: this.sizes, swarm });
    const createTracker = this.platform.createTrackerClient ?? ((options) => new WebTorrentTrackerClient(options));
    swarm.join(
      createTracker({
        infoHashHex,
        peerId: this.peerId,
        announceUrls: partition.announceUrls,
        rtcConfig: this.config.rtcConfig,
        offerTimeoutMs: this.config.offerTimeoutMs,
        wantedPeers: this.config.maxPeers,
        announceIntervalMs: this.config.announceIntervalMs,
      }),
    );
  }

  /**
   * `integrityManifestUrl`: fetch the stream's integrity manifest; from now on every download checks its
   * blocks against it, and a segment it has no entry for is HTTP-only. A page that cannot hash (no
   * WebCrypto) uses no peer bytes at all and says so once (`integrity:warning`).
   */
  private startIntegrity(manifestUrl: string): void {
    const template = this.config.integrityManifestUrl;
    if (template === undefined) return;
    const sha256 = this.platform.sha256 ?? webCryptoSha256();
    if (!sha256) {
      this.downloads.integrity = { entryFor: () => undefined, sha256: () => Promise.reject(new Error('no SHA-256')) };
      const error = new ShoalError('integrity-unsupported', 'No WebCrypto SHA-256 here (not a secure context?): segments are fetched over HTTP', { source: 'engine' });
      this.emit('integrity:warning', { error });
      return;
    }
    this.integrity = new SegmentIntegrity({
      url: integrityManifestUrlFor(template, manifestUrl),
      fetcher: this.fetcher,
      clock: this.clock,
      timeoutMs: this.config.httpTimeoutMs,
      sha256,
      onWarning: (error) => this.emit('integrity:warning', { error }),
      onUpdated: () => this.scheduler.soon(),
    });
    this.downloads.integrity = this.integrity;
  }

  /** The no-manifest commitment check's view of this engine (`commitments/`). */
  private commitmentContext(sha256: Sha256Base64): CommitmentContext {
    return {
      sha256,
      trust: this.trust,
      holdersOf: (key) =>
        this.swarm?.peersHolding(key).map(({ peer, held }) => ({ peerId: peer.id, sha256Base64: held.partial ? undefined : held.sha256Base64 })) ?? [],
      onProven: (peerId, key) => this.integrityViolation({ peerId, key, blockIndex: -1 }),
      onSuspect: (key, peerIds, reason) => this.suspect(key, peerIds, reason),
    };
  }

  /** Peer bytes of `key` were not used: their senders are on probation (`PeerTrust`), the segment comes over HTTP. */
  private suspect(key: SegmentKey, peerIds: string[], reason: SuspectReason): void {
    this.trust.blame(peerIds);
    this.emit('integrity:suspect', { key, peerIds, reason });
  }

  /**
   * A peer sent a block proven wrong (`blockIndex` -1: a whole segment, without a manifest): reported,
   * dropped with `corrupt-data`, and refused from now on.
   */
  private integrityViolation({ peerId, key, blockIndex }: IntegrityViolation): void {
    if (this.destroyed) return;
    const firstOffence = !this.deniedPeerIds.has(peerId);
    this.deniedPeerIds.add(peerId);
    this.emit('integrity:violation', { peerId, key, blockIndex });
    if (firstOffence) {
      const what = blockIndex < 0 ? 'a copy' : `block ${blockIndex}`;
      const reason = new ShoalError('corrupt-data', `Peer ${peerId} sent ${what} of ${key.renditionId}/${key.segmentId}, which failed its integrity check`, { source: 'p2p' });
      this.swarm?.dropPeer(peerId, reason);
    }
  }

  /**
   * `persistentCache`: open the stream's persistent store as soon as its swarm is known, unless it is
   * known to be live (players often tell live or VOD only with the first media playlist, and may ask for
   * the first segment before that news reaches us); a stream that turns out live goes back to memory.
   */
  private openPersistentCache(live: boolean | undefined): void {
    if (!this.fallbackStorage || this.swarmId === undefined) return;
    if (live === true) return this.fallbackStorage.release();
    const open = this.platform.openPersistentStorage ?? ((options) => IndexedDbSegmentStorage.open(options));
    const namespace = infoHashFromSwarmId(this.swarmId);
    this.fallbackStorage.adopt(() =>
      open({
        namespace,
        capBytes: this.config.storageCapBytes,
        clock: this.clock,
        onEvict: (key) => this.holdings.evicted(key),
      }),
    );
  }

  /** The persistent store opened holding `segments` from earlier pages: peers hear of them now. */
  private restored(segments: StoredSegmentInfo[]): void {
    if (this.destroyed) return;
    this.holdings.restored(segments);
    this.emit('storage:restored', { segmentCount: segments.length, sizeBytes: segments.reduce((sum, info) => sum + info.sizeBytes, 0) });
    this.scheduler.soon();
  }

  private assertAlive(): void {
    if (this.destroyed) throw new ShoalError('destroyed', 'The engine was destroyed', { source: 'engine', fatal: true });
  }
}

export type { LoadSegmentResult } from './scheduler/segment-task';
export type { PlaybackState } from './scheduler/snapshot';
export type { StreamsDescription, RenditionDescription, SegmentDescription } from './scheduler/stream-registry';
