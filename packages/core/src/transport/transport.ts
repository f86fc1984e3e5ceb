/**
 * The connection to one remote peer: a reliable, ordered channel of binary frames. Type-only.
 * Implementations: `SimplePeerTransport` (WebRTC data channel in browsers and, over node-datachannel, in
 * Node) and `MemoryTransport` (in-process, for unit tests and the simulator). All pass
 * `test/transport-contract.ts`: in Node (`test/transport/`) and, for the browser's RTCPeerConnection, in
 * Chromium (`test/browser/transport.spec.ts`).
 */
import type { ShoalError } from '../errors';

export interface TransportEvents {
  /** One whole frame, exactly as the remote side passed it to `send`. */
  frame: (frame: Uint8Array) => void;
  /** `bufferedAmount` fell to or below `lowWaterMarkBytes` after having been above it. */
  drain: () => void;
  /** Emitted once, after which the transport is unusable. Always emitted, also after `error` and `destroy()`. */
  close: () => void;
  /** A failure of the underlying channel; `close` follows. */
  error: (error: ShoalError) => void;
}

export interface TransportEmitter {
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  once<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  off<E extends keyof TransportEvents>(event: E, listener?: TransportEvents[E]): this;
}

export interface Transport extends TransportEmitter {
  /** The remote peer's id (40 hex chars, the tracker peer id). */
  readonly remotePeerId: string;
  /** Bytes queued for sending and not yet handed to the network. Senders pause above a high-water mark. */
  readonly bufferedAmount: number;
  /** `drain` fires when `bufferedAmount` falls to this value. */
  readonly lowWaterMarkBytes: number;
  readonly closed: boolean;
  /**
   * Queue one frame (at most `MAX_MESSAGE_BYTES`). Frames arrive whole, in order. Throws a `ShoalError`
   * with code `transport-closed` after close.
   */
  send(frame: Uint8Array): void;
  /** Close the connection and release every resource; idempotent. Emits `close` once. */
  destroy(): void;
}
