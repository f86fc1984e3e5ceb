/**
 * One segment's download: from peers, over HTTP, or peers first and HTTP for the bytes they could not
 * deliver. It owns the segment's `PartialSegment` (the bytes as they arrive, relayed to peers at once:
 * cut-through) and tells `Holdings` what peers may hear of it; once every byte is here it stores the
 * segment and settles once, with the bytes or with an error. The scheduler decides: it calls
 * `startP2P`, `startHttp`, `finishOverHttp` and `cancel`, and hears the outcome through `onSettled`.
 */
import { ShoalError } from '../errors';
import { isUsableClaim, p2pSizeOf } from '../sizes/size-claims';
import { isSizeEvidence, SizeHint } from '../sizes/size-hint';
import { storageFailure } from '../storage/storage-failure';
import type { ByteRange, Segment, SegmentKey } from '../types';
import { HttpDownload, type HttpChunk, type HttpSegmentSize } from './http-download';
import { BlockVerifier } from './block-verifier';
import { P2PDownload } from './p2p-download';
import { PartialSegment } from './partial-segment';
import { checkCompletedSegment, integrityMismatch } from './segment-completion';
import { VerifiedIntake } from './verified-intake';
import {
  PREFETCH_P2P_RETRY_MS,
  type DownloadContext,
  type DownloadSettlement,
  type DownloadState,
  type HttpAfterPeers,
  type SegmentHolder,
} from './download-context';

/** Bytes received for the segment, from a peer or from the origin. */
type ReceivedBlock =
  | { source: 'p2p'; peerId: string; offsetBytes: number; bytes: Uint8Array }
  | { source: 'http'; offsetBytes: number; bytes: Uint8Array };

export class SegmentDownload {
  readonly key: SegmentKey;
  private readonly segment: Segment;
  private readonly context: DownloadContext;
  private readonly onSettled: (settlement: DownloadSettlement) => void;
  private currentState: DownloadState = 'idle';
  private partial: PartialSegment | undefined;
  private p2p: P2PDownload | undefined;
  private http: HttpDownload | undefined;
  private readonly peerIds = new Set<string>();
  private p2pBytes = 0;
  private stopped = false;
  /** Whether the partial's size is a peer's claim the origin has not confirmed, and whose. */
  private readonly sizeHint = new SizeHint();
  /** The running P2P download may take holders that appear later (`addHolders`): not while a peer on probation serves it alone. */
  private p2pTakesNewHolders = false;
  /** Set while the segment's integrity entry is known: every block is then checked before it is used. */
  private intake: VerifiedIntake | undefined;
  /** HTTP blocks that failed their check were fetched once more already (a second failure fails the load). */
  private httpRefetched = false;
  /** Origin bytes accepted (no manifest): a peer delivered a segment alone only if none. */
  private originBytes = 0;
  /** The peers' copy failed the commitment check: this is the origin's, which settles who lied. */
  private refetchedAfterCommitments = false;

  private readonly httpAfterPeers: HttpAfterPeers;
  /** Clock ms before which a prefetch peers could not finish does not ask peers again (`PREFETCH_P2P_RETRY_MS`). */
  private retryP2PAtMs: number | undefined;

  constructor(segment: Segment, context: DownloadContext, onSettled: (settlement: DownloadSettlement) => void, httpAfterPeers: HttpAfterPeers = () => true) {
    this.key = { renditionId: segment.renditionId, segmentId: segment.segmentId };
    this.segment = segment;
    this.context = context;
    this.onSettled = onSettled;
    this.httpAfterPeers = httpAfterPeers;
  }

  get state(): DownloadState {
    return this.currentState;
  }

  /** The segment's size once a download learned it (peers announced it, or the origin said it). */
  get sizeBytes(): number | undefined {
    return this.partial?.sizeBytes;
  }

  /** Bytes held from the start without a gap. */
  get receivedBytes(): number {
    return this.partial?.availableBytes ?? 0;
  }

  /** Clock ms when the running P2P download started; undefined when none runs. */
  get p2pStartedAtMs(): number | undefined {
    return this.currentState === 'p2p' ? this.p2p?.startedAtMs : undefined;
  }

  /** Clock ms when the running P2P download last took a whole block; undefined when none runs or before its first. */
  get p2pLastBlockAtMs(): number | undefined {
    return this.currentState === 'p2p' ? this.p2p?.lastBlockAtMs : undefined;
  }

