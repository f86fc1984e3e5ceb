/**
 * The Shoal engine: one per player and stream. It wires storage, the HTTP fetcher, the tracker and the
 * swarm, and answers `loadSegment`: from the cache, from peers that hold the segment, or from HTTP —
 * completing an unfinished peer download with a Range request for the missing bytes only. A peer can
 * never make `loadSegment` fail: only HTTP failing as the player's own loader would.
 */
import EventEmitter from 'eventemitter3';
import type { Clock } from './clock/clock';
import { systemClock } from './clock/system-clock';
import { mergeConfig, type ShoalConfig } from './config';
import { ShoalError } from './errors';
import type { SegmentLoadedEvent, SegmentSource, ShoalEvents } from './events';
import { HttpFetcher, type FetchLike } from './http/http-fetcher';
import { segmentKeyString } from './segment-key';
import { MemoryStorage } from './storage/memory-storage';
import type { SegmentStorage } from './storage/segment-storage';
import { P2PDownload } from './swarm/p2p-download';
import { completeSegment } from './swarm/partial-segment';
import { Swarm } from './swarm/swarm';
import { createPeerId, infoHashFromSwarmId, swarmIdFromManifestUrl } from './swarm/swarm-identity';
import type { TrackerClient, TrackerClientOptions } from './tracker/tracker-client';
import { WebTorrentTrackerClient } from './tracker/webtorrent-tracker-client';
import type { ByteRange, Segment, SegmentKey } from './types';
import type { RenditionHoldings } from './wire/messages';

/** What the engine needs from its host; every part has a default for browsers and Node. */
export interface ShoalPlatform {
  clock?: Clock;
  fetch?: FetchLike;
  storage?: SegmentStorage;
  createTrackerClient?: (options: TrackerClientOptions) => TrackerClient;
}

export interface StreamsDescription {
  /** The manifest (master playlist / MPD) URL; the swarm id derives from it unless `swarmId` is configured. */
  manifestUrl: string;
}

export interface LoadSegmentOptions {
  signal?: AbortSignal;
}

export interface LoadSegmentResult extends Omit<SegmentLoadedEvent, 'key'> {
  bytes: Uint8Array;
}

export interface ShoalStats {
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  /** p2pBytes / (httpBytes + p2pBytes); 0 before any download. */
  p2pShare: number;
  peers: number;
  swarmId: string | undefined;
  segmentsBySource: Record<SegmentSource, number>;
}

export class ShoalEngine extends EventEmitter<ShoalEvents> {
  readonly config: ShoalConfig;
  readonly peerId: string = createPeerId();
  private readonly clock: Clock;
  private readonly http: HttpFetcher;
  private readonly storage: SegmentStorage;
  private readonly loading = new Map<string, Promise<LoadSegmentResult>>();
  private readonly platform: ShoalPlatform;
  private swarm: Swarm | undefined;
  private swarmId: string | undefined;
  private destroyed = false;
  private readonly totals = { httpBytes: 0, p2pBytes: 0, uploadedBytes: 0 };
  private readonly segmentsBySource: Record<SegmentSource, number> = { http: 0, p2p: 0, cache: 0 };

  constructor(config: Partial<ShoalConfig> = {}, platform: ShoalPlatform = {}) {
    super();
    this.config = mergeConfig(config);
    this.platform = platform;
    this.clock = platform.clock ?? systemClock;
    this.http = new HttpFetcher(platform.fetch ? { clock: this.clock, fetch: platform.fetch } : { clock: this.clock });
    this.storage = platform.storage ?? new MemoryStorage({
      capBytes: this.config.storageCapBytes,
      clock: this.clock,
      onEvict: (key) => this.swarm?.announceLost(key),
    });
  }

