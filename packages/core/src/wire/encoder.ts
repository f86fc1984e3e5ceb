/**
 * Encoding half of the wire codec (import it from `codec.ts`). Throws a `ShoalError` for a message no peer
 * may send: `codec-malformed` for an invalid field value, `codec-oversized` past `MAX_MESSAGE_BYTES`.
 */
import { bytesOfBase64 } from '../integrity/sha256';
import { ByteWriter, renditionIdBytes } from './byte-writer';
import { malformed, oversized } from './codec-errors';
import {
  COMMITMENT_BYTES,
  COMMITTED_FLAG,
  DATA_HEADER_BYTES,
  HANDSHAKE_MAGIC,
  HELD_SEGMENT_BYTES,
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
  type HeldSegment,
  type RenditionHoldings,
  type WireMessage,
} from './messages';

const HEX_40 = /^[0-9a-fA-F]{40}$/;
/**
 * Starting capacity of a frame that is usually small (a request, a one-segment announcement): typed
 * arrays up to 64 bytes live on V8's heap, larger ones cost an ArrayBuffer of their own. A frame that
 * needs more grows.
 */
const SMALL_FRAME_BYTES = 64;

/**
 * Encode one message as one frame. Throws `ShoalError` `codec-malformed` for an invalid field value and
 * `codec-oversized` if the frame would exceed `MAX_MESSAGE_BYTES` (use `encodeHoldings`/`encodeLost` to
 * split long lists). A handshake is encoded with the `version` it carries (0..255).
 */
export function encodeMessage(message: WireMessage): Uint8Array {
  if (typeof message !== 'object' || message === null) throw malformed('message is not an object');
  switch (message.type) {
    case 'handshake': {
      const writer = new ByteWriter(64)
        .u8(MessageType.handshake, 'type')
        .raw(HANDSHAKE_MAGIC)
        .u8(message.version, 'version')
        .raw(swarmHashBytes(message.swarmHashHex))
        .u8(message.uploadEnabled ? UPLOAD_ENABLED_FLAG : 0, 'flags');
      return writePlaying(writer, message.playing).finish();
    }
    case 'haveSet':
    case 'have':
      return encodeHoldingsFrame(message.type, message.holdings);
    case 'lost':
      return encodeLostFrame(
        renditionIdBytes(message.renditionId),
        message.segmentIds,
        0,
        listLength(message.segmentIds),
      );
    case 'request': {
      checkRange(message.offsetBytes, message.lengthBytes, 'request');
      return new ByteWriter(SMALL_FRAME_BYTES)
        .u8(MessageType.request, 'type')
        .u32(message.requestId, 'requestId')
        .shortBytes(renditionIdBytes(message.renditionId), 'renditionId')
        .u64(message.segmentId, 'segmentId')
        .u32(message.offsetBytes, 'offsetBytes')
        .u32(message.lengthBytes, 'lengthBytes')
        .finish();
    }
    case 'data': {
      const { payload } = message;
      if (!(payload instanceof Uint8Array)) throw malformed('data payload is not a Uint8Array');
      if (DATA_HEADER_BYTES + payload.length > MAX_MESSAGE_BYTES) {
        const maxPayloadBytes = MAX_MESSAGE_BYTES - DATA_HEADER_BYTES;
        throw oversized(`data payload of ${payload.length} bytes exceeds ${maxPayloadBytes}`);
      }
      checkRange(message.offsetBytes, payload.length, 'data');
      return new ByteWriter(DATA_HEADER_BYTES + payload.length)
        .u8(MessageType.data, 'type')
        .u32(message.requestId, 'requestId')
        .u32(message.offsetBytes, 'offsetBytes')
        .raw(payload)
        .finish();
    }
    case 'cancel':
      return new ByteWriter(5).u8(MessageType.cancel, 'type').u32(message.requestId, 'requestId').finish();
    case 'absent':
      return new ByteWriter(6)
        .u8(MessageType.absent, 'type')
        .u32(message.requestId, 'requestId')
        .u8(enumValue(AbsentReason, message.reason, 'absent reason'), 'reason')
        .finish();
    case 'choke':
    case 'unchoke':
      return Uint8Array.of(MessageType[message.type]);
    case 'interest':
      return writePlaying(new ByteWriter(64).u8(MessageType.interest, 'type'), message.playing).finish();
    case 'goodbye':
      return Uint8Array.of(MessageType.goodbye, enumValue(GoodbyeReason, message.reason, 'goodbye reason'));
    default:
      throw malformed(`cannot encode message type ${String((message as { type?: unknown }).type)}`);
  }
}

