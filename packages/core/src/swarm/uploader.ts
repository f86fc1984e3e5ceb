/**
 * Serves peers' requests from held segments. Requests of one peer are served in order, one block per
 * `data` message, pausing while the peer's send buffer is above a high-water mark (backpressure), so a
 * slow peer never makes us buffer a whole segment in the data channel.
 *
 * Bounded (issue 17, `limits/peer-limits.ts`): a peer's outstanding requests are capped in number and
 * bytes, a request overlapping one of its outstanding requests is a duplicate (no amplification: each
 * requested byte is sent once per request the peer pays for), a cancel of a request not outstanding is
 * ignored (nothing is stored for it), and with `maxUploadBytesPerSec`/`maxPeerUploadBytesPerSec` every
 * block waits for tokens of the total and the peer's token bucket.
 *
 * Paced to the uplink (issue 18): every peer's blocks queue on this viewer's one uplink, so serving every
 * request that arrives makes each of them late. The uploader measures how fast its connections drain
 * (`UplinkEstimator`) and answers `absent` (`busy`) to a request that would wait behind more than
 * `MAX_UPLOAD_BACKLOG_MS` of bytes already promised: the requester takes those bytes from another peer or
 * the origin at once, instead of timing out on them seconds later.
 */
import type { Clock, TimerHandle } from '../clock/clock';
import { ShoalError } from '../errors';
import type { ServableSegment } from '../download/partial-segment';
import { MAX_PEER_QUEUED_REQUEST_BYTES, MAX_PEER_QUEUED_REQUESTS } from '../limits/peer-limits';
import { TokenBucket } from '../limits/token-bucket';
import { UplinkEstimator } from '../limits/uplink-estimator';
import type { SegmentKey } from '../types';
import { BLOCK_BYTES, type RequestMessage } from '../wire/messages';
import type { Peer } from './peer';

/**
 * How long a request for bytes of a partial segment (cut-through) may wait for them to arrive before we
 * answer `absent`. Below the requester's block timeout, so it hears `absent` rather than timing out.
 */
export const RELAY_WAIT_MS = 3_000;

/** Above this many bytes queued in a data channel, wait for `drain`. 1 MiB ≈ 16 blocks: keeps the pipe full at LAN speeds. */
export const UPLOAD_HIGH_WATER_MARK_BYTES = 1024 * 1024;

/**
 * A request that would wait behind more than this much upload already promised (at the measured uplink
 * rate) is answered `busy`. Well under the requester's block timeout (`peerRequestTimeoutMs`, 4 s): what
 * we accept, we deliver in time.
 */
export const MAX_UPLOAD_BACKLOG_MS = 2_500;

/** What this viewer may serve (the engine's `Holdings`). */
export interface ServableSource {
  /** A held segment, complete or still arriving; undefined when not held. */
  servable(key: SegmentKey): Promise<ServableSegment | undefined>;
}

export interface UploaderOptions {
  clock: Clock;
  isUploadEnabled(): boolean;
  holdings: ServableSource;
  onUploaded(peerId: string, sizeBytes: number): void;
  /** Upload rate of all peers together; Infinity: unlimited. */
  maxUploadBytesPerSec: number;
  /** Upload rate to any one peer; Infinity: unlimited. */
  maxPeerUploadBytesPerSec: number;
}

interface PeerQueue {
  /** Requests not finished yet, in arrival order (the one being served included). */
  outstanding: Map<number, RequestMessage>;
  outstandingBytes: number;
  serving: boolean;
  bucket: TokenBucket;
  /** Bytes of the request being served already sent (the rest of `outstandingBytes` is still to send). */
  headSentBytes: number;
  /** Wakes a server waiting for tokens or drain when the peer goes. */
  wake: (() => void) | undefined;
  detached: boolean;
  detach: () => void;
}

export class Uploader {
  private readonly options: UploaderOptions;
  private readonly queues = new Map<Peer, PeerQueue>();
  private readonly totalBucket: TokenBucket;
  private readonly uplink = new UplinkEstimator();
  /** Payload bytes handed to transports since the start (the uplink estimator's counter). */
  private sentBytes = 0;

  constructor(options: UploaderOptions) {
    this.options = options;
    this.totalBucket = new TokenBucket(options.clock, options.maxUploadBytesPerSec);
  }

