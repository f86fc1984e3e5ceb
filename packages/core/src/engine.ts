/**
 * The Shoal engine: one per player and stream. A facade that wires storage, the HTTP fetcher, the
 * tracker, the swarm and the scheduler, and offers what adapters use: the stream's renditions and
 * segments, playback state, `loadSegment`, a bandwidth estimate for ABR, stats and typed events.
 * A peer can never make `loadSegment` fail: only HTTP failing as the player's own loader would.
 * Its parts live in `engine/`: the store (`EngineStorage`), the swarm's making (`createSwarm`), what is
 * done about wrong bytes (`PeerIntegrity`, `startStreamIntegrity`), the counters (`TransferStats`) and
 * the start of playback (`PlaybackStart`).
 */
import { withMeteredDefaults } from './playback/metered-connection';
import EventEmitter from 'eventemitter3';
import type { Clock } from './clock/clock';
import { systemClock } from './clock/system-clock';
import { guardedClock } from './clock/guarded-clock';
import { mergeConfig, type ShoalConfig } from './config';
import { ShoalError } from './errors';
import type { ShoalEvents } from './events';
import { HttpFetcher } from './http/http-fetcher';
import { Holdings } from './holdings/holdings';
import { HttpEstimator, P2PEstimator, playerBandwidthEstimateBps } from './scheduler/bandwidth-estimator';
import { policyConfigOf } from './scheduler/policy';
import { Scheduler } from './scheduler/scheduler';
import type { LoadSegmentResult } from './scheduler/segment-task';
import type { PlaybackState } from './scheduler/snapshot';
import { StreamRegistry, type SegmentDescription, type StreamsDescription } from './scheduler/stream-registry';
import type { SegmentStorage, StoredSegmentInfo } from './storage/segment-storage';
import { OriginSizes } from './sizes/origin-sizes';
import { SizeGuard } from './sizes/size-guard';
import type { Swarm } from './swarm/swarm';
import { createPeerId, swarmIdFromManifestUrl } from './swarm/swarm-identity';
import { WebTorrentTrackerClient } from './tracker/webtorrent-tracker-client';
import type { Segment, SegmentKey } from './types';
import { playbackContextFor } from './scheduler/playback-context';
import type { DownloadContext } from './download/download-context';
import { byteRangesOverlap, fetchRangeOverHttp, loadRange, pieceMatching } from './download/range-request';
import type { SegmentIntegrity } from './integrity/segment-integrity';
import { webCryptoSha256 } from './integrity/sha256';
import { createSwarm } from './engine/create-swarm';
import { EngineStorage } from './engine/engine-storage';
import { PeerIntegrity } from './engine/peer-integrity';
import { PlaybackStart } from './engine/playback-start';
import type { ShoalPlatform } from './engine/shoal-platform';
import { startStreamIntegrity } from './engine/stream-integrity';
import { TransferStats, type ShoalStats } from './engine/transfer-stats';

export interface LoadSegmentOptions {
  signal?: AbortSignal;
}

export class ShoalEngine extends EventEmitter<ShoalEvents> {
  readonly config: ShoalConfig;
  readonly peerId: string;
  private readonly clock: Clock;
  private readonly stores: EngineStorage;
  private readonly storage: SegmentStorage;
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
  /** The one "playback started" fact: the scheduler and the swarm read it (`playbackStarted`). */
  private readonly playbackStart = new PlaybackStart();
  private swarmId: string | undefined;
  private destroyed = false;
  private readonly transfers = new TransferStats();
  /** What every segment download shares; `integrity` is set once the stream (and its manifest URL) is known. */
  private readonly downloads: DownloadContext;
  private readonly fetcher: HttpFetcher;
  private integrity: SegmentIntegrity | undefined;
  /** Denied peers (corrupt data) and peers on probation (failed commitment check, player's rejection). */
  private readonly peerIntegrity: PeerIntegrity;