/**
 * Encode held segments as `haveSet` or `have` frames, each at most `MAX_MESSAGE_BYTES`, splitting a
 * rendition across frames where needed. The receiver takes the union of all frames. Renditions without
 * segments are skipped; `haveSet` always yields at least one frame (an empty one means "I hold nothing"),
 * `have` yields none when there is nothing to announce. Throws like `encodeMessage` for invalid fields.
 */
export function encodeHoldings(type: 'haveSet' | 'have', holdings: RenditionHoldings[]): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let frame = new HoldingsFrame(type);
  for (let g = 0; g < listLength(holdings); g++) {
    const group = holdings[g];
    if (typeof group !== 'object' || group === null) throw malformed(`holdings[${g}] is not an object`);
    const { segments } = group;
    const segmentCount = listLength(segments);
    if (segmentCount === 0) continue;
    const idBytes = renditionIdBytes(group.renditionId);
    // renditionId length u8 + id + segment count u16
    const groupHeaderBytes = 1 + idBytes.length + 2;
    let next = 0;
    while (next < segmentCount) {
      let roomBytes = MAX_MESSAGE_BYTES - frame.writer.length - groupHeaderBytes;
      let end = next;
      // Entries are 13 bytes, 45 with a commitment: take as many as fit.
      while (end < segmentCount && end - next < 0xffff) {
        const entryBytes = heldSegmentBytes(segments[end], end);
        if (entryBytes > roomBytes) break;
        roomBytes -= entryBytes;
        end++;
      }
      if (end === next) {
        frames.push(frame.finish());
        frame = new HoldingsFrame(type);
        continue;
      }
      frame.addGroup(idBytes, segments, next, end);
      next = end;
    }
  }
  if (frame.groupCount > 0 || (type === 'haveSet' && frames.length === 0)) frames.push(frame.finish());
  return frames;
}

/**
 * Encode segments no longer held as `lost` frames, each at most `MAX_MESSAGE_BYTES` (about 8,000 ids a
 * frame). Yields no frame for an empty list.
 */
export function encodeLost(renditionId: string, segmentIds: number[]): Uint8Array[] {
  const idBytes = renditionIdBytes(renditionId);
  // type u8 + renditionId (u8 length + id) + count u16, then one u64 per id
  const headerBytes = 1 + 1 + idBytes.length + 2;
  const perFrame = Math.min(Math.floor((MAX_MESSAGE_BYTES - headerBytes) / 8), 0xffff);
  const frames: Uint8Array[] = [];
  const total = listLength(segmentIds);
  for (let from = 0; from < total; from += perFrame) {
    frames.push(encodeLostFrame(idBytes, segmentIds, from, Math.min(from + perFrame, total)));
  }
  return frames;
}

/** A `haveSet`/`have` frame being filled; the group count is patched in when it is finished. */
class HoldingsFrame {
  readonly writer: ByteWriter;
  groupCount = 0;

  constructor(type: 'haveSet' | 'have') {
    this.writer = new ByteWriter(SMALL_FRAME_BYTES).u8(MessageType[type], 'type').u16(0, 'group count');
  }

