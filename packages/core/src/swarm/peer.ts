/**
 * One remote peer of a swarm: the wire-protocol session over a Transport. It performs the handshake,
 * mirrors what the peer holds, tracks our requests to it (so data nobody asked for is caught), and drops
 * the peer on any protocol violation. Serving its requests is the Uploader's job (`request`/`cancel` events).
 */
import EventEmitter from 'eventemitter3';
import type { Clock, TimerHandle } from '../clock/clock';
import { ShoalError } from '../errors';
import type { Transport } from '../transport/transport';
import { decodeMessage, encodeHoldings, encodeLost, encodeMessage } from '../wire/codec';
import type {
  AbsentReasonName,
  DataMessage,
  GoodbyeReasonName,
  HeldSegment,
  RenditionHoldings,
  RequestMessage,
  WireMessage,
} from '../wire/messages';
import { PROTOCOL_VERSION } from '../wire/messages';
import type { SegmentKey } from '../types';
import { MAX_PEER_HELD_RENDITIONS, MAX_PEER_HELD_SEGMENTS, type PeerLimitName } from '../limits/peer-limits';

/** A peer that has not completed the handshake within this time is closed. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Data for a request we cancelled may still be in flight; ids cancelled this recently are tolerated. */
const CANCELLED_IDS_REMEMBERED = 256;

export interface PeerEvents {
  /** Handshake and the peer's full holdings received: it can be used. */
  ready: () => void;
  /** What the peer holds changed. */
  holdings: (renditionId: string, segmentIds: number[]) => void;
  request: (request: RequestMessage) => void;
  cancel: (requestId: number) => void;
  /** The peer's playing renditions changed. */
  interest: (playing: string[]) => void;
  closed: (reason?: ShoalError) => void;
}

/** A segment a peer announced, and when (for a partial one: about when its download started). */
export interface HeldByPeer extends HeldSegment {
  announcedAtMs: number;
}

/** Callbacks of one outgoing request. Exactly one of `onComplete`/`onFail` ends it. */
export interface OutgoingRequestHandlers {
  onData(offsetBytes: number, payload: Uint8Array): void;
  onComplete(): void;
  onFail(error: ShoalError): void;
}

interface PendingRequest {
  offsetBytes: number;
  lengthBytes: number;
  receivedBytes: number;
  handlers: OutgoingRequestHandlers;
}

export interface PeerOptions {
  clock: Clock;
  swarmHashHex: string;
  uploadEnabled: boolean;
  playing: string[];
}

export class Peer extends EventEmitter<PeerEvents> {
  readonly id: string;
  /** What the remote holds: renditionId → segmentId → segment. */
  readonly holdings = new Map<string, Map<number, HeldByPeer>>();
  remotePlaying: string[] = [];
  remoteUploadEnabled = false;
  /** The remote refuses our requests for now. */
  chokedByRemote = false;
  /** Handshake received. */
  private handshaken = false;
  /** Handshake and full holdings received: the peer can be used. */
  isReady = false;
  /** Bytes received from / sent to this peer. */
  downloadedBytes = 0;
  uploadedBytes = 0;

  private readonly transport: Transport;
  private readonly options: PeerOptions;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly recentlyCancelled = new Set<number>();
  private nextRequestId = 1;
  /** Entries of `holdings`, all renditions: capped at `MAX_PEER_HELD_SEGMENTS`. */
  private heldCount = 0;
  private handshakeTimer: TimerHandle | undefined;
  private closed = false;

  constructor(transport: Transport, options: PeerOptions) {
    super();
    this.id = transport.remotePeerId;
    this.transport = transport;
    this.options = options;
    transport.on('frame', this.onFrame);
    transport.on('close', this.onTransportClose);
    transport.on('error', this.onTransportError);
  }

  /** Send our handshake and full holdings; the peer becomes `ready` when its handshake arrives. */
  start(holdings: RenditionHoldings[]): void {
    this.handshakeTimer = this.options.clock.setTimeout(() => {
      this.drop(new ShoalError('peer-timeout', `No handshake within ${HANDSHAKE_TIMEOUT_MS} ms`, { source: 'p2p' }));
    }, HANDSHAKE_TIMEOUT_MS);
    this.send({
      type: 'handshake',
      version: PROTOCOL_VERSION,
      swarmHashHex: this.options.swarmHashHex,
      uploadEnabled: this.options.uploadEnabled,
      playing: this.options.playing,
    });
    this.sendFrames(encodeHoldings('haveSet', holdings));
  }

  holds(key: SegmentKey): HeldByPeer | undefined {
    return this.holdings.get(key.renditionId)?.get(key.segmentId);
  }