  /** Clock ms before which this prefetch does not ask peers again, after peers could not finish it. */
  get p2pRetryAtMs(): number | undefined {
    return this.retryP2PAtMs;
  }

  /** The running P2P download's rate; undefined when none runs or before its first byte. */
  p2pBytesPerSecNow(nowMs: number): number | undefined {
    return this.p2p?.bytesPerSecNow(nowMs);
  }

  /**
   * Download from these holders. Holders still waiting for their own first byte announce size 0: they
   * can serve once they re-announce, so they are skipped; nothing starts when no holder has a size.
   * `fromPartialHolders`: they relay their own ongoing download, so its speed says nothing of peers
   * (no P2P estimator sample).
   */
  startP2P(holders: readonly SegmentHolder[], options: { fromPartialHolders: boolean }): void {
    const trust = this.context.commitments?.trust;
    // The player rejected peer bytes of this segment: this load is the origin's.
    if (trust?.takeHttpOnly(this.key)) return this.startHttp();
    const verifier = this.intakeOf()?.verifier;
    // Strong mode: peer bytes only for a segment whose hashes are known; without them it is HTTP-only.
    if (this.context.integrity && !verifier) return this.startHttp();
    // The size is the manifest's or the origin's when known; else the holders' agreed hint (`p2pSizeOf`).
    const { sizes, maxSegmentBytes } = this.context;
    const originSizeBytes = verifier?.sizeBytes ?? sizes.sizeOf(this.segment);
    const size = p2pSizeOf(holders.map(({ held }) => held.sizeBytes), originSizeBytes, maxSegmentBytes);
    const claimed = holders.filter(({ held }) => isUsableClaim(held.sizeBytes, size));
    // Without a manifest, peers on probation serve only alone (`commitments/peer-trust.ts`).
    const usable = verifier || !trust ? claimed : trust.choose(claimed);
    if (!size || usable.length === 0) return;
    const { sizeBytes } = size;
    this.sizeHint.sizedBy(size.fromOrigin ? undefined : usable.map(({ peer }) => peer));
    const partial = this.partialOfSize(sizeBytes);
    const { clock } = this.context;
    const download = new P2PDownload({
      key: this.key,
      sizeBytes,
      clock,
      pipelineBlocks: this.context.pipelineBlocks,
      requestTimeoutMs: this.context.peerRequestTimeoutMs,
      onBlock: (peerId, offsetBytes, bytes) => this.receive({ source: 'p2p', peerId, offsetBytes, bytes }),
      heldBlock: (index) => partial.hasBlock(index),
    });
    this.p2p = download;
    this.currentState = 'p2p';
    this.p2pTakesNewHolders = !trust || verifier !== undefined || usable.every(({ peer }) => !trust.isOnProbation(peer.id));
    for (const { peer } of usable) download.addPeer(peer);
    const startedAtMs = clock.now();
    void download.finished.then(async (outcome) => {
      if (this.p2p !== download) return;
      this.p2p = undefined;
      if (outcome.complete) {
        if (!options.fromPartialHolders) this.context.p2pEstimator.addSample({ bytes: sizeBytes, durationMs: clock.now() - startedAtMs });
        return this.complete('p2p');
      }
      if (this.stopped) return;
      if (!this.httpAfterPeers()) return this.backToIdle();
      // Peers could not finish it (gone, too slow): the rest over HTTP, only the missing bytes.
      await this.runHttp(partial.missingRanges());
    });
  }

  /**
   * Complete holders that appeared since the P2P download started join it, as a BitTorrent client takes
   * new peers for a piece: the first holders' uplinks are shared by everyone who asked them first. Only
   * holders announcing the size in use; without a manifest, only trusted ones.
   */
  addHolders(holders: readonly SegmentHolder[]): void {
    const download = this.p2p;
    if (!download || this.currentState !== 'p2p' || !this.p2pTakesNewHolders || !this.partial) return;
    const trust = this.intake ? undefined : this.context.commitments?.trust;
    for (const { peer, held } of holders) {
      if (held.sizeBytes !== this.partial.sizeBytes || trust?.isOnProbation(peer.id) || !download.addPeer(peer)) continue;
      this.sizeHint.joined(peer);
    }
  }

