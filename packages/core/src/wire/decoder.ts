/**
 * Decoding half of the wire codec (import it from `codec.ts`). Never throws: frames come from untrusted
 * peers, so every failure is returned as a `DecodeFailure`.
 */
import { ShoalError, isShoalError } from '../errors';
import { ByteReader } from './byte-reader';
import { badVersion, malformed, oversized, truncated } from './codec-errors';
import { base64Of } from '../integrity/sha256';
import {
  COMMITMENT_BYTES,
  COMMITTED_FLAG,
  HANDSHAKE_MAGIC,
  PARTIAL_FLAG,
  SWARM_HASH_BYTES,
  UPLOAD_ENABLED_FLAG,
  checkRange,
} from './layout';
import {
  AbsentReason,
  GoodbyeReason,
  MAX_MESSAGE_BYTES,
  MessageType,
  PROTOCOL_VERSION,
  type DecodedMessage,
  type HeldSegment,
  type RenditionHoldings,
} from './messages';

export interface DecodeSuccess {
  ok: true;
  message: DecodedMessage;
}

export interface DecodeFailure {
  ok: false;
  /** `code`: `codec-truncated`, `codec-oversized`, `codec-malformed` or `codec-bad-version`; `source`: `p2p`. */
  error: ShoalError;
  /**
   * Set only with `codec-bad-version`: the protocol version the peer's handshake announced. Answer with
   * `goodbye(versionMismatch)` (its layout is the same in every version) and close.
   */
  peerVersion?: number;
}

export type DecodeResult = DecodeSuccess | DecodeFailure;

const ABSENT_REASON_BY_VALUE = namesByValue(AbsentReason);
const GOODBYE_REASON_BY_VALUE = namesByValue(GoodbyeReason);

/**
 * Decode one received frame. Never throws. A type byte this version does not know decodes to
 * `{ type: 'unknown', typeByte }` (skip it). A `data` message's `payload` is a view into `frame`, not a
 * copy. A handshake's `swarmHashHex` is lower case.
 */
export function decodeMessage(frame: Uint8Array): DecodeResult {
  try {
    if (!(frame instanceof Uint8Array)) return failure(malformed('frame is not a Uint8Array'));
    if (frame.length === 0) return failure(truncated('empty frame'));
    if (frame.length > MAX_MESSAGE_BYTES) {
      return failure(oversized(`frame of ${frame.length} bytes exceeds ${MAX_MESSAGE_BYTES}`));
    }
    return decodeFrame(new ByteReader(frame));
  } catch (error) {
    if (isShoalError(error)) return failure(error);
    return failure(new ShoalError('codec-malformed', 'undecodable frame', { source: 'p2p', cause: error }));
  }
}

function decodeFrame(reader: ByteReader): DecodeResult {
  const typeByte = reader.u8('type');
  switch (typeByte) {
    case MessageType.handshake:
      return decodeHandshake(reader);
    case MessageType.haveSet:
      return complete(reader, { type: 'haveSet', holdings: readHoldings(reader) });
    case MessageType.have:
      return complete(reader, { type: 'have', holdings: readHoldings(reader) });
    case MessageType.lost: {
      const renditionId = reader.renditionId();
      const count = reader.u16('segment count');
      const segmentIds: number[] = [];
      for (let i = 0; i < count; i++) segmentIds.push(reader.u64('segmentId'));
      return complete(reader, { type: 'lost', renditionId, segmentIds });
    }
    case MessageType.request: {
      const requestId = reader.u32('requestId');
      const renditionId = reader.renditionId();
      const segmentId = reader.u64('segmentId');
      const offsetBytes = reader.u32('offsetBytes');
      const lengthBytes = reader.u32('lengthBytes');
      checkRange(offsetBytes, lengthBytes, 'request');
      const request = { type: 'request', requestId, renditionId, segmentId, offsetBytes, lengthBytes } as const;
      return complete(reader, request);
    }
    case MessageType.data: {
      const requestId = reader.u32('requestId');
      const offsetBytes = reader.u32('offsetBytes');
      if (reader.remainingBytes === 0) throw truncated('data frame without payload');
      const payload = reader.rest();
      checkRange(offsetBytes, payload.length, 'data');
      return success({ type: 'data', requestId, offsetBytes, payload });
    }
    case MessageType.cancel:
      return complete(reader, { type: 'cancel', requestId: reader.u32('requestId') });
    case MessageType.absent: {
      const requestId = reader.u32('requestId');
      const reason = enumName(ABSENT_REASON_BY_VALUE, reader.u8('reason'), 'absent reason');
      return complete(reader, { type: 'absent', requestId, reason });
    }
    case MessageType.choke:
      return complete(reader, { type: 'choke' });
    case MessageType.unchoke:
      return complete(reader, { type: 'unchoke' });
    case MessageType.interest:
      return complete(reader, { type: 'interest', playing: readPlaying(reader) });
    case MessageType.goodbye:
      return complete(reader, {
        type: 'goodbye',
        reason: enumName(GOODBYE_REASON_BY_VALUE, reader.u8('reason'), 'goodbye reason'),
      });
    default:
      return success({ type: 'unknown', typeByte });
  }
}

