/**
 * `Transport` over a connected `@thaunknown/simple-peer` Peer (what the bittorrent-tracker client emits):
 * native `RTCPeerConnection` in browsers, node-datachannel through webrtc-polyfill in Node. One frame is
 * one data-channel message.
 *
 * - Sends go straight to the channel (`peer.send` calls `RTCDataChannel.send`, bypassing the Peer's stream
 *   buffer), so `bufferedAmount` is the channel's own and backpressure is the channel's.
 * - `drain` is the channel's `bufferedamountlow` event, with `bufferedAmountLowThreshold` set to our
 *   low-water mark, re-checked on arrival: node-datachannel raises it on its own thread, so it can reach
 *   JavaScript after more was sent. Where a channel lacks the event, the clock polls while above the mark.
 * - Close is the channel's `close` event as well as the Peer's: when the remote goes away, simple-peer 10
 *   tears itself down without ever emitting `close` (and, over node-datachannel, emits a spurious
 *   "User-Initiated Abort" `error` ~10 ms later). A remote leaving is a plain `close` here.
 * - Types are local (`SimplePeerLike`), so core needs neither DOM types nor simple-peer's.
 */
import { systemClock } from '../clock/system-clock';
import type { Clock, TimerHandle } from '../clock/clock';
import { ShoalError } from '../errors';
import { MAX_MESSAGE_BYTES } from '../wire/messages';
import type { Transport } from './transport';
import { TransportEventSource } from './transport-emitter';

/**
 * `drain` threshold when none is given: four max-size frames. Enough queued for the SCTP stack to stay busy
 * while the sender refills, small enough that a cancelled upload wastes little (simple-peer uses 64 KiB).
 */
export const DEFAULT_LOW_WATER_MARK_BYTES = 256 * 1024;

/** How often to look at `bufferedAmount` where the channel has no `bufferedamountlow` event. */
const DRAIN_POLL_INTERVAL_MS = 20;

/**
 * How long after our close an error sink stays on the Peer. simple-peer finishes tearing down on a 0 ms
 * timer and may emit `error` then; an `error` without listener would throw. 1 s is ample.
 */
const PEER_TEARDOWN_GRACE_MS = 1_000;

type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The parts of an `RTCDataChannel` we use (browser native or webrtc-polyfill). */
export interface DataChannelLike {
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold?: number;
  readonly readyState?: string;
  addEventListener?(type: 'bufferedamountlow' | 'close', listener: () => void): void;
  removeEventListener?(type: 'bufferedamountlow' | 'close', listener: () => void): void;
}

/** The parts of a simple-peer `Peer` we use. */
export interface SimplePeerLike {
  readonly connected: boolean;
  readonly destroyed: boolean;
  /** simple-peer's getter for the channel's `bufferedAmount`. */
  readonly bufferSize?: number;
  /** simple-peer internal; `null` once the peer is torn down. */
  readonly _channel?: DataChannelLike | null;
  send(chunk: Uint8Array): void;
  destroy(error?: Error): void;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
}

export interface SimplePeerTransportOptions {
  /** The remote's tracker peer id (the tracker client sets `peer.id`). */
  remotePeerId: string;
  /** For the `drain` polling fallback and the teardown grace timer. Default `systemClock`. */
  clock?: Clock;
  /** Default `DEFAULT_LOW_WATER_MARK_BYTES`. */
  lowWaterMarkBytes?: number;
}

export class SimplePeerTransport extends TransportEventSource implements Transport {
  readonly remotePeerId: string;
  readonly lowWaterMarkBytes: number;
  private readonly peer: SimplePeerLike;
  private readonly clock: Clock;
  private readonly channel: DataChannelLike | undefined;
  private readonly channelHasLowEvent: boolean;
  private isClosed = false;
  private pollTimer: TimerHandle | undefined;
  private readonly detachers: Array<() => void> = [];

  /** `peer` must have emitted `connect`; a peer already torn down gives a transport that closes at once. */
  constructor(peer: SimplePeerLike, options: SimplePeerTransportOptions) {
    super();
    this.peer = peer;
    this.remotePeerId = options.remotePeerId;
    this.clock = options.clock ?? systemClock;
    this.lowWaterMarkBytes = options.lowWaterMarkBytes ?? DEFAULT_LOW_WATER_MARK_BYTES;
    const channel = peer._channel ?? undefined;
    this.channel = channel;
    const channelHasEvents =
      typeof channel?.addEventListener === 'function' && typeof channel.removeEventListener === 'function';
    this.channelHasLowEvent = channelHasEvents && typeof channel?.bufferedAmountLowThreshold === 'number';

    this.listenToPeer('data', (data: unknown) => this.onData(data));
    this.listenToPeer('error', (error: unknown) => this.onPeerError(error));
    this.listenToPeer('close', () => this.close());
    if (channel !== undefined && channelHasEvents) {
      this.listenToChannel(channel, 'close', () => this.close());
      if (this.channelHasLowEvent) {
        channel.bufferedAmountLowThreshold = this.lowWaterMarkBytes;
        this.listenToChannel(channel, 'bufferedamountlow', () => this.onBufferedAmountLow());
      }
    }
    if (peer.destroyed || channel === undefined || channel.readyState === 'closed') {
      // Let the caller attach listeners before `close`.
      void Promise.resolve().then(() => this.close());
    }
  }