  /**
   * Peers could not finish a prefetch: idle again, for the scheduler to decide. Bytes received stay (and
   * stay announced); with none, peers hear it is not being fetched any more (else they would wait for it).
   */
  private backToIdle(): void {
    this.currentState = 'idle';
    this.retryP2PAtMs = this.context.clock.now() + PREFETCH_P2P_RETRY_MS;
    if (this.partial && this.partial.availableBytes > 0) return;
    this.partial?.fail();
    this.partial = undefined;
    this.context.holdings.abandoned(this.key);
  }

  /** Fetch the segment over HTTP: the whole, or what an earlier, unfinished peer download left missing. */
  startHttp(): void {
    const partial = this.partial;
    void this.runHttp(partial && partial.availableBytes > 0 ? partial.missingRanges() : undefined);
  }

  /** Stop the P2P download; the bytes it did not deliver come over HTTP. */
  finishOverHttp(): void {
    this.p2p?.stop();
  }

  /** Not wanted any more: stop, and peers told of it hear it will not be held. */
  cancel(): void {
    this.halt();
    this.context.holdings.abandoned(this.key);
  }

  /** The engine is going away: stop without a word to anyone. Idempotent. */
  destroy(): void {
    this.halt();
  }

  /**
   * Every received block passes here, from peers and the origin alike, on its way to the partial segment
   * (from which it is relayed to peers and, once complete, stored) and to the byte counters. With an
   * integrity entry, no byte goes on before its block's hash matched (`VerifiedIntake`): a peer's block is
   * checked whole (true: taken; false: proven wrong, its peer reported), an HTTP chunk is held until its
   * blocks are whole and checked. Without one, bytes go on at once (true).
   */
  private receive(block: ReceivedBlock): boolean | Promise<boolean> {
    const intake = this.intake;
    if (!intake) {
      this.accept(block);
      return true;
    }
    if (block.source === 'p2p') return this.receiveP2PVerified(intake, block);
    const partial = this.partial;
    if (!partial) return true;
    this.context.onDownloaded('http', block.bytes.byteLength);
    intake.placeOriginBytes(partial, block.offsetBytes, block.bytes, () => !this.stopped && this.partial === partial);
    return true;
  }

  /** A peer's whole block, checked against its hash before it is placed, counted or relayed. */
  private async receiveP2PVerified(intake: VerifiedIntake, block: Extract<ReceivedBlock, { source: 'p2p' }>): Promise<boolean> {
    const { matched, blockIndex } = await intake.checkPeerBlock(block.offsetBytes, block.bytes);
    if (this.stopped || this.intake !== intake) return matched;
    if (matched) this.accept(block);
    else this.context.onIntegrityViolation({ peerId: block.peerId, key: this.key, blockIndex });
    return matched;
  }

  /** Bytes that are good (verified, or no manifest applies): into the partial segment and the counters. */
  private accept(block: ReceivedBlock): void {
    this.partial?.received(block.offsetBytes, block.bytes);
    this.announcePartial();
    const length = block.bytes.byteLength;
    if (block.source === 'p2p') {
      this.p2pBytes += length;
      this.peerIds.add(block.peerId);
      this.context.onDownloaded('p2p', length, block.peerId);
    } else {
      this.originBytes += length;
      this.context.onDownloaded('http', length);
    }
  }