/**
 * Type byte, magic and version are the same in every protocol version; a mismatched version is reported
 * before reading anything else, since another version may lay out the rest differently.
 */
function decodeHandshake(reader: ByteReader): DecodeResult {
  const magic = reader.bytesView(HANDSHAKE_MAGIC.length, 'magic');
  if (!magic.every((byte, i) => byte === HANDSHAKE_MAGIC[i])) {
    throw malformed('handshake without the "SHOL" magic: not a Shoal peer');
  }
  const version = reader.u8('version');
  if (version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: badVersion(`peer speaks protocol version ${version}, this client ${PROTOCOL_VERSION}`),
      peerVersion: version,
    };
  }
  const swarmHashHex = bytesToHex(reader.bytesView(SWARM_HASH_BYTES, 'swarmHash'));
  const uploadEnabled = (reader.u8('flags') & UPLOAD_ENABLED_FLAG) !== 0;
  const playing = readPlaying(reader);
  return complete(reader, { type: 'handshake', version, swarmHashHex, uploadEnabled, playing });
}

function readHoldings(reader: ByteReader): RenditionHoldings[] {
  const groupCount = reader.u16('group count');
  const holdings: RenditionHoldings[] = [];
  for (let g = 0; g < groupCount; g++) {
    const renditionId = reader.renditionId();
    const segmentCount = reader.u16('segment count');
    const segments: HeldSegment[] = [];
    for (let i = 0; i < segmentCount; i++) {
      const segmentId = reader.u64('segmentId');
      const sizeBytes = reader.u32('sizeBytes');
      const flags = reader.u8('flags');
      const partial = (flags & PARTIAL_FLAG) !== 0;
      if ((flags & COMMITTED_FLAG) === 0) {
        segments.push({ segmentId, sizeBytes, partial });
        continue;
      }
      if (partial) throw malformed(`segment ${segmentId}: a partial entry carries no commitment`);
      const sha256Base64 = base64Of(reader.bytesView(COMMITMENT_BYTES, 'commitment'));
      segments.push({ segmentId, sizeBytes, partial, sha256Base64 });
    }
    holdings.push({ renditionId, segments });
  }
  return holdings;
}

function readPlaying(reader: ByteReader): string[] {
  const count = reader.u8('playing count');
  const playing: string[] = [];
  for (let i = 0; i < count; i++) playing.push(reader.renditionId('playing id'));
  return playing;
}

/** A decoded message that must have consumed the whole frame. */
function complete(reader: ByteReader, message: DecodedMessage): DecodeResult {
  reader.end(message.type);
  return success(message);
}

function success(message: DecodedMessage): DecodeSuccess {
  return { ok: true, message };
}

function failure(error: ShoalError): DecodeFailure {
  return { ok: false, error };
}

function namesByValue<Name extends string>(table: Readonly<Record<Name, number>>): ReadonlyMap<number, Name> {
  return new Map(Object.entries<number>(table).map(([name, value]) => [value, name as Name]));
}

function enumName<Name extends string>(
  byValue: ReadonlyMap<number, Name>,
  value: number,
  what: string,
): Name {
  const name = byValue.get(value);
  if (name === undefined) throw malformed(`unknown ${what} ${value}`);
  return name;
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