  /** Describe the stream; the first call joins its swarm. */
  setStreams(streams: StreamsDescription): void {
    this.assertAlive();
    if (this.swarmId !== undefined) return;
    this.swarmId = this.config.swarmId ?? swarmIdFromManifestUrl(streams.manifestUrl);
    if (!this.config.p2pEnabled) return;
    const infoHashHex = infoHashFromSwarmId(this.swarmId);
    const swarm = new Swarm({
      swarmHashHex: infoHashHex,
      clock: this.clock,
      maxPeers: this.config.maxPeers,
      uploadEnabled: this.config.uploadEnabled,
      localHoldings: () => this.localHoldings(),
      readSegment: async (key) => {
        const bytes = await this.storage.get(key);
        return bytes && completeSegment(bytes);
      },
      onUploaded: (peerId, bytes) => {
        this.totals.uploadedBytes += bytes;
        this.emit('bytes:uploaded', { bytes, peerId });
      },
    });
    swarm.on('peer:connected', (peer) => this.emit('peer:connected', { peerId: peer.id }));
    swarm.on('peer:closed', (peer, reason) => this.emit('peer:closed', reason ? { peerId: peer.id, reason } : { peerId: peer.id }));
    swarm.on('tracker:warning', (error) => this.emit('tracker:warning', { error }));
    this.swarm = swarm;
    const createTracker = this.platform.createTrackerClient ?? ((options) => new WebTorrentTrackerClient(options));
    swarm.join(
      createTracker({
        infoHashHex,
        peerId: this.peerId,
        announceUrls: this.config.trackerUrls,
        rtcConfig: this.config.rtcConfig,
        offerTimeoutMs: this.config.offerTimeoutMs,
        wantedPeers: this.config.maxPeers,
        announceIntervalMs: this.config.announceIntervalMs,
      }),
    );
  }

  /** Bytes of a segment: from the cache, peers, or HTTP. Rejects only when HTTP fails (or on abort). */
  loadSegment(segment: Segment, options: LoadSegmentOptions = {}): Promise<LoadSegmentResult> {
    this.assertAlive();
    const id = segmentKeyString(segment);
    const running = this.loading.get(id);
    if (running) return running;
    const promise = this.load(segment, options).finally(() => this.loading.delete(id));
    this.loading.set(id, promise);
    return promise;
  }

  /** How many connected peers announced this segment. */
  availability(key: SegmentKey): number {
    return this.swarm?.peersHolding(key).length ?? 0;
  }

  stats(): ShoalStats {
    const { httpBytes, p2pBytes, uploadedBytes } = this.totals;
    const downloaded = httpBytes + p2pBytes;
    return {
      httpBytes,
      p2pBytes,
      uploadedBytes,
      p2pShare: downloaded === 0 ? 0 : p2pBytes / downloaded,
      peers: this.swarm?.peers.length ?? 0,
      swarmId: this.swarmId,
      segmentsBySource: { ...this.segmentsBySource },
    };
  }

