/**
 * An in-process `Transport` pair for unit tests and the swarm simulator. Each direction is a link with a
 * one-way latency and a serialization rate, both on the injected clock: a frame leaves the sender once
 * the link has serialized it (frames queue behind each other) and arrives `latencyMs` later. Until it
 * leaves, its bytes count in the sender's `bufferedAmount`, so backpressure behaves as on a data channel.
 *
 * Closing is abrupt, like `RTCPeerConnection.close()`: the closing side drops what it had queued or in
 * flight, and the other side learns of it `latencyMs` later (`close`), dropping whatever it sends
 * meanwhile.
 */
import type { Clock, TimerHandle } from '../clock/clock';
import { ShoalError } from '../errors';
import { MAX_MESSAGE_BYTES } from '../wire/messages';
import { DEFAULT_LOW_WATER_MARK_BYTES } from './simple-peer-transport';
import type { Transport } from './transport';
import { TransportEventSource } from './transport-emitter';

/** Float slack when comparing times that went through `now + (due - now)`: far below any timer's resolution. */
const TIME_EPSILON_MS = 1e-6;

export interface MemoryLinkConditions {
  /** One-way delay between a frame leaving the sender and arriving. */
  latencyMs: number;
  /** Serialization rate of one direction. `Infinity`: a frame leaves on the next timer tick. */
  bandwidthBytesPerSec: number;
}

export const DEFAULT_MEMORY_LINK: MemoryLinkConditions = { latencyMs: 0, bandwidthBytesPerSec: Infinity };

/**
 * One viewer's access link in one direction (its uplink, or its downlink), shared by every connection
 * of that viewer: frames pass it first come, first served at `bytesPerSec` (the simulator's capacity
 * model, `sim/network-model.ts`). A frame is booked on it when it is sent (uplink) or when it leaves the
 * sender (downlink); re-timing a queued frame with `setLink` does not move its booking.
 */
export class MemoryAccessLink {
  readonly bytesPerSec: number;
  private freeAtMs = -Infinity;

  constructor(bytesPerSec: number) {
    if (!(bytesPerSec > 0)) {
      throw new ShoalError('config-invalid', `bytesPerSec must be > 0, got ${bytesPerSec}`, { source: 'config' });
    }
    this.bytesPerSec = bytesPerSec;
  }

  /** Books `sizeBytes` starting no earlier than `fromMs`; returns when its last byte is through. */
  book(fromMs: number, sizeBytes: number): number {
    const doneAtMs = Math.max(fromMs, this.freeAtMs) + (sizeBytes / this.bytesPerSec) * 1000;
    this.freeAtMs = doneAtMs;
    return doneAtMs;
  }
}

/** A viewer's shared access links; either may be left out (unlimited). */
export interface MemoryAccess {
  uplink?: MemoryAccessLink;
  downlink?: MemoryAccessLink;
}

export interface MemoryTransportPairOptions extends Partial<MemoryLinkConditions> {
  clock: Clock;
  /** The two ends' own peer ids, `[a, b]`: `a.remotePeerId` is `peerIds[1]`, `b.remotePeerId` is `peerIds[0]`. */
  peerIds: [string, string];
  /** Default `DEFAULT_LOW_WATER_MARK_BYTES`. */
  lowWaterMarkBytes?: number;
  /** The two ends' shared access links, `[a, b]` (simulator): a's frames pass a's uplink, then b's downlink. */
  access?: [MemoryAccess | undefined, MemoryAccess | undefined];
}

/** Which of a transport's two directions `setLink` changes. */
export type MemoryLinkDirection = 'both' | 'outgoing' | 'incoming';

/** Creates two connected in-process transports, `[a, b]`. Both directions start with the same conditions. */
export function createMemoryTransportPair(options: MemoryTransportPairOptions): [MemoryTransport, MemoryTransport] {
  const conditions = validateConditions({
    latencyMs: options.latencyMs ?? DEFAULT_MEMORY_LINK.latencyMs,
    bandwidthBytesPerSec: options.bandwidthBytesPerSec ?? DEFAULT_MEMORY_LINK.bandwidthBytesPerSec,
  });
  const lowWaterMarkBytes = options.lowWaterMarkBytes ?? DEFAULT_LOW_WATER_MARK_BYTES;
  const [aPeerId, bPeerId] = options.peerIds;
  const [aAccess, bAccess] = options.access ?? [undefined, undefined];
  const a = new MemoryTransport({ clock: options.clock, remotePeerId: bPeerId, lowWaterMarkBytes, conditions, access: aAccess });
  const b = new MemoryTransport({ clock: options.clock, remotePeerId: aPeerId, lowWaterMarkBytes, conditions, access: bAccess });
  a.connectTo(b);
  b.connectTo(a);
  return [a, b];
}