  /**
   * Fetch the whole segment, or only `ranges` (within the segment) of it, over HTTP. A whole segment's size
   * is the integrity manifest's, else the origin's only (its byte range, an earlier response, this
   * response's `Content-Length`); ranges complete the partial, whose size may be a peer's hint: a response
   * that proves the hint wrong restarts the segment over HTTP (`originSaid`, `isSizeEvidence`), so no
   * peer's claim can fail the load.
   */
  private async runHttp(ranges: ByteRange[] | undefined): Promise<void> {
    const intake = this.intakeOf();
    const verifier = intake?.verifier;
    intake?.restartOrigin(ranges ?? [{ startByte: 0, endByte: intake.verifier.sizeBytes - 1 }]);
    let sizeBytes = verifier?.sizeBytes ?? (ranges ? this.partial?.sizeBytes : this.context.sizes.sizeOf(this.segment));
    const { fetcher, clock, httpTimeoutMs, httpEstimator } = this.context;
    const http: HttpDownload = new HttpDownload({
      segment: this.segment,
      ...(ranges ? { ranges } : {}),
      fetcher,
      clock,
      timeoutMs: httpTimeoutMs,
      estimator: httpEstimator,
      onSegmentSize: (size) => {
        // With a manifest its size stands: origin bytes past it are dropped, a short body fails its hashes.
        if (verifier) return;
        sizeBytes = size.sizeBytes;
        this.originSaid(size, http, ranges !== undefined);
      },
      onChunk: (chunk: HttpChunk) => {
        const partial = sizeBytes === undefined ? undefined : this.partialOfSize(sizeBytes);
        if (!verifier && partial && chunk.offsetBytes + chunk.bytes.byteLength > partial.sizeBytes) {
          // Only an origin whose size changed between two responses gets here: never write past the segment.
          throw new ShoalError('http-length-mismatch', `Origin bytes past the segment's ${partial.sizeBytes} bytes`, { source: 'http', fatal: true });
        }
        void this.receive({ source: 'http', offsetBytes: chunk.offsetBytes, bytes: chunk.bytes });
      },
      // The chunks went to the partial segment; the body is only needed when none could be made (below).
      wantsWholeBody: () => !this.partial,
    });
    this.http = http;
    this.currentState = 'http';
    // Tell peers at once that we are fetching it, so nobody else's origin turn comes before they hear of
    // it: the announce delay is one peer latency, not the origin's first byte. With its size known (the
    // manifest's, a byte range's), as the partial they may relay from; else as size 0 ("no byte yet": a
    // size announced with no partial behind it had peers' requests answered `notHeld` at once, and every
    // relay of a byte-range piece fell back to the origin).
    if (sizeBytes !== undefined) this.partialOfSize(sizeBytes);
    if (this.partial) this.announcePartial();
    else if (!ranges) this.context.holdings.downloading(this.key, { sizeBytes: 0 });
    let wholeBody: Uint8Array | undefined;
    try {
      wholeBody = await http.run();
    } catch (error) {
      if (this.http !== http) return;
      this.http = undefined;
      if (ranges && this.sizeHint.isHint && isSizeEvidence(error)) return this.restartOverHttp(undefined, (error as ShoalError).message);
      return this.fail(error as ShoalError);
    }
    if (this.http !== http) return;
    this.http = undefined;
    if (intake) return this.afterVerifiedHttp(intake);
    if (!this.partial && wholeBody) {
      // No Content-Length: its chunks passed `receive` with no partial to go to; the whole body is the segment.
      this.context.sizes.learned(this.key, wholeBody.byteLength, 'http-body');
      this.partialOfSize(wholeBody.byteLength).received(0, wholeBody);
    }
    await this.complete(this.p2pBytes > 0 ? 'p2p' : 'http');
  }

  /**
   * An origin response said the segment's size: it is authoritative from now on (`OriginSizes`; the
   * `SizeGuard` drops the peers that announced another). A partial of another size was sized by a peer's
   * wrong hint: completing its ranges restarts the whole segment over HTTP; a whole-segment response's
   * bytes go to a partial of the origin's size.
   */
  private originSaid({ sizeBytes, source }: HttpSegmentSize, http: HttpDownload, completingRanges: boolean): void {
    this.context.sizes.learned(this.key, sizeBytes, source);
    if (!this.partial || this.partial.sizeBytes === sizeBytes) return this.sizeHint.settle();
    if (completingRanges && this.http === http) return this.restartOverHttp(http, `the origin says ${sizeBytes} (${source})`);
    this.partialOfSize(sizeBytes);
  }

  /**
   * The size a peer's hint gave proved wrong while HTTP completed the segment (`evidence` says how): the
   * peers that claimed it are dropped, nothing received so far is kept, and the whole segment comes over
   * HTTP, sized by the origin alone (so this happens once).
   */
  private restartOverHttp(superseded: HttpDownload | undefined, evidence: string): void {
    if (superseded) {
      this.http = undefined;
      superseded.abort();
    }
    this.sizeHint.disprove(this.key, this.partial?.sizeBytes ?? 0, evidence);
    this.wholeOverHttp();
  }

  /** Forget every byte received (peers relaying from us look elsewhere) and fetch the whole segment over HTTP. */
  private wholeOverHttp(): void {
    this.sizeHint.settle();
    this.partial?.fail();
    this.partial = undefined;
    this.p2pBytes = 0;
    this.originBytes = 0;
    this.peerIds.clear();
    void this.runHttp(undefined);
  }