  /** Leave the swarm, close every connection and timer. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.swarm?.destroy();
    this.swarm = undefined;
    this.storage.destroy();
    this.removeAllListeners();
  }

  private async load(segment: Segment, options: LoadSegmentOptions): Promise<LoadSegmentResult> {
    const startMs = this.clock.now();
    const key: SegmentKey = { renditionId: segment.renditionId, segmentId: segment.segmentId };
    try {
      const cached = await this.storage.get(key);
      if (cached) return this.finish(key, cached, 'cache', startMs, 0, []);
      const download = this.startP2P(key);
      if (download) {
        const outcome = await abortable(download.finished, options.signal, () => download.stop());
        const p2pBytes = download.p2pBytes;
        if (!outcome.complete) {
          for (const range of download.missingRanges()) {
            download.fill(range, await this.fetchHttp(segment, range, options.signal));
          }
        }
        return await this.finish(key, download.bytes, outcome.complete ? 'p2p' : 'http', startMs, p2pBytes, download.peerIds);
      }
      const bytes = await this.fetchHttp(segment, undefined, options.signal);
      return await this.finish(key, bytes, 'http', startMs, 0, []);
    } catch (error) {
      const failure = error instanceof ShoalError
        ? error
        : new ShoalError('http-network', String((error as Error)?.message ?? error), { source: 'http', fatal: true, cause: error });
      if (failure.code !== 'aborted') this.emit('segment:failed', { key, error: failure });
      throw failure;
    }
  }

  /** A peer download of `key`, if a ready peer that serves holds all of it; undefined otherwise. */
  private startP2P(key: SegmentKey): P2PDownload | undefined {
    if (!this.swarm) return undefined;
    const holders = this.swarm.peersHolding(key).filter(({ peer, held }) => peer.remoteUploadEnabled && !held.partial);
    const first = holders[0];
    if (!first) return undefined;
    const sizeBytes = first.held.sizeBytes;
    const download = new P2PDownload({
      key,
      sizeBytes,
      clock: this.clock,
      pipelineBlocks: this.config.peerPipelineBlocks,
      requestTimeoutMs: this.config.peerRequestTimeoutMs,
      onBlock: (peerId, _offset, payload) => {
        this.totals.p2pBytes += payload.byteLength;
        this.emit('bytes:downloaded', { source: 'p2p', bytes: payload.byteLength, peerId });
      },
    });
    for (const { peer, held } of holders) if (held.sizeBytes === sizeBytes) download.addPeer(peer);
    return download;
  }

  /** Fetch the segment (or `rangeInSegment` of it) from the origin. */
  private async fetchHttp(segment: Segment, rangeInSegment: ByteRange | undefined, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const base = segment.byteRange?.startByte ?? 0;
    const byteRange = rangeInSegment
      ? { startByte: base + rangeInSegment.startByte, endByte: base + rangeInSegment.endByte }
      : segment.byteRange;
    const { bytes } = await this.http.fetch({
      url: segment.url,
      ...(byteRange ? { byteRange } : {}),
      ...(signal ? { signal } : {}),
      timeoutMs: this.config.httpTimeoutMs,
    });
    this.totals.httpBytes += bytes.byteLength;
    this.emit('bytes:downloaded', { source: 'http', bytes: bytes.byteLength });
    return bytes;
  }

  private async finish(
    key: SegmentKey,
    bytes: Uint8Array,
    source: SegmentSource,
    startMs: number,
    p2pBytes: number,
    peers: string[],
  ): Promise<LoadSegmentResult> {
    if (source !== 'cache' && !this.destroyed) {
      await this.storage.put(key, bytes);
      // A segment larger than the whole cap is not stored: then it is not announced either.
      if (this.storage.has(key)) this.swarm?.announceHave(key, bytes.byteLength);
    }
    this.segmentsBySource[source]++;
    const event: SegmentLoadedEvent = { key, source, sizeBytes: bytes.byteLength, p2pBytes, durationMs: this.clock.now() - startMs, peers };
    this.emit('segment:loaded', event);
    const { key: _key, ...rest } = event;
    return { bytes, ...rest };
  }

  private localHoldings(): RenditionHoldings[] {
    const byRendition = new Map<string, RenditionHoldings>();
    for (const info of this.storage.list()) {
      let group = byRendition.get(info.renditionId);
      if (!group) byRendition.set(info.renditionId, (group = { renditionId: info.renditionId, segments: [] }));
      group.segments.push({ segmentId: info.segmentId, sizeBytes: info.sizeBytes, partial: false });
    }
    return [...byRendition.values()];
  }

  private assertAlive(): void {
    if (this.destroyed) throw new ShoalError('destroyed', 'The engine was destroyed', { source: 'engine', fatal: true });
  }
}

/** `promise`, or a rejection with `aborted` when `signal` fires first (after calling `onAbort`). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(new ShoalError('aborted', 'Aborted', { source: 'p2p' }));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