interface QueuedFrame {
  readonly bytes: Uint8Array;
  /** When the link has serialized the frame's last byte. */
  leavesAtMs: number;
}

interface FlyingFrame {
  readonly bytes: Uint8Array;
  readonly arrivesAtMs: number;
}

interface MemoryTransportInit {
  clock: Clock;
  remotePeerId: string;
  lowWaterMarkBytes: number;
  conditions: MemoryLinkConditions;
  access: MemoryAccess | undefined;
}

/** One end of a `createMemoryTransportPair`; owns its outgoing link and every timer of that link. */
export class MemoryTransport extends TransportEventSource implements Transport {
  readonly remotePeerId: string;
  readonly lowWaterMarkBytes: number;
  private readonly clock: Clock;
  private readonly access: MemoryAccess | undefined;
  private remote: MemoryTransport | undefined;
  private outgoing: MemoryLinkConditions;
  private isClosed = false;
  private bufferedBytes = 0;
  private aboveLowWater = false;
  private readonly queue: QueuedFrame[] = [];
  private lastLeavesAtMs = -Infinity;
  private readonly flying: FlyingFrame[] = [];
  private lastArrivesAtMs = -Infinity;
  private transmitTimer: TimerHandle | undefined;
  private deliverTimer: TimerHandle | undefined;
  private remoteCloseTimer: TimerHandle | undefined;

  /** @internal Use `createMemoryTransportPair`. */
  constructor(init: MemoryTransportInit) {
    super();
    this.clock = init.clock;
    this.remotePeerId = init.remotePeerId;
    this.lowWaterMarkBytes = init.lowWaterMarkBytes;
    this.outgoing = { ...init.conditions };
    this.access = init.access;
  }

  /** @internal */
  connectTo(remote: MemoryTransport): void {
    this.remote = remote;
  }

  get bufferedAmount(): number {
    return this.bufferedBytes;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Current conditions of this end's outgoing direction. */
  get outgoingLink(): Readonly<MemoryLinkConditions> {
    return this.outgoing;
  }

  send(frame: Uint8Array): void {
    if (this.isClosed) {
      throw new ShoalError('transport-closed', `send to ${this.remotePeerId} after close`, { source: 'p2p' });
    }
    if (frame.byteLength > MAX_MESSAGE_BYTES) {
      throw new ShoalError('codec-oversized', `frame of ${frame.byteLength} bytes > ${MAX_MESSAGE_BYTES}`, {
        source: 'p2p',
      });
    }
    const nowMs = this.clock.now();
    const startMs = Math.max(nowMs, this.lastLeavesAtMs);
    let leavesAtMs = startMs + serializationMs(frame.byteLength, this.outgoing);
    const uplink = this.access?.uplink;
    if (uplink !== undefined) leavesAtMs = Math.max(leavesAtMs, uplink.book(startMs, frame.byteLength));
    this.lastLeavesAtMs = leavesAtMs;
    // A copy: the caller may reuse its buffer, and the receiver must not see a Node Buffer or a shared view.
    this.queue.push({ bytes: new Uint8Array(frame), leavesAtMs });
    this.bufferedBytes += frame.byteLength;
    if (this.bufferedBytes > this.lowWaterMarkBytes) this.aboveLowWater = true;
    if (this.transmitTimer === undefined) this.scheduleTransmit();
  }

  /**
   * Changes link conditions from now on (simulator). Frames already serialized keep their arrival time;
   * frames still queued behind the one on the wire are re-timed at the new bandwidth. Order is kept.
   */
  setLink(conditions: Partial<MemoryLinkConditions>, direction: MemoryLinkDirection = 'both'): void {
    if (direction !== 'incoming') this.setOutgoingLink(conditions);
    if (direction !== 'outgoing') this.remote?.setOutgoingLink(conditions);
  }

  /** Fails the connection as a broken channel would: `error` (code `transport-error`), then `close` on both sides. */
  simulateError(message = 'simulated transport failure'): void {
    if (this.isClosed) return;
    this.events.emit('error', new ShoalError('transport-error', message, { source: 'p2p' }));
    this.destroy();
  }

  destroy(): void {
    if (this.isClosed) return;
    const remote = this.remote;
    if (remote !== undefined && !remote.closed) remote.scheduleRemoteClose(this.outgoing.latencyMs);
    this.closeLocally();
  }

  private setOutgoingLink(conditions: Partial<MemoryLinkConditions>): void {
    this.outgoing = validateConditions({ ...this.outgoing, ...conditions });
    // The head frame is on the wire; the ones behind it have not started and take the new rate.
    for (let index = 1; index < this.queue.length; index += 1) {
      const frame = this.queue[index] as QueuedFrame;
      const previous = this.queue[index - 1] as QueuedFrame;
      frame.leavesAtMs = previous.leavesAtMs + serializationMs(frame.bytes.byteLength, this.outgoing);
    }
    const last = this.queue[this.queue.length - 1];
    if (last !== undefined) this.lastLeavesAtMs = last.leavesAtMs;
  }

  private scheduleRemoteClose(delayMs: number): void {
    if (this.remoteCloseTimer !== undefined) return;
    this.remoteCloseTimer = this.clock.setTimeout(() => {
      this.remoteCloseTimer = undefined;
      this.closeLocally();
    }, delayMs);
  }

  private closeLocally(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const timer of [this.transmitTimer, this.deliverTimer, this.remoteCloseTimer]) {
      if (timer !== undefined) this.clock.clearTimeout(timer);
    }
    this.transmitTimer = undefined;
    this.deliverTimer = undefined;
    this.remoteCloseTimer = undefined;
    this.queue.length = 0;
    this.flying.length = 0;
    this.bufferedBytes = 0;
    this.aboveLowWater = false;
    this.events.emit('close');
  }

