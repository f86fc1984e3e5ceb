/**
 * The peer wire protocol's messages, as TypeScript sees them. Encoding lives in `codec.ts`; the byte
 * layout is documented in `packages/core/PROTOCOL.md`. Type-only apart from the constants.
 */

/**
 * Protocol version sent in the handshake. A peer with another version is closed politely
 * (`goodbye(versionMismatch)`). Version 2 added the SHA-256 commitment of complete `have`/`haveSet`
 * entries (issue 16): a changed layout, so version 1 peers are refused, not misread.
 */
export const PROTOCOL_VERSION = 2;

/**
 * Largest frame on the wire. Chromium's and node-datachannel's SCTP limit is 256 KiB; 64 KiB keeps
 * head-of-line blocking short and is where Chromium's data-channel throughput peaks.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Bytes of segment data carried by one `data` message: 64 KiB less 1 KiB of room for the header, so
 * one block is one message.
 */
export const BLOCK_BYTES = 63 * 1024;

/** Longest rendition id (UTF-8 bytes). */
export const MAX_RENDITION_ID_BYTES = 64;

/** The type byte that starts every frame. Receivers skip frames whose type byte they do not know. */
export const MessageType = {
  handshake: 0x00,
  haveSet: 0x01,
  have: 0x02,
  lost: 0x03,
  request: 0x04,
  data: 0x05,
  cancel: 0x06,
  absent: 0x07,
  choke: 0x08,
  unchoke: 0x09,
  interest: 0x0a,
  goodbye: 0x0b,
} as const;
export type MessageTypeName = keyof typeof MessageType;

/** One held segment, as announced. */
export interface HeldSegment {
  segmentId: number;
  sizeBytes: number;
  /** The holder is still downloading it: only some blocks can be served yet (cut-through relay). */
  partial: boolean;
  /**
   * The holder's commitment: SHA-256 of the whole segment, base64 (44 chars), on complete entries only.
   * Absent when the holder could not hash (no WebCrypto). Receivers check assembled segments against it
   * when no integrity manifest applies (`commitments/`).
   */
  sha256Base64?: string;
}

/** Held segments of one rendition. */
export interface RenditionHoldings {
  renditionId: string;
  segments: HeldSegment[];
}

export interface HandshakeMessage {
  type: 'handshake';
  version: number;
  /**
   * 20 bytes as 40 hex chars (decoded in lower case): the swarm's info-hash, so peers of another swarm
   * are refused.
   */
  swarmHashHex: string;
  /** Whether this peer serves requests at all. */
  uploadEnabled: boolean;
  /** Rendition ids this peer is playing now (for neighbour preference). */
  playing: string[];
}

/** The full set of held segments: sent once after the handshake. */
export interface HaveSetMessage {
  type: 'haveSet';
  holdings: RenditionHoldings[];
}

/** Segments newly held (or a partial one that became complete). */
export interface HaveMessage {
  type: 'have';
  holdings: RenditionHoldings[];
}

/** Segments no longer held (evicted, or a partial download that failed). */
export interface LostMessage {
  type: 'lost';
  renditionId: string;
  segmentIds: number[];
}

/** Ask for bytes `[offsetBytes, offsetBytes + lengthBytes)` of a segment; answered by `data` messages or `absent`. */
export interface RequestMessage {
  type: 'request';
  requestId: number;
  renditionId: string;
  segmentId: number;
  offsetBytes: number;
  lengthBytes: number;
}

/** One block of a request: bytes `[offsetBytes, offsetBytes + payload.length)` of the requested segment. */
export interface DataMessage {
  type: 'data';
  requestId: number;
  offsetBytes: number;
  payload: Uint8Array;
}

export interface CancelMessage {
  type: 'cancel';
  requestId: number;
}

export const AbsentReason = {
  notHeld: 0,
  choked: 1,
  uploadDisabled: 2,
  busy: 3,
} as const;
export type AbsentReasonName = keyof typeof AbsentReason;

/** The request cannot be (further) served; the requester goes elsewhere for the bytes not yet received. */
export interface AbsentMessage {
  type: 'absent';
  requestId: number;
  reason: AbsentReasonName;
}

export interface ChokeMessage {
  type: 'choke';
}

export interface UnchokeMessage {
  type: 'unchoke';
}

/** The renditions this peer plays now changed (ABR switch). */
export interface InterestMessage {
  type: 'interest';
  playing: string[];
}

export const GoodbyeReason = {
  normal: 0,
  versionMismatch: 1,
  wrongSwarm: 2,
  tooManyPeers: 3,
  protocolError: 4,
} as const;
export type GoodbyeReasonName = keyof typeof GoodbyeReason;

/** Sent right before closing, so the other side knows why. */
export interface GoodbyeMessage {
  type: 'goodbye';
  reason: GoodbyeReasonName;
}

/** A message of a type this version does not know: skipped, for forward compatibility. */
export interface UnknownMessage {
  type: 'unknown';
  typeByte: number;
}

export type WireMessage =
  | HandshakeMessage
  | HaveSetMessage
  | HaveMessage
  | LostMessage
  | RequestMessage
  | DataMessage
  | CancelMessage
  | AbsentMessage
  | ChokeMessage
  | UnchokeMessage
  | InterestMessage
  | GoodbyeMessage;

export type DecodedMessage = WireMessage | UnknownMessage;