  constructor(config: Partial<ShoalConfig> = {}, platform: ShoalPlatform = {}) {
    super();
    this.config = mergeConfig(withMeteredDefaults(config, platform.connection), { ownTrackerClient: platform.createTrackerClient !== undefined });
    this.platform = platform;
    this.peerId = platform.peerId ?? createPeerId();
    // Every timer of the engine runs through this one entry point: a callback that throws (a bug of ours)
    // is reported as `engine:error`, never left uncaught in the host's event loop.
    this.clock = guardedClock(platform.clock ?? systemClock, (error) => this.emit('engine:error', { error }));
    this.stores = new EngineStorage({
      config: this.config,
      platform,
      clock: this.clock,
      onEvict: (key) => this.holdings.evicted(key),
      onWarning: (error) => this.emit('storage:warning', { error }),
      onRestored: (segments) => this.restored(segments),
    });
    this.storage = this.stores.storage;
    const sha256 = platform.sha256 ?? webCryptoSha256();
    this.holdings = new Holdings(sha256 ? { storage: this.storage, sha256 } : { storage: this.storage });
    this.peerIntegrity = new PeerIntegrity({
      events: this,
      holdings: this.holdings,
      swarm: () => this.swarm,
      isDestroyed: () => this.destroyed,
    });
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
        this.transfers.downloaded(source, sizeBytes);
        this.emit('bytes:downloaded', peerId ? { source, sizeBytes, peerId } : { source, sizeBytes });
      },
      onStorageWarning: (error) => this.emit('storage:warning', { error }),
      onIntegrityViolation: (violation) => this.peerIntegrity.violation(violation),
      ...(sha256 ? { commitments: this.peerIntegrity.commitmentContext(sha256) } : {}),
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
      playbackStarted: () => this.playbackStart.started,
      policy: policyConfigOf(c),
      prefetchLookaheadSec: c.prefetchLookaheadSec,
      ...(platform.onDecision ? { onDecision: platform.onDecision } : {}),
      hooks: {
        onLoaded: (key, result) => {
          this.transfers.delivered(result.source);
          const { bytes: _bytes, ...event } = result;
          this.peerIntegrity.trust.delivered(key, result.p2pBytes > 0 ? result.peerIds : []);
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
    for (const rendition of streams.renditions ?? []) if (rendition.segments) this.integrity?.segmentsNamed(rendition.segments);
    this.stores.openPersistentCache(this.swarmId, streams.live);
    this.scheduler.soon();
    return renditionIds;
  }

  /** A rendition's current segment list (a live playlist refresh, or a playlist loaded later). */
  updateStream(renditionId: string, segments: SegmentDescription[], options: { live?: boolean } = {}): void {
    this.assertAlive();
    if (options.live !== undefined) this.registry.live = options.live;
    this.registry.updateSegments(renditionId, segments);
    this.integrity?.segmentsNamed(segments);
    this.stores.openPersistentCache(this.swarmId, options.live);
    this.scheduler.soon();
  }

  /** Where the player is; adapters call this on time updates, seeks, buffer changes and level switches. */
  setPlayback(playback: PlaybackState): void {
    this.assertAlive();
    this.scheduler.setPlayback(playback);
    this.swarm?.setPlaying(playback.activeRenditions);
    if (this.playbackStart.note(playback)) this.swarm?.playbackStartedChanged();
    const context = playbackContextFor(this.registry, playback);
    if (context) this.storage.setPlaybackContext?.(context);
  }

  /** Bytes of a segment: from the cache, peers, or HTTP. Rejects only when HTTP fails (or on abort). */
  async loadSegment(requested: Segment, options: LoadSegmentOptions = {}): Promise<LoadSegmentResult> {
    this.assertAlive();
    const segment = this.pieceOf(requested);
    if (!segment) return this.loadByteRange(requested, options);
    const key: SegmentKey = { renditionId: segment.renditionId, segmentId: segment.segmentId };
    // Without its hashes a segment is HTTP-only: one no list named yet is waited for on its holders while
    // the manifest is fetched again (before the scheduler hears of the ask, so it sees the fetch pending).
    this.integrity?.segmentsNamed([segment]);
    this.scheduler.playerAsked(segment);
    const cached = await this.stores.read(key);
    if (cached) {
      this.transfers.delivered('cache');
      const result = { source: 'cache' as const, sizeBytes: cached.byteLength, p2pBytes: 0, durationMs: 0, peerIds: [] };
      this.emit('segment:loaded', { key, ...result });
      this.scheduler.handedToPlayer(segment);
      return { bytes: cached, ...result };
    }
    const result = await this.scheduler.request(segment, options.signal);
    this.scheduler.handedToPlayer(segment);
    return result;
  }

  /**
   * The segment a request is in the swarm. A byte range is a piece by its URL and range
   * (`download/range-request.ts`): a request for a known piece takes that piece's id, whatever id the
   * player gave it. A range that overlaps no known piece, under an id the engine does not know yet, is a
   * piece of its own: a live segment the player asks before its playlist refresh reached the engine
   * (hls.js loads the new edge segment from inside its own `LEVEL_LOADED` handling), traded under the
   * player's id as the refresh will list it. Undefined: a range that is no known piece but overlaps some,
   * or whose id names another piece: `loadByteRange` answers it.
   */
  private pieceOf(requested: Segment): Segment | undefined {
    const { byteRange, renditionId, url } = requested;
    if (!byteRange) return requested;
    const pieces = this.registry.piecesOf(renditionId, url);
    const piece = pieceMatching(pieces, url, byteRange);
    if (piece) return piece.segmentId === requested.segmentId ? requested : { ...requested, segmentId: piece.segmentId };
    if (this.registry.segment(requested)) return undefined;
    return pieces.some((piece) => byteRangesOverlap(piece.byteRange, byteRange)) ? undefined : requested;
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
    return this.peerIntegrity.rejected(key);
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
    return this.transfers.snapshot({ peerCount: this.swarm?.peers.length ?? 0, swarmId: this.swarmId });
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
    this.peerIntegrity.trust.clear();
    this.storage.destroy();
    this.removeAllListeners();
  }

  private join(manifestUrl: string): void {
    this.swarmId = this.config.swarmId ?? swarmIdFromManifestUrl(manifestUrl, { ignoredParams: this.config.swarmIdIgnoredParams });
    if (!this.config.p2pEnabled) return;
    this.startIntegrity(manifestUrl);
    const { swarm, trackerOptions } = createSwarm({
      swarmId: this.swarmId,
      peerId: this.peerId,
      config: this.config,
      clock: this.clock,
      holdings: this.holdings,
      events: this,
      playbackStarted: () => this.playbackStart.started,
      isDenied: (peerId) => this.peerIntegrity.isDenied(peerId),
      onUploaded: (peerId, sizeBytes) => {
        this.transfers.uploaded(sizeBytes);
        this.emit('bytes:uploaded', { sizeBytes, peerId });
      },
      soon: () => this.scheduler.soon(),
    });
    this.swarm = swarm;
    this.sizeGuard = new SizeGuard({ sizes: this.sizes, swarm });
    const createTracker = this.platform.createTrackerClient ?? ((options) => new WebTorrentTrackerClient(options));
    swarm.join(createTracker(trackerOptions));
  }

  /** `integrityManifestUrl`: see `startStreamIntegrity`. */
  private startIntegrity(manifestUrl: string): void {
    const template = this.config.integrityManifestUrl;
    if (template === undefined) return;
    this.integrity = startStreamIntegrity({
      template,
      manifestUrl,
      sha256: this.platform.sha256 ?? webCryptoSha256(),
      fetcher: this.fetcher,
      clock: this.clock,
      timeoutMs: this.config.httpTimeoutMs,
      downloads: this.downloads,
      events: this,
      onUpdated: () => this.scheduler.soon(),
    });
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

export type { ShoalPlatform } from './engine/shoal-platform';
export type { ShoalStats } from './engine/transfer-stats';
export type { LoadSegmentResult } from './scheduler/segment-task';
export type { PlaybackState } from './scheduler/snapshot';
export type { StreamsDescription, RenditionDescription, SegmentDescription } from './scheduler/stream-registry';