  private scheduleTransmit(): void {
    const head = this.queue[0];
    if (head === undefined || this.isClosed) return;
    const delayMs = Math.max(0, head.leavesAtMs - this.clock.now());
    this.transmitTimer = this.clock.setTimeout(() => this.transmit(), delayMs);
  }

  /** Moves every frame whose serialization has finished from the queue onto the wire. */
  private transmit(): void {
    this.transmitTimer = undefined;
    const nowMs = this.clock.now();
    try {
      for (;;) {
        const head = this.queue[0];
        if (head === undefined || head.leavesAtMs > nowMs + TIME_EPSILON_MS) break;
        this.queue.shift();
        this.bufferedBytes -= head.bytes.byteLength;
        const downlink = this.remote?.access?.downlink;
        const landsAtMs = head.leavesAtMs + this.outgoing.latencyMs;
        const throughMs = downlink === undefined ? landsAtMs : downlink.book(landsAtMs, head.bytes.byteLength);
        const arrivesAtMs = Math.max(throughMs, this.lastArrivesAtMs);
        this.lastArrivesAtMs = arrivesAtMs;
        this.flying.push({ bytes: head.bytes, arrivesAtMs });
      }
      if (this.deliverTimer === undefined) this.scheduleDeliver();
      if (this.aboveLowWater && this.bufferedBytes <= this.lowWaterMarkBytes) {
        this.aboveLowWater = false;
        this.events.emit('drain');
      }
    } finally {
      if (this.transmitTimer === undefined) this.scheduleTransmit();
    }
  }

  private scheduleDeliver(): void {
    const head = this.flying[0];
    if (head === undefined || this.isClosed) return;
    const delayMs = Math.max(0, head.arrivesAtMs - this.clock.now());
    this.deliverTimer = this.clock.setTimeout(() => this.deliver(), delayMs);
  }

  /** Hands every frame that has arrived to the remote end, one at a time (a listener may close either end). */
  private deliver(): void {
    this.deliverTimer = undefined;
    const nowMs = this.clock.now();
    try {
      for (;;) {
        const head = this.flying[0];
        if (head === undefined || this.isClosed || head.arrivesAtMs > nowMs + TIME_EPSILON_MS) break;
        this.flying.shift();
        this.remote?.receive(head.bytes);
      }
    } finally {
      if (this.deliverTimer === undefined) this.scheduleDeliver();
    }
  }

  private receive(frame: Uint8Array): void {
    if (!this.isClosed) this.events.emit('frame', frame);
  }
}

function serializationMs(sizeBytes: number, conditions: MemoryLinkConditions): number {
  return conditions.bandwidthBytesPerSec === Infinity ? 0 : (sizeBytes / conditions.bandwidthBytesPerSec) * 1000;
}

function validateConditions(conditions: MemoryLinkConditions): MemoryLinkConditions {
  const { latencyMs, bandwidthBytesPerSec } = conditions;
  if (!(latencyMs >= 0 && Number.isFinite(latencyMs))) {
    throw new ShoalError('config-invalid', `latencyMs must be a finite number >= 0, got ${latencyMs}`, {
      source: 'config',
    });
  }
  if (!(bandwidthBytesPerSec > 0)) {
    throw new ShoalError('config-invalid', `bandwidthBytesPerSec must be > 0, got ${bandwidthBytesPerSec}`, {
      source: 'config',
    });
  }
  return { latencyMs, bandwidthBytesPerSec };
}