  addGroup(idBytes: Uint8Array, segments: HeldSegment[], from: number, to: number): void {
    if (to - from > 0xffff) throw oversized(`${to - from} segments in one rendition cannot fit one frame`);
    if (this.groupCount === 0xffff) throw oversized('more than 65535 renditions cannot fit one frame');
    this.writer.shortBytes(idBytes, 'renditionId').u16(to - from, 'segment count');
    for (let i = from; i < to; i++) {
      const segment = segments[i];
      if (typeof segment !== 'object' || segment === null) throw malformed(`segment ${i} is not an object`);
      const commitment = commitmentBytes(segment);
      this.writer
        .u64(segment.segmentId, 'segmentId')
        .u32(segment.sizeBytes, 'sizeBytes')
        .u8((segment.partial ? PARTIAL_FLAG : 0) | (commitment ? COMMITTED_FLAG : 0), 'flags');
      if (commitment) this.writer.raw(commitment);
    }
    this.groupCount++;
  }

  finish(): Uint8Array {
    return this.writer.patchU16(1, this.groupCount, 'group count').finish();
  }
}

/** Encoded length of one held segment, or `codec-malformed` for an invalid entry. */
function heldSegmentBytes(segment: HeldSegment | undefined, index: number): number {
  if (typeof segment !== 'object' || segment === null) throw malformed(`segment ${index} is not an object`);
  return HELD_SEGMENT_BYTES + (commitmentBytes(segment) ? COMMITMENT_BYTES : 0);
}

/**
 * The 32 raw bytes of a held segment's commitment, undefined without one. A commitment must be a SHA-256
 * digest in base64, and only on a complete entry (a partial holder cannot know the hash yet).
 */
function commitmentBytes(segment: HeldSegment): Uint8Array | undefined {
  if (segment.sha256Base64 === undefined) return undefined;
  if (segment.partial) throw malformed(`segment ${segment.segmentId}: a partial entry carries no commitment`);
  const bytes = bytesOfBase64(segment.sha256Base64);
  if (!bytes || bytes.length !== COMMITMENT_BYTES) throw malformed(`segment ${segment.segmentId}: sha256Base64 is not a base64 SHA-256 digest`);
  return bytes;
}

function encodeHoldingsFrame(type: 'haveSet' | 'have', holdings: RenditionHoldings[]): Uint8Array {
  const frame = new HoldingsFrame(type);
  for (let i = 0; i < listLength(holdings); i++) {
    const group = holdings[i];
    if (typeof group !== 'object' || group === null) throw malformed(`holdings[${i}] is not an object`);
    frame.addGroup(renditionIdBytes(group.renditionId), group.segments, 0, listLength(group.segments));
  }
  return frame.finish();
}

function encodeLostFrame(idBytes: Uint8Array, segmentIds: number[], from: number, to: number): Uint8Array {
  if (to - from > 0xffff) throw oversized(`${to - from} lost segment ids cannot fit one frame`);
  const writer = new ByteWriter(4 + idBytes.length + 8 * (to - from))
    .u8(MessageType.lost, 'type')
    .shortBytes(idBytes, 'renditionId')
    .u16(to - from, 'segment count');
  for (let i = from; i < to; i++) writer.u64(segmentIds[i] as number, 'segmentId');
  return writer.finish();
}

function writePlaying(writer: ByteWriter, playing: string[]): ByteWriter {
  const count = listLength(playing);
  writer.u8(count, 'playing count');
  for (let i = 0; i < count; i++) {
    writer.shortBytes(renditionIdBytes(playing[i] as string, 'playing id'), 'playing id');
  }
  return writer;
}

/** Length of an array field, or `codec-malformed` if it is not one (callers may be untyped JS). */
function listLength(list: unknown): number {
  if (!Array.isArray(list)) throw malformed('expected an array');
  return list.length;
}

function enumValue<Name extends string>(
  table: Readonly<Record<Name, number>>,
  name: Name,
  what: string,
): number {
  if (typeof name !== 'string' || !Object.hasOwn(table, name)) {
    throw malformed(`unknown ${what} ${String(name)}`);
  }
  return table[name];
}

function swarmHashBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !HEX_40.test(hex)) throw malformed('swarmHashHex must be 40 hex chars');
  const bytes = new Uint8Array(SWARM_HASH_BYTES);
  for (let i = 0; i < SWARM_HASH_BYTES; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