  /**
   * An HTTP download with an integrity entry ended: once its blocks' checks are done, every block must be
   * verified. Blocks that failed are the origin's bytes contradicting the origin's manifest (a cache
   * serving a stale or damaged copy): fetched once more, then the load fails with `integrity-mismatch`.
   */
  private async afterVerifiedHttp(intake: VerifiedIntake): Promise<void> {
    await intake.originChecksDone();
    if (this.stopped || !this.partial) return;
    const missing = this.partial.missingRanges();
    if (missing.length === 0) return this.complete(this.p2pBytes > 0 ? 'p2p' : 'http');
    if (this.httpRefetched) return this.fail(integrityMismatch(`${this.segment.url}: origin bytes do not match the integrity manifest`));
    this.httpRefetched = true;
    await this.runHttp(missing);
  }

  /** The segment's verified intake, made once its integrity entry is known (undefined without a manifest or entry). */
  private intakeOf(): VerifiedIntake | undefined {
    if (this.intake) return this.intake;
    const integrity = this.context.integrity;
    const entry = integrity?.entryFor(this.segment);
    if (!integrity || !entry) return undefined;
    // The manifest states the origin's size: peers announcing another are dropped (`SizeGuard`).
    this.context.sizes.learned(this.key, entry.sizeBytes, 'manifest');
    return (this.intake = new VerifiedIntake(new BlockVerifier(entry, integrity.sha256)));
  }

  /** The partial segment of that size (a new one, announced, when none of that size exists yet). */
  private partialOfSize(sizeBytes: number): PartialSegment {
    if (this.partial && this.partial.sizeBytes === sizeBytes) return this.partial;
    this.partial?.fail(); // a partial of another size (a wrong hint): peers relaying from it look elsewhere
    const partial = new PartialSegment(this.key, sizeBytes, this.context.clock);
    this.partial = partial;
    this.announcePartial();
    return partial;
  }

  /**
   * Peers hear the partial's size once it has a source of bytes: the origin (HTTP runs) or a first byte
   * received; until then size 0 ("fetching, no byte yet": they wait for it, and do not ask it for bytes).
   * A relay with nothing yet is no source: relays of each other with no origin behind them (the fetcher
   * they relayed failed) would otherwise ask each other for bytes none of them will get, until their
   * timeouts (measured in an origin outage: three viewers in such a cycle for 2 s, the player's retry
   * waiting on it).
   */
  private announcePartial(): void {
    const partial = this.partial;
    if (!partial) return;
    const hasSource = this.http !== undefined || partial.availableBytes > 0;
    this.context.holdings.downloading(this.key, { sizeBytes: hasSource ? partial.sizeBytes : 0, partial });
  }

  /**
   * Every byte is here: checked (`checkCompletedSegment`), store the segment and settle with it. A store
   * that fails (rejects) still delivers the bytes, fetched already; the failure is a warning and peers do
   * not hear the segment is held.
   */
  private async complete(source: 'http' | 'p2p'): Promise<void> {
    const partial = this.partial;
    if (!partial) return this.fail(new ShoalError('http-network', 'Download ended without bytes', { source: 'http', fatal: true }));
    this.currentState = 'done';
    const bytes = partial.bytes;
    const { p2pBytes, originBytes } = this;
    const completed = { key: this.key, url: this.segment.url, bytes, p2pBytes, peerIds: [...this.peerIds], originBytes, refetchedAfterRejection: this.refetchedAfterCommitments };
    const verdict = await checkCompletedSegment(completed, this.intake?.verifier, this.context.commitments, () => this.stopped);
    if (!verdict) return;
    if (verdict.kind === 'fail') return this.fail(verdict.error);
    if (verdict.kind === 'refetch') {
      this.refetchedAfterCommitments = true;
      return this.wholeOverHttp();
    }
    partial.markComplete();
    const { storage, holdings } = this.context;
    try {
      await storage.put(this.key, bytes);
      holdings.stored(this.key, bytes.byteLength, verdict.digest);
    } catch (error) {
      holdings.abandoned(this.key);
      this.context.onStorageWarning(storageFailure(error, 'Storing a segment'));
    }
    this.onSettled({ ok: true, segment: { bytes, source, p2pBytes: this.p2pBytes, peerIds: [...this.peerIds] } });
  }

  private fail(error: ShoalError): void {
    this.cancel();
    this.onSettled({ ok: false, error });
  }

  private halt(): void {
    this.stopped = true;
    const p2p = this.p2p;
    this.p2p = undefined;
    p2p?.stop();
    const http = this.http;
    this.http = undefined;
    http?.abort();
    this.partial?.fail();
    this.currentState = 'idle';
  }
}
