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
 *
 * Held back, not pushed (issue 18): bytes handed to a transport are committed — a `cancel` can no longer
 * take them back — so all connections together hold at most `SEND_AHEAD_MS` of the measured uplink
 * (`sendBudgetBytes`); the rest of the backlog waits in the request queues, where a cancel removes it
 * unsent. With one 1 MiB buffer per connection on one shared home uplink, a block asked of a busy peer and
 * then asked elsewhere was sent twice: in the simulator 40% of all uploaded bytes arrived for requests
 * their receiver had already cancelled.
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

/**
 * All connections together hold at most this much of the measured uplink in their send buffers: enough
 * to keep the line busy between two looks, little enough that a cancelled request's bytes were not sent.
 */
export const SEND_AHEAD_MS = 200;
/** The send budget before the uplink is measured (and its floor): four blocks. */
export const MIN_SEND_BUDGET_BYTES = 4 * BLOCK_BYTES;
/** Longest sleep before looking at the buffers again when over budget. */
const MAX_TURN_WAIT_MS = 250;
/** The sleep when over budget before the uplink is measured. */
const UNMEASURED_TURN_WAIT_MS = 10;

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
  /** Each outstanding request's place in the arrival order of every peer's requests. */
  arrival: Map<number, number>;
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

interface SendWaiter {
  arrival: number;
  queue: PeerQueue;
  resolve: () => void;
}

export class Uploader {
  private readonly options: UploaderOptions;
  private readonly queues = new Map<Peer, PeerQueue>();
  private readonly totalBucket: TokenBucket;
  private readonly uplink = new UplinkEstimator();
  /** Payload bytes handed to transports since the start (the uplink estimator's counter). */
  private sentBytes = 0;
  private nextArrival = 0;
  /** Blocks waiting for their turn on the uplink, earliest-asked first (`sendTurn`). */
  private readonly waiters: SendWaiter[] = [];
  private turnTimer: TimerHandle | undefined;

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
      queue.arrival.set(request.requestId, this.nextArrival++);
      queue.outstandingBytes += request.lengthBytes;
      void this.serve(peer, queue);
    };
    // A cancel for a request not outstanding (never made, or finished) is ignored: nothing is stored.
    const onCancel = (requestId: number): void => this.finish(queue, requestId);
    const onClosed = (): void => this.detach(peer);
    const queue: PeerQueue = {
      outstanding: new Map(),
      arrival: new Map(),
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
    queue.arrival.clear();
    queue.outstandingBytes = 0;
    this.queues.delete(peer);
    queue.wake?.();
  }

  destroy(): void {
    for (const peer of [...this.queues.keys()]) this.detach(peer);
    this.options.clock.clearTimeout(this.turnTimer);
    this.turnTimer = undefined;
  }

  /** The measured uplink (bytes/s), once it was busy long enough to measure. */
  get uplinkBytesPerSec(): number | undefined {
    return this.uplink.bytesPerSec;
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
    queue.arrival.delete(requestId);
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
      await this.sendTurn(queue, queue.arrival.get(request.requestId) ?? Infinity);
      if (!live()) return this.grantTurns();
      queue.bucket.take(blockBytes);
      this.totalBucket.take(blockBytes);
      const payload = segment.bytes.subarray(offset, blockEndExclusive);
      peer.sendData(request.requestId, offset, payload);
      queue.headSentBytes += payload.byteLength;
      this.sentBytes += payload.byteLength;
      this.observeUplink();
      this.options.onUploaded(peer.id, payload.byteLength);
      this.grantTurns();
    }
  }

  /** The most bytes all connections' send buffers may hold together before another block is handed over. */
  private sendBudgetBytes(): number {
    const rate = this.uplink.bytesPerSec;
    return rate === undefined ? MIN_SEND_BUDGET_BYTES : Math.max(MIN_SEND_BUDGET_BYTES, (rate * SEND_AHEAD_MS) / 1000);
  }

  /**
   * Waits for this block's turn on the uplink: the connections' send buffers together under the send
   * budget, and no block waiting that was asked for earlier (by any peer). Requests are served in the
   * order they arrived, across peers: the first requester of a segment gets it whole at the line's full
   * rate (and can relay it on) before the next, rather than every requester getting a share of the line
   * and all of them finishing last.
   */
  private sendTurn(queue: PeerQueue, arrival: number): Promise<void> {
    if (queue.detached) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: SendWaiter = { arrival, queue, resolve };
      let at = this.waiters.length;
      while (at > 0 && this.waiters[at - 1]!.arrival > arrival) at--;
      this.waiters.splice(at, 0, waiter);
      queue.wake = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        queue.wake = undefined;
        resolve();
      };
      this.grantTurns();
    });
  }

  /** Wakes the earliest waiting block if the send buffers have room; else looks again once they drained some. */
  private grantTurns(): void {
    if (this.waiters.length === 0) return;
    const overBytes = this.observeUplink() - this.sendBudgetBytes();
    if (overBytes < 0) {
      const first = this.waiters.shift()!;
      first.queue.wake = undefined;
      first.resolve();
      return;
    }
    if (this.turnTimer !== undefined) return;
    // Until the line is measured, look often: a long sleep would let it run dry, and a line that runs
    // dry is never measured (the estimator takes only busy intervals).
    const rate = this.uplink.bytesPerSec;
    const waitMs = rate === undefined ? UNMEASURED_TURN_WAIT_MS : Math.min(MAX_TURN_WAIT_MS, Math.max(1, (overBytes / Math.max(rate, 1)) * 1000));
    this.turnTimer = this.options.clock.setTimeout(() => {
      this.turnTimer = undefined;
      this.grantTurns();
    }, waitMs);
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
