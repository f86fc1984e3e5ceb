/**
 * Serves peers' requests from held segments. Requests of one peer are served in order, one block per
 * `data` message, pausing while the peer's send buffer is above a high-water mark (backpressure), so a
 * slow peer never makes us buffer a whole segment in the data channel.
 */
import type { ServableSegment } from '../download/partial-segment';
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

/** What this viewer may serve (the engine's `Holdings`). */
export interface ServableSource {
  /** A held segment, complete or still arriving; undefined when not held. */
  servable(key: SegmentKey): Promise<ServableSegment | undefined>;
}

export interface UploaderOptions {
  isUploadEnabled(): boolean;
  holdings: ServableSource;
  onUploaded(peerId: string, sizeBytes: number): void;
}

interface PeerQueue {
  requests: RequestMessage[];
  cancelled: Set<number>;
  serving: boolean;
  detach: () => void;
}

export class Uploader {
  private readonly options: UploaderOptions;
  private readonly queues = new Map<Peer, PeerQueue>();

  constructor(options: UploaderOptions) {
    this.options = options;
  }

  attach(peer: Peer): void {
    const onRequest = (request: RequestMessage): void => {
      if (!this.options.isUploadEnabled()) return peer.sendAbsent(request.requestId, 'uploadDisabled');
      queue.requests.push(request);
      void this.serve(peer, queue);
    };
    const onCancel = (requestId: number): void => {
      queue.cancelled.add(requestId);
    };
    const onClosed = (): void => this.detach(peer);
    const queue: PeerQueue = {
      requests: [],
      cancelled: new Set(),
      serving: false,
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
    queue.requests.length = 0;
    this.queues.delete(peer);
  }

  destroy(): void {
    for (const peer of [...this.queues.keys()]) this.detach(peer);
  }

  private async serve(peer: Peer, queue: PeerQueue): Promise<void> {
    if (queue.serving) return;
    queue.serving = true;
    try {
      while (queue.requests.length > 0 && !peer.isClosed) {
        const request = queue.requests.shift()!;
        if (queue.cancelled.delete(request.requestId)) continue;
        await this.serveOne(peer, queue, request);
      }
    } finally {
      queue.serving = false;
      queue.cancelled.clear();
    }
  }

  private async serveOne(peer: Peer, queue: PeerQueue, request: RequestMessage): Promise<void> {
    const segment = await this.options.holdings.servable({ renditionId: request.renditionId, segmentId: request.segmentId });
    const endByteExclusive = request.offsetBytes + request.lengthBytes;
    if (!segment || endByteExclusive > segment.bytes.byteLength) return peer.sendAbsent(request.requestId, 'notHeld');
    for (let offset = request.offsetBytes; offset < endByteExclusive; offset += BLOCK_BYTES) {
      const blockEndExclusive = Math.min(offset + BLOCK_BYTES, endByteExclusive);
      // Cut-through: relay bytes of a segment we are still receiving as soon as they arrive.
      if (segment.availableBytes < blockEndExclusive && !(await segment.waitForBytes(blockEndExclusive, RELAY_WAIT_MS))) {
        if (!peer.isClosed && !queue.cancelled.delete(request.requestId)) peer.sendAbsent(request.requestId, 'notHeld');
        return;
      }
      if (peer.bufferedAmount > UPLOAD_HIGH_WATER_MARK_BYTES) await this.drained(peer);
      if (peer.isClosed || !this.queues.has(peer)) return;
      if (queue.cancelled.delete(request.requestId)) return;
      const payload = segment.bytes.subarray(offset, blockEndExclusive);
      peer.sendData(request.requestId, offset, payload);
      this.options.onUploaded(peer.id, payload.byteLength);
    }
  }

  private drained(peer: Peer): Promise<void> {
    return new Promise((resolve) => {
      const stopDrain = peer.onceDrained(done);
      peer.once('closed', done);
      function done(): void {
        stopDrain();
        peer.off('closed', done);
        resolve();
      }
    });
  }
}