  attach(peer: Peer): void {
    const onRequest = (request: RequestMessage): void => {
      if (!this.options.isUploadEnabled()) return peer.sendAbsent(request.requestId, 'uploadDisabled');
      if (!this.admit(peer, queue, request)) return;
      if (this.backlogTooLong(request.lengthBytes)) return peer.sendAbsent(request.requestId, 'busy');
      queue.outstanding.set(request.requestId, request);
      queue.outstandingBytes += request.lengthBytes;
      void this.serve(peer, queue);
    };
    // A cancel for a request not outstanding (never made, or finished) is ignored: nothing is stored.
    const onCancel = (requestId: number): void => this.finish(queue, requestId);
    const onClosed = (): void => this.detach(peer);
    const queue: PeerQueue = {
      outstanding: new Map(),
      outstandingBytes: 0,
      headSentBytes: 0,
      serving: false,
      bucket: new TokenBucket(this.options.clock, this.options.maxPeerUploadBytesPerSec),
      wake: undefined,
      detached: false,
      detach: () => {
        peer.off('request', onRequest);
        peer.off('cancel', onCancel);
        peer.off('closed', onClosed);
      },
    };
    this.queues.set(peer, queue);
    peer.on('request', onRequest);
    peer.on('cancel', onCancel);
    peer.on('closed', onClosed);
  }

  detach(peer: Peer): void {
    const queue = this.queues.get(peer);
    if (!queue) return;
    queue.detach();
    queue.detached = true;
    queue.outstanding.clear();
    queue.outstandingBytes = 0;
    this.queues.delete(peer);
    queue.wake?.();
  }

  destroy(): void {
    for (const peer of [...this.queues.keys()]) this.detach(peer);
  }

  /** Requests not finished for `peer` (tests and the README's bound): count and bytes. */
  outstandingOf(peer: Peer): { requests: number; bytes: number } {
    const queue = this.queues.get(peer);
    return { requests: queue?.outstanding.size ?? 0, bytes: queue?.outstandingBytes ?? 0 };
  }

  /**
   * Whether `sizeBytes` more would wait behind more than `MAX_UPLOAD_BACKLOG_MS` of promised upload. Never
   * while nothing is promised: the backlog then drains, and the next busy period measures the line again.
   */
  private backlogTooLong(sizeBytes: number): boolean {
    let backlogBytes = this.observeUplink();
    const rate = this.uplink.bytesPerSec;
    if (rate === undefined) return false;
    for (const queue of this.queues.values()) backlogBytes += queue.outstandingBytes - queue.headSentBytes;
    if (backlogBytes <= 0) return false;
    return ((backlogBytes + sizeBytes) / Math.max(rate, 1)) * 1000 > MAX_UPLOAD_BACKLOG_MS;
  }

  /** Feeds the uplink estimator what was sent and what still sits in the transports; returns the latter. */
  private observeUplink(): number {
    let bufferedBytes = 0;
    for (const peer of this.queues.keys()) bufferedBytes += peer.bufferedAmount;
    this.uplink.observe(this.options.clock.now(), this.sentBytes, bufferedBytes);
    return bufferedBytes;
  }

  /** Whether a request may join the peer's queue; a peer past a cap is dropped. */
  private admit(peer: Peer, queue: PeerQueue, request: RequestMessage): boolean {
    if (queue.outstanding.size >= MAX_PEER_QUEUED_REQUESTS) {
      peer.dropForLimit('queued-requests', `More than ${MAX_PEER_QUEUED_REQUESTS} requests outstanding`);
      return false;
    }
    if (queue.outstandingBytes + request.lengthBytes > MAX_PEER_QUEUED_REQUEST_BYTES) {
      peer.dropForLimit('queued-request-bytes', `More than ${MAX_PEER_QUEUED_REQUEST_BYTES} bytes requested and not yet sent`);
      return false;
    }
    if (queue.outstanding.has(request.requestId) || [...queue.outstanding.values()].some((other) => overlaps(other, request))) {
      peer.dropForLimit('duplicate-request', `Request ${request.requestId} repeats bytes already requested`);
      return false;
    }
    return true;
  }