  get bufferedAmount(): number {
    return this.transport.bufferedAmount;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Number of our requests to this peer still waiting for data. */
  get pendingRequestCount(): number {
    return this.pending.size;
  }

  onceDrained(callback: () => void): () => void {
    this.transport.once('drain', callback);
    return () => this.transport.off('drain', callback);
  }

  sendHave(holdings: RenditionHoldings[]): void {
    this.sendFrames(encodeHoldings('have', holdings));
  }

  sendLost(renditionId: string, segmentIds: number[]): void {
    this.sendFrames(encodeLost(renditionId, segmentIds));
  }

  /**
   * Frames encoded once for several peers (an announcement to all of them): sent as they are. Transports
   * copy what they send, so one encoding may go to every peer.
   */
  sendEncoded(frames: readonly Uint8Array[]): void {
    this.sendFrames(frames);
  }

  sendInterest(playing: string[]): void {
    this.send({ type: 'interest', playing });
  }

  /** Ask for bytes `[offsetBytes, offsetBytes + lengthBytes)`; returns the request id (for `cancel`). */
  request(key: SegmentKey, offsetBytes: number, lengthBytes: number, handlers: OutgoingRequestHandlers): number {
    const requestId = this.nextRequestId++;
    this.pending.set(requestId, { offsetBytes, lengthBytes, receivedBytes: 0, handlers });
    this.send({ type: 'request', requestId, renditionId: key.renditionId, segmentId: key.segmentId, offsetBytes, lengthBytes });
    return requestId;
  }

  /** Withdraw a request; its handlers are not called again. */
  cancel(requestId: number): void {
    if (!this.pending.delete(requestId)) return;
    this.rememberCancelled(requestId);
    this.send({ type: 'cancel', requestId });
  }

  sendData(requestId: number, offsetBytes: number, payload: Uint8Array): void {
    this.send({ type: 'data', requestId, offsetBytes, payload });
    this.uploadedBytes += payload.byteLength;
  }

  sendAbsent(requestId: number, reason: AbsentReasonName): void {
    this.send({ type: 'absent', requestId, reason });
  }

  /** Close politely with a reason the remote can read. */
  close(reason: GoodbyeReasonName = 'normal'): void {
    if (this.closed) return;
    this.send({ type: 'goodbye', reason });
    this.finish(undefined);
  }

  /** Number of segments the peer announced (all renditions): at most `MAX_PEER_HELD_SEGMENTS`. */
  get heldSegmentCount(): number {
    return this.heldCount;
  }

  /** Drop a peer that went past one of its caps (`limits/peer-limits.ts`). */
  dropForLimit(limit: PeerLimitName, message: string): void {
    this.drop(new ShoalError('peer-limit-exceeded', `${message} (limit ${limit})`, { source: 'p2p', limit }));
  }

  /** Drop a misbehaving or failed peer: report why, close the connection. */
  drop(reason: ShoalError): void {
    if (this.closed) return;
    const misbehaved = reason.code === 'peer-protocol' || reason.code === 'corrupt-data' || reason.code === 'peer-limit-exceeded';
    this.send({ type: 'goodbye', reason: misbehaved ? 'protocolError' : 'normal' });
    this.finish(reason);
  }

  destroy(): void {
    this.finish(undefined);
  }

  private send(message: WireMessage): void {
    this.sendFrames([encodeMessage(message)]);
  }

  private sendFrames(frames: readonly Uint8Array[]): void {
    if (this.closed || this.transport.closed) return;
    try {
      for (const frame of frames) this.transport.send(frame);
    } catch (error) {
      this.finish(new ShoalError('transport-error', 'Send failed', { source: 'p2p', cause: error }));
    }
  }

  private readonly onFrame = (frame: Uint8Array): void => {
    if (this.closed) return;
    const decoded = decodeMessage(frame);
    if (!decoded.ok) {
      if (decoded.error.code === 'codec-bad-version') {
        this.send({ type: 'goodbye', reason: 'versionMismatch' });
        this.finish(decoded.error);
        return;
      }
      this.protocolError(`Malformed frame: ${decoded.error.message}`, decoded.error);
      return;
    }
    const message = decoded.message;
    if (message.type === 'unknown') return; // a later protocol's message: skipped
    if (!this.handshaken && message.type !== 'handshake' && message.type !== 'goodbye') {
      this.protocolError(`"${message.type}" before handshake`);
      return;
    }
    // The one entry point of a peer's messages: whatever a handler here or a listener downstream throws
    // (a bug of ours) drops this peer with `internal-error`, never escapes into the transport's timer.
    try {
      this.handle(message);
    } catch (error) {
      this.drop(new ShoalError('internal-error', `Handling "${message.type}" failed: ${String(error)}`, { source: 'p2p', cause: error }));
    }
  };

  private handle(message: WireMessage): void {
    switch (message.type) {
      case 'handshake':
        if (this.handshaken) return this.protocolError('Second handshake');
        if (message.swarmHashHex !== this.options.swarmHashHex) {
          this.send({ type: 'goodbye', reason: 'wrongSwarm' });
          return this.finish(new ShoalError('peer-protocol', 'Peer is in another swarm', { source: 'p2p' }));
        }
        this.handshaken = true;
        this.remoteUploadEnabled = message.uploadEnabled;
        this.remotePlaying = message.playing;
        return;
      case 'haveSet':
      case 'have':
        for (const { renditionId, segments } of message.holdings) {
          let held = this.holdings.get(renditionId);
          if (!held) {
            if (this.holdings.size >= MAX_PEER_HELD_RENDITIONS) {
              return this.dropForLimit('held-renditions', `Holdings of more than ${MAX_PEER_HELD_RENDITIONS} renditions`);
            }
            this.holdings.set(renditionId, (held = new Map()));
          }
          const nowMs = this.options.clock.now();
          for (const segment of segments) {
            const before = held.get(segment.segmentId);
            if (!before && this.heldCount >= MAX_PEER_HELD_SEGMENTS) {
              return this.dropForLimit('held-segments', `More than ${MAX_PEER_HELD_SEGMENTS} segments announced`);
            }
            if (!before) this.heldCount++;
            const announcedAtMs = before?.partial && segment.partial ? before.announcedAtMs : nowMs;
            // Written out, not spread: a spread of the decoder's two shapes (with and without a commitment)
            // made each record a dictionary-mode object with a map of its own (~26,000 in a 146-viewer run).
            const { segmentId, sizeBytes, partial, sha256Base64 } = segment;
            held.set(segmentId, { segmentId, sizeBytes, partial, sha256Base64, announcedAtMs });
          }
          this.emit('holdings', renditionId, segments.map((s) => s.segmentId));
        }
        // Ready once we know what it holds: its full set always follows its handshake.
        if (message.type === 'haveSet' && !this.isReady) {
          this.options.clock.clearTimeout(this.handshakeTimer);
          this.isReady = true;
          this.emit('ready');
        }
        return;
      case 'lost': {
        const held = this.holdings.get(message.renditionId);
        for (const id of message.segmentIds) if (held?.delete(id)) this.heldCount--;
        if (held?.size === 0) this.holdings.delete(message.renditionId);
        this.emit('holdings', message.renditionId, message.segmentIds);
        return;
      }
      case 'request':
        this.emit('request', message);
        return;
      case 'cancel':
        this.emit('cancel', message.requestId);
        return;
      case 'data':
        return this.onData(message);
      case 'absent': {
        const request = this.pending.get(message.requestId);
        if (!request) return; // answered a request we already cancelled
        this.pending.delete(message.requestId);
        const code = message.reason === 'busy' ? 'peer-busy' : 'peer-absent';
        request.handlers.onFail(new ShoalError(code, `Peer cannot serve: ${message.reason}`, { source: 'p2p' }));
        return;
      }
      case 'choke':
        this.chokedByRemote = true;
        return;
      case 'unchoke':
        this.chokedByRemote = false;
        return;
      case 'interest':
        this.remotePlaying = message.playing;
        this.emit('interest', message.playing);
        return;
      case 'goodbye':
        return this.finish(
          message.reason === 'normal' ? undefined : new ShoalError('peer-closed', `Peer said goodbye: ${message.reason}`, { source: 'p2p' }),
        );
    }
  }

  private onData(message: DataMessage): void {
    const request = this.pending.get(message.requestId);
    if (!request) {
      if (this.recentlyCancelled.has(message.requestId)) return;
      return this.protocolError(`Data for request ${message.requestId}, which was not asked`);
    }
    const start = request.offsetBytes + request.receivedBytes;
    const end = request.offsetBytes + request.lengthBytes;
    if (message.offsetBytes !== start || start + message.payload.byteLength > end || message.payload.byteLength === 0) {
      return this.protocolError(`Data at ${message.offsetBytes}+${message.payload.byteLength} outside the expected ${start}..${end}`);
    }
    request.receivedBytes += message.payload.byteLength;
    this.downloadedBytes += message.payload.byteLength;
    const complete = request.receivedBytes === request.lengthBytes;
    if (complete) this.pending.delete(message.requestId);
    request.handlers.onData(message.offsetBytes, message.payload);
    if (complete) request.handlers.onComplete();
  }

  private protocolError(message: string, cause?: unknown): void {
    this.drop(new ShoalError('peer-protocol', message, { source: 'p2p', cause }));
  }

  private rememberCancelled(requestId: number): void {
    this.recentlyCancelled.add(requestId);
    if (this.recentlyCancelled.size > CANCELLED_IDS_REMEMBERED) {
      const oldest = this.recentlyCancelled.values().next().value as number;
      this.recentlyCancelled.delete(oldest);
    }
  }

  private readonly onTransportClose = (): void => this.finish(undefined);

  private readonly onTransportError = (error: ShoalError): void => this.finish(error);

  private finish(reason: ShoalError | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.options.clock.clearTimeout(this.handshakeTimer);
    this.transport.off('frame', this.onFrame);
    this.transport.off('close', this.onTransportClose);
    this.transport.off('error', this.onTransportError);
    this.transport.destroy();
    // Built only when a request waits on it: an error's stack trace is costly, and most peers close idle
    // (a full swarm refusing them), which the simulator does thousands of times a minute.
    if (this.pending.size > 0) {
      const failure = reason ?? new ShoalError('peer-closed', 'Peer closed', { source: 'p2p' });
      const pending = [...this.pending.values()];
      this.pending.clear();
      for (const request of pending) request.handlers.onFail(failure);
    }
    this.emit('closed', reason);
    this.removeAllListeners();
  }
}