  get bufferedAmount(): number {
    if (this.isClosed) return 0;
    return this.channel?.bufferedAmount ?? this.peer.bufferSize ?? 0;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(frame: Uint8Array): void {
    if (!this.isClosed && (this.peer.destroyed || this.channel?.readyState !== 'open')) {
      // The channel went down before its `close` event reached us: close now, so `closed` agrees with the throw.
      this.close();
    }
    if (this.isClosed) {
      throw new ShoalError('transport-closed', `send to ${this.remotePeerId} after close`, { source: 'p2p' });
    }
    if (frame.byteLength > MAX_MESSAGE_BYTES) {
      throw new ShoalError('codec-oversized', `frame of ${frame.byteLength} bytes > ${MAX_MESSAGE_BYTES}`, {
        source: 'p2p',
      });
    }
    try {
      // RTCDataChannel.send copies synchronously (native and polyfill), so the caller may reuse `frame`.
      this.peer.send(frame);
    } catch (cause) {
      // In practice the remote has just gone: node-datachannel reports `maxMessageSize` 0 (so "Max message
      // size exceeded") for a few ms before the channel's `close` event. Either way the channel is unusable.
      this.close();
      throw new ShoalError('transport-closed', `send to ${this.remotePeerId} failed: ${describe(cause)}`, {
        source: 'p2p',
        cause,
      });
    }
    if (!this.channelHasLowEvent) this.pollDrain();
  }

  destroy(): void {
    this.close();
  }

  private listenToPeer(event: string, listener: Listener): void {
    this.peer.on(event, listener);
    this.detachers.push(() => this.peer.removeListener(event, listener));
  }

  private listenToChannel(channel: DataChannelLike, event: 'bufferedamountlow' | 'close', listener: () => void): void {
    channel.addEventListener?.(event, listener);
    this.detachers.push(() => channel.removeEventListener?.(event, listener));
  }

  private onData(data: unknown): void {
    if (this.isClosed) return;
    const frame = toUint8Array(data);
    if (frame === undefined) {
      this.fail(new ShoalError('transport-error', `non-binary message from ${this.remotePeerId}`, { source: 'p2p' }));
      return;
    }
    this.events.emit('frame', frame);
  }

  private onPeerError(cause: unknown): void {
    const message = `channel to ${this.remotePeerId}: ${describe(cause)}`;
    this.fail(new ShoalError('transport-error', message, { source: 'p2p', cause }));
  }

  private onBufferedAmountLow(): void {
    if (!this.isClosed && this.bufferedAmount <= this.lowWaterMarkBytes) this.events.emit('drain');
  }

  /** Fallback for channels without `bufferedamountlow`: look again every interval while above the mark. */
  private pollDrain(): void {
    if (this.pollTimer !== undefined || this.bufferedAmount <= this.lowWaterMarkBytes) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      if (this.isClosed) return;
      if (this.bufferedAmount <= this.lowWaterMarkBytes) this.events.emit('drain');
      else this.pollDrain();
    }, DRAIN_POLL_INTERVAL_MS);
  }

  private fail(error: ShoalError): void {
    if (this.isClosed) return;
    this.events.emit('error', error);
    this.close();
  }

  /** Detach everything we added, destroy the peer, emit `close` once. */
  private close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const detach of this.detachers.splice(0)) detach();
    if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (!this.peer.destroyed) this.destroyPeer();
    this.events.emit('close');
  }

  /**
   * Destroys the Peer, with an error sink until its own `close` or `PEER_TEARDOWN_GRACE_MS`, whichever
   * comes first (after a remote close simple-peer never emits `close`, but may emit `error`).
   */
  private destroyPeer(): void {
    const peer = this.peer;
    const ignoreError = (): void => {};
    let graceTimer: TimerHandle | undefined;
    const removeSink = (): void => {
      peer.removeListener('error', ignoreError);
      peer.removeListener('close', removeSink);
      if (graceTimer !== undefined) this.clock.clearTimeout(graceTimer);
      graceTimer = undefined;
    };
    peer.on('error', ignoreError);
    peer.on('close', removeSink);
    graceTimer = this.clock.setTimeout(removeSink, PEER_TEARDOWN_GRACE_MS);
    peer.destroy();
  }
}

/** The message as a plain `Uint8Array` view, copying nothing; `undefined` for text. */
function toUint8Array(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) {
    // Node Buffers are Uint8Arrays with different `slice` semantics: hand out a plain view.
    return data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