  private finish(queue: PeerQueue, requestId: number): void {
    const request = queue.outstanding.get(requestId);
    if (!request) return;
    if (queue.outstanding.keys().next().value === requestId) queue.headSentBytes = 0;
    queue.outstanding.delete(requestId);
    queue.outstandingBytes -= request.lengthBytes;
  }

  private async serve(peer: Peer, queue: PeerQueue): Promise<void> {
    if (queue.serving) return;
    queue.serving = true;
    try {
      for (;;) {
        const next = queue.outstanding.values().next();
        if (next.done || peer.isClosed || !this.queues.has(peer)) break;
        await this.serveOne(peer, queue, next.value);
        this.finish(queue, next.value.requestId);
      }
    } catch (error) {
      // A store or relay that throws (a bug of ours) ends this peer's session, not the engine.
      peer.drop(new ShoalError('internal-error', `Serving failed: ${String(error)}`, { source: 'p2p', cause: error }));
    } finally {
      queue.serving = false;
    }
  }

  private async serveOne(peer: Peer, queue: PeerQueue, request: RequestMessage): Promise<void> {
    const segment = await this.options.holdings.servable({ renditionId: request.renditionId, segmentId: request.segmentId });
    const endByteExclusive = request.offsetBytes + request.lengthBytes;
    const live = (): boolean => !peer.isClosed && this.queues.has(peer) && queue.outstanding.has(request.requestId);
    if (!live()) return;
    // Only held (or relayed) segments, only inside them: a request past the end is refused.
    if (!segment || endByteExclusive > segment.bytes.byteLength) return peer.sendAbsent(request.requestId, 'notHeld');
    for (let offset = request.offsetBytes; offset < endByteExclusive; offset += BLOCK_BYTES) {
      const blockEndExclusive = Math.min(offset + BLOCK_BYTES, endByteExclusive);
      // Cut-through: relay bytes of a segment we are still receiving as soon as they arrive.
      if (segment.availableBytes < blockEndExclusive && !(await segment.waitForBytes(blockEndExclusive, RELAY_WAIT_MS))) {
        if (live()) peer.sendAbsent(request.requestId, 'notHeld');
        return;
      }
      if (peer.bufferedAmount > UPLOAD_HIGH_WATER_MARK_BYTES) await this.drained(peer, queue);
      const blockBytes = blockEndExclusive - offset;
      await this.tokens(queue, blockBytes);
      if (!live()) return;
      queue.bucket.take(blockBytes);
      this.totalBucket.take(blockBytes);
      const payload = segment.bytes.subarray(offset, blockEndExclusive);
      peer.sendData(request.requestId, offset, payload);
      queue.headSentBytes += payload.byteLength;
      this.sentBytes += payload.byteLength;
      this.observeUplink();
      this.options.onUploaded(peer.id, payload.byteLength);
    }
  }

  /** Waits until both the peer's and the total bucket hold `sizeBytes` (or the peer goes). */
  private async tokens(queue: PeerQueue, sizeBytes: number): Promise<void> {
    for (;;) {
      const waitMs = Math.max(queue.bucket.waitMsFor(sizeBytes), this.totalBucket.waitMsFor(sizeBytes));
      if (waitMs === 0 || queue.detached) return;
      await this.sleep(queue, waitMs);
    }
  }

  private sleep(queue: PeerQueue, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (): void => {
        this.options.clock.clearTimeout(timer);
        queue.wake = undefined;
        resolve();
      };
      queue.wake = done;
      timer = this.options.clock.setTimeout(done, ms);
    });
  }

  private drained(peer: Peer, queue: PeerQueue): Promise<void> {
    return new Promise((resolve) => {
      const stopDrain = peer.onceDrained(done);
      peer.once('closed', done);
      queue.wake = done;
      function done(): void {
        stopDrain();
        peer.off('closed', done);
        queue.wake = undefined;
        resolve();
      }
    });
  }
}

/** Two requests for bytes of the same segment that share a byte. */
function overlaps(a: RequestMessage, b: RequestMessage): boolean {
  return (
    a.renditionId === b.renditionId &&
    a.segmentId === b.segmentId &&
    a.offsetBytes < b.offsetBytes + b.lengthBytes &&
    b.offsetBytes < a.offsetBytes + a.lengthBytes
  );
}
