import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError, type ShoalErrorCode } from '../../src/errors';
import {
  DATA_HEADER_BYTES,
  decodeMessage,
  encodeHoldings,
  encodeLost,
  encodeMessage,
  type DecodeFailure,
} from '../../src/wire/codec';
import {
  AbsentReason,
  BLOCK_BYTES,
  GoodbyeReason,
  MAX_MESSAGE_BYTES,
  MAX_RENDITION_ID_BYTES,
  MessageType,
  PROTOCOL_VERSION,
  type AbsentReasonName,
  type DecodedMessage,
  type GoodbyeReasonName,
  type RenditionHoldings,
  type WireMessage,
} from '../../src/wire/messages';
import { mulberry32 } from '../../sim/prng';

const SWARM_HASH = '0123456789abcdef0123456789abcdef01234567';
/** A SHA-256 commitment in base64 (bytes 0..31). */
const COMMITMENT = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');
/** 64 UTF-8 bytes: 4-byte emoji x 16. */
const LONGEST_ID = '🎵'.repeat(MAX_RENDITION_ID_BYTES / 4);

function pattern(lengthBytes: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

/** One sample of every message type, with edge values (max ids, longest strings, largest block). */
const SAMPLES: WireMessage[] = [
  { type: 'handshake', version: PROTOCOL_VERSION, swarmHashHex: SWARM_HASH, uploadEnabled: true, playing: ['v1', 'a'] },
  { type: 'handshake', version: PROTOCOL_VERSION, swarmHashHex: SWARM_HASH, uploadEnabled: false, playing: [] },
  {
    type: 'haveSet',
    holdings: [
      {
        renditionId: 'v720',
        segments: [
          { segmentId: 0, sizeBytes: 0, partial: false },
          { segmentId: 2 ** 32, sizeBytes: 2 ** 32 - 1, partial: true },
          { segmentId: 5, sizeBytes: 1_000, partial: false, sha256Base64: COMMITMENT },
        ],
      },
      {
        renditionId: LONGEST_ID,
        segments: [{ segmentId: Number.MAX_SAFE_INTEGER, sizeBytes: 123_456, partial: false }],
      },
      { renditionId: 'empty', segments: [] },
    ],
  },
  { type: 'haveSet', holdings: [] },
  {
    type: 'have',
    holdings: [{ renditionId: 'Audio – español', segments: [{ segmentId: 2 ** 32 - 1, sizeBytes: 1, partial: true }] }],
  },
  {
    type: 'have',
    holdings: [{ renditionId: 'v', segments: [{ segmentId: 9, sizeBytes: 2 ** 32 - 1, partial: false, sha256Base64: '/'.repeat(42) + '8=' }] }],
  },
  { type: 'lost', renditionId: 'v720', segmentIds: [0, 1, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER] },
  { type: 'lost', renditionId: 'v720', segmentIds: [] },
  {
    type: 'request',
    requestId: 2 ** 32 - 1,
    renditionId: 'v1080',
    segmentId: 1_700_000_000_000,
    offsetBytes: BLOCK_BYTES,
    lengthBytes: 4 * BLOCK_BYTES,
  },
  { type: 'data', requestId: 0, offsetBytes: 2 * BLOCK_BYTES, payload: pattern(BLOCK_BYTES) },
  { type: 'data', requestId: 42, offsetBytes: 0, payload: pattern(1) },
  { type: 'cancel', requestId: 7 },
  ...(Object.keys(AbsentReason) as AbsentReasonName[]).map((reason) => ({
    type: 'absent' as const,
    requestId: 9,
    reason,
  })),
  { type: 'choke' },
  { type: 'unchoke' },
  { type: 'interest', playing: ['v480', LONGEST_ID] },
  { type: 'interest', playing: [] },
  ...(Object.keys(GoodbyeReason) as GoodbyeReasonName[]).map((reason) => ({ type: 'goodbye' as const, reason })),
];

function decodeOk(frame: Uint8Array): DecodedMessage {
  const result = decodeMessage(frame);
  if (!result.ok) assert.fail(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.message;
}

function decodeFail(frame: Uint8Array, code: ShoalErrorCode): DecodeFailure {
  const result = decodeMessage(frame);
  assert.equal(result.ok, false, `expected ${code}, decoded ${JSON.stringify(result.ok && result.message.type)}`);
  assert.ok(!result.ok);
  assert.ok(result.error instanceof ShoalError);
  assert.equal(result.error.code, code, result.error.message);
  assert.equal(result.error.source, 'p2p');
  return result;
}

function encodeThrows(message: unknown, code: ShoalErrorCode): void {
  assert.throws(
    () => encodeMessage(message as WireMessage),
    (error: unknown) => error instanceof ShoalError && error.code === code,
  );
}

function frameOf(...bytes: number[]): Uint8Array {
  return Uint8Array.from(bytes);
}

/** segmentId -> "rendition/segment/size/partial" strings, for comparing holdings as sets. */
function holdingKeys(holdings: RenditionHoldings[]): string[] {
  return holdings
    .flatMap((h) => h.segments.map((s) => `${h.renditionId}/${s.segmentId}/${s.sizeBytes}/${s.partial}/${s.sha256Base64 ?? '-'}`))
    .sort();
}

describe('round trip', () => {
  for (const message of SAMPLES) {
    test(`${message.type} ${JSON.stringify(message).slice(0, 60)}`, () => {
      const frame = encodeMessage(message);
      assert.ok(frame.length <= MAX_MESSAGE_BYTES);
      assert.equal(frame[0], MessageType[message.type]);
      assert.deepEqual(decodeOk(frame), message);
    });
  }

  test('data payload is a view into the frame, not a copy', () => {
    const frame = encodeMessage({ type: 'data', requestId: 1, offsetBytes: 0, payload: pattern(100) });
    const message = decodeOk(frame);
    assert.ok(message.type === 'data');
    assert.equal(message.payload.buffer, frame.buffer);
    assert.equal(message.payload.byteOffset, frame.byteOffset + DATA_HEADER_BYTES);
  });

  test('decodes a frame that is a view at a non-zero offset of a larger buffer', () => {
    const frame = encodeMessage({
      type: 'request',
      requestId: 5,
      renditionId: 'v',
      segmentId: 2 ** 40,
      offsetBytes: 0,
      lengthBytes: 10,
    });
    const backing = new Uint8Array(frame.length + 13);
    backing.set(frame, 7);
    assert.deepEqual(decodeOk(backing.subarray(7, 7 + frame.length)), decodeOk(frame));
    assert.deepEqual(decodeOk(Buffer.from(frame)), decodeOk(frame));
  });

  test('swarm hash is accepted in upper case and decoded in lower case', () => {
    const swarmHashHex = SWARM_HASH.toUpperCase();
    const frame = encodeMessage({ type: 'handshake', version: PROTOCOL_VERSION, swarmHashHex, uploadEnabled: true, playing: [] });
    const message = decodeOk(frame);
    assert.ok(message.type === 'handshake');
    assert.equal(message.swarmHashHex, SWARM_HASH);
  });
});

describe('byte layout (as in PROTOCOL.md)', () => {
  test('handshake: 0x00, "SHOL", version, 20-byte hash, flags, playing list', () => {
    const frame = encodeMessage({
      type: 'handshake',
      version: PROTOCOL_VERSION,
      swarmHashHex: SWARM_HASH,
      uploadEnabled: true,
      playing: ['ab'],
    });
    assert.deepEqual([...frame.subarray(0, 6)], [0x00, 0x53, 0x48, 0x4f, 0x4c, PROTOCOL_VERSION]);
    assert.deepEqual([...frame.subarray(6, 8)], [0x01, 0x23]);
    assert.deepEqual([...frame.subarray(26)], [0x01, 1, 2, 0x61, 0x62]);
  });

  test('request, cancel, absent, goodbye, data header', () => {
    const request = encodeMessage({
      type: 'request',
      requestId: 0x01020304,
      renditionId: 'v',
      segmentId: 2 ** 32 + 2,
      offsetBytes: 0x10,
      lengthBytes: 0x20,
    });
    assert.deepEqual(
      [...request],
      [0x04, 1, 2, 3, 4, 1, 0x76, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0x10, 0, 0, 0, 0x20],
    );
    assert.deepEqual([...encodeMessage({ type: 'cancel', requestId: 258 })], [0x06, 0, 0, 1, 2]);
    assert.deepEqual([...encodeMessage({ type: 'absent', requestId: 1, reason: 'busy' })], [0x07, 0, 0, 0, 1, 3]);
    assert.deepEqual([...encodeMessage({ type: 'goodbye', reason: 'versionMismatch' })], [0x0b, 1]);
    const data = encodeMessage({ type: 'data', requestId: 2, offsetBytes: 0x0100, payload: frameOf(9, 8) });
    assert.deepEqual([...data], [0x05, 0, 0, 0, 2, 0, 0, 1, 0, 9, 8]);
  });

  test('haveSet: group count u16, then id, segment count u16, 13 bytes a segment', () => {
    const segments = [{ segmentId: 3, sizeBytes: 0x0500, partial: true }];
    const frame = encodeMessage({ type: 'haveSet', holdings: [{ renditionId: 'a', segments }] });
    assert.deepEqual([...frame], [0x01, 0, 1, 1, 0x61, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 5, 0, 1]);
  });

  test('a complete entry with a commitment: flags bit 1, then the 32 digest bytes (45 bytes a segment)', () => {
    const segments = [{ segmentId: 3, sizeBytes: 0x0500, partial: false, sha256Base64: COMMITMENT }];
    const frame = encodeMessage({ type: 'have', holdings: [{ renditionId: 'a', segments }] });
    const digest = Array.from({ length: 32 }, (_, i) => i);
    assert.deepEqual([...frame], [0x02, 0, 1, 1, 0x61, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 5, 0, 0b10, ...digest]);
    assert.deepEqual(decodeOk(frame), { type: 'have', holdings: [{ renditionId: 'a', segments }] });
  });

  test('protocol version 2: the commitment changed the holdings layout', () => {
    assert.equal(PROTOCOL_VERSION, 2);
  });

  test('a full block plus header fits one message', () => {
    assert.ok(DATA_HEADER_BYTES + BLOCK_BYTES <= MAX_MESSAGE_BYTES);
    const payload = pattern(MAX_MESSAGE_BYTES - DATA_HEADER_BYTES);
    assert.equal(encodeMessage({ type: 'data', requestId: 1, offsetBytes: 0, payload }).length, MAX_MESSAGE_BYTES);
  });
});

describe('encodeHoldings / encodeLost', () => {
  test('10,000 segments split into frames of at most 64 KiB whose union is the input', () => {
    const holdings: RenditionHoldings[] = ['v1080', 'v720', LONGEST_ID].map((renditionId, r) => ({
      renditionId,
      segments: Array.from({ length: r === 0 ? 6_000 : 2_000 }, (_, i) => ({
        segmentId: 1_700_000_000_000 + i * 4_000,
        sizeBytes: 500_000 + i,
        partial: i % 97 === 0,
        ...(i % 97 !== 0 && i % 3 === 0 ? { sha256Base64: COMMITMENT } : {}),
      })),
    }));
    for (const type of ['haveSet', 'have'] as const) {
      const frames = encodeHoldings(type, holdings);
      assert.ok(frames.length >= 2, `${frames.length} frames`);
      const committed = holdings.flatMap((h) => h.segments).filter((segment) => segment.sha256Base64).length;
      const totalBytes = 10_000 * 13 + committed * 32;
      assert.ok(frames.length <= Math.ceil(totalBytes / (MAX_MESSAGE_BYTES - 200)), 'frames are well filled');
      const decoded: RenditionHoldings[] = [];
      for (const frame of frames) {
        assert.ok(frame.length <= MAX_MESSAGE_BYTES, `frame of ${frame.length} bytes`);
        const message = decodeOk(frame);
        assert.ok(message.type === type);
        decoded.push(...message.holdings);
      }
      assert.deepEqual(holdingKeys(decoded), holdingKeys(holdings));
    }
  });

  test('a single frame when it fits, equal to encodeMessage', () => {
    const holdings = (SAMPLES[2] as { holdings: RenditionHoldings[] }).holdings.slice(0, 2);
    const frames = encodeHoldings('have', holdings);
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0], encodeMessage({ type: 'have', holdings }));
  });

  test('empty holdings: one empty haveSet, no have', () => {
    const frames = encodeHoldings('haveSet', [{ renditionId: 'v', segments: [] }]);
    assert.equal(frames.length, 1);
    assert.deepEqual(decodeOk(frames[0]!), { type: 'haveSet', holdings: [] });
    assert.deepEqual(encodeHoldings('have', []), []);
  });

  test('encodeMessage refuses holdings past 64 KiB', () => {
    const segments = Array.from({ length: 6_000 }, (_, i) => ({ segmentId: i, sizeBytes: 1, partial: false }));
    encodeThrows({ type: 'haveSet', holdings: [{ renditionId: 'v', segments }] }, 'codec-oversized');
  });

  test('encodeLost splits 20,000 ids', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i * 3);
    const frames = encodeLost('v720', ids);
    assert.equal(frames.length, 3);
    const decoded = frames.flatMap((frame) => {
      assert.ok(frame.length <= MAX_MESSAGE_BYTES);
      const message = decodeOk(frame);
      assert.ok(message.type === 'lost' && message.renditionId === 'v720');
      return message.segmentIds;
    });
    assert.deepEqual(decoded, ids);
    assert.deepEqual(encodeLost('v720', []), []);
    encodeThrows({ type: 'lost', renditionId: 'v', segmentIds: ids }, 'codec-oversized');
  });

  test('invalid segment fields throw codec-malformed', () => {
    const invalid = [
      { segmentId: -1, sizeBytes: 1 },
      { segmentId: 1.5, sizeBytes: 1 },
      { segmentId: 1, sizeBytes: 2 ** 32 },
      { segmentId: 1, sizeBytes: 1, sha256Base64: 'not base64!' },
      { segmentId: 1, sizeBytes: 1, sha256Base64: Buffer.alloc(20).toString('base64') },
      { segmentId: 1, sizeBytes: 1, sha256Base64: COMMITMENT.slice(0, -2) + 'B=' },
    ];
    for (const segment of invalid) {
      assert.throws(
        () => encodeHoldings('have', [{ renditionId: 'v', segments: [{ ...segment, partial: false }] }]),
        (error: unknown) => error instanceof ShoalError && error.code === 'codec-malformed',
      );
    }
    // A partial holder cannot know the hash yet: a commitment on a partial entry is refused.
    assert.throws(
      () => encodeHoldings('have', [{ renditionId: 'v', segments: [{ segmentId: 1, sizeBytes: 1, partial: true, sha256Base64: COMMITMENT }] }]),
      (error: unknown) => error instanceof ShoalError && error.code === 'codec-malformed',
    );
  });
});

describe('encodeMessage rejects invalid fields', () => {
  const request = { type: 'request', requestId: 1, renditionId: 'v', segmentId: 1, offsetBytes: 0, lengthBytes: 1 };
  const handshake = { type: 'handshake', version: 1, swarmHashHex: SWARM_HASH, uploadEnabled: true, playing: [] };
  const data = { type: 'data', requestId: 1, offsetBytes: 0 };
  const cases: Array<[string, unknown, ShoalErrorCode]> = [
    ['negative requestId', { ...request, requestId: -1 }, 'codec-malformed'],
    ['requestId past u32', { ...request, requestId: 2 ** 32 }, 'codec-malformed'],
    ['fractional segmentId', { ...request, segmentId: 1.5 }, 'codec-malformed'],
    ['segmentId past 2^53-1', { ...request, segmentId: 2 ** 53 }, 'codec-malformed'],
    ['NaN offset', { ...request, offsetBytes: Number.NaN }, 'codec-malformed'],
    ['zero-length request', { ...request, lengthBytes: 0 }, 'codec-malformed'],
    ['request past 2^32', { ...request, offsetBytes: 2 ** 32 - 1, lengthBytes: 2 }, 'codec-malformed'],
    ['empty renditionId', { ...request, renditionId: '' }, 'codec-malformed'],
    ['renditionId of 65 bytes', { ...request, renditionId: 'x'.repeat(65) }, 'codec-malformed'],
    ['renditionId with lone surrogate', { ...request, renditionId: 'a\uD800' }, 'codec-malformed'],
    ['short swarm hash', { ...handshake, swarmHashHex: 'abcd' }, 'codec-malformed'],
    ['non-hex swarm hash', { ...handshake, swarmHashHex: 'z'.repeat(40) }, 'codec-malformed'],
    ['version past u8', { ...handshake, version: 256 }, 'codec-malformed'],
    ['256 playing ids', { ...handshake, playing: Array.from({ length: 256 }, (_, i) => `r${i}`) }, 'codec-malformed'],
    ['unknown absent reason', { type: 'absent', requestId: 1, reason: 'sleepy' }, 'codec-malformed'],
    ['unknown goodbye reason', { type: 'goodbye', reason: 'toString' }, 'codec-malformed'],
    ['empty data payload', { ...data, payload: new Uint8Array(0) }, 'codec-malformed'],
    ['data past 64 KiB', { ...data, payload: new Uint8Array(MAX_MESSAGE_BYTES) }, 'codec-oversized'],
    ['unknown type', { type: 'unknown', typeByte: 0x0c }, 'codec-malformed'],
    ['not an object', null, 'codec-malformed'],
  ];
  for (const [name, message, code] of cases) test(name, () => encodeThrows(message, code));
});

describe('decodeMessage rejects bad frames without throwing', () => {
  test('empty frame', () => void decodeFail(new Uint8Array(0), 'codec-truncated'));

  test('every proper prefix of every message type is truncated', () => {
    for (const message of SAMPLES) {
      const frame = encodeMessage(message);
      // A data payload has no length field: a shorter payload is just a shorter block.
      const end = message.type === 'data' ? DATA_HEADER_BYTES + 1 : frame.length;
      for (let length = 0; length < end; length++) decodeFail(frame.subarray(0, length), 'codec-truncated');
    }
  });

  test('trailing bytes after any message but data', () => {
    for (const message of SAMPLES.filter((m) => m.type !== 'data')) {
      const frame = encodeMessage(message);
      decodeFail(Uint8Array.from([...frame, 0]), 'codec-malformed');
    }
  });

  test('unknown type bytes decode as unknown, whatever follows', () => {
    for (const typeByte of [0x0c, 0x42, 0xff]) {
      assert.deepEqual(decodeOk(frameOf(typeByte)), { type: 'unknown', typeByte });
      assert.deepEqual(decodeOk(Uint8Array.from([typeByte, ...pattern(1000)])), { type: 'unknown', typeByte });
    }
  });

  test('oversized frames, known or unknown type', () => {
    for (const typeByte of [MessageType.data, MessageType.haveSet, 0x42]) {
      const frame = new Uint8Array(MAX_MESSAGE_BYTES + 1);
      frame[0] = typeByte;
      decodeFail(frame, 'codec-oversized');
    }
  });

  const handshake = encodeMessage(SAMPLES[0]!);
  test('handshake with a wrong magic', () => {
    for (const i of [1, 2, 3, 4]) {
      const frame = handshake.slice();
      frame[i] = frame[i]! ^ 0x20;
      decodeFail(frame, 'codec-malformed');
    }
  });

  test('handshake of another version reports the peer version, whatever follows the version byte', () => {
    for (const version of [0, 1, 3, 255]) {
      const frame = handshake.slice();
      frame[5] = version;
      assert.equal(decodeFail(frame, 'codec-bad-version').peerVersion, version);
      assert.equal(decodeFail(frame.subarray(0, 6), 'codec-bad-version').peerVersion, version);
      const future = Uint8Array.from([...frame.subarray(0, 6), ...pattern(3000)]);
      assert.equal(decodeFail(future, 'codec-bad-version').peerVersion, version);
    }
    assert.equal(decodeFail(frameOf(0), 'codec-truncated').peerVersion, undefined);
  });

  /** request: type, requestId 1, renditionId "a", segmentId 0; offset and length follow. */
  const requestHead = [0x04, 0, 0, 0, 1, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0];
  const cases: Array<[string, number[], ShoalErrorCode]> = [
    ['unknown absent reason', [0x07, 0, 0, 0, 1, 4], 'codec-malformed'],
    ['unknown goodbye reason', [0x0b, 5], 'codec-malformed'],
    ['goodbye without reason', [0x0b], 'codec-truncated'],
    ['choke with a payload', [0x08, 0], 'codec-malformed'],
    ['string length past end of frame', [0x04, 0, 0, 0, 1, 50, 0x61, 0x62], 'codec-truncated'],
    ['empty rendition id', [0x03, 0, 0, 0], 'codec-malformed'],
    ['rendition id of 65 bytes', [0x03, 65, ...new Array<number>(65).fill(0x61), 0, 0], 'codec-malformed'],
    ['rendition id not UTF-8', [0x03, 2, 0xc3, 0x28, 0, 0], 'codec-malformed'],
    ['segment id past 2^53-1', [0x03, 1, 0x61, 0, 1, 0, 0x20, 0, 0, 0, 0, 0, 0], 'codec-malformed'],
    ['zero-length request', [...requestHead, 0, 0, 0, 0, 0, 0, 0, 0], 'codec-malformed'],
    ['request past 2^32', [...requestHead, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2], 'codec-malformed'],
    ['data block past 2^32', [0x05, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 1, 2], 'codec-malformed'],
    ['data without payload', [0x05, 0, 0, 0, 1, 0, 0, 0, 0], 'codec-truncated'],
    ['haveSet promising more groups', [0x01, 0, 2, 1, 0x61, 0, 0], 'codec-truncated'],
    ['committed entry cut inside its digest', [0x02, 0, 1, 1, 0x61, 0, 1, ...new Array<number>(12).fill(0), 0b10, ...new Array<number>(31).fill(7)], 'codec-truncated'],
    ['committed entry without its digest', [0x02, 0, 1, 1, 0x61, 0, 1, ...new Array<number>(12).fill(0), 0b10], 'codec-truncated'],
    ['partial entry with a commitment', [0x02, 0, 1, 1, 0x61, 0, 1, ...new Array<number>(12).fill(0), 0b11, ...new Array<number>(32).fill(7)], 'codec-malformed'],
    ['uncommitted entry followed by 32 stray bytes', [0x02, 0, 1, 1, 0x61, 0, 1, ...new Array<number>(12).fill(0), 0, ...new Array<number>(32).fill(7)], 'codec-malformed'],
    ['interest promising more ids', [0x0a, 3, 1, 0x61], 'codec-truncated'],
  ];
  for (const [name, bytes, code] of cases) test(name, () => void decodeFail(Uint8Array.from(bytes), code));

  test('reserved flag bits are ignored', () => {
    const frame = encodeMessage(SAMPLES[0]!);
    frame[26] = 0xfe; // upload bit clear, reserved bits set
    const message = decodeOk(frame);
    assert.ok(message.type === 'handshake' && !message.uploadEnabled);
  });

  test('non-Uint8Array input', () => {
    for (const input of [null, undefined, 'abc', [0x08], new ArrayBuffer(1)]) {
      decodeFail(input as unknown as Uint8Array, 'codec-malformed');
    }
  });
});


test('fuzz: 20,000 random and mutated frames never throw; whatever decodes re-encodes', () => {
  const random = mulberry32(0x5a0a1);
  const validFrames = SAMPLES.map((message) => encodeMessage(message));
  const codes = new Set<ShoalErrorCode>([
    'codec-truncated',
    'codec-oversized',
    'codec-malformed',
    'codec-bad-version',
  ]);
  const int = (below: number): number => Math.floor(random() * below);
  for (let round = 0; round < 20_000; round++) {
    let frame: Uint8Array;
    if (round % 2 === 0) {
      const length = random() < 0.01 ? MAX_MESSAGE_BYTES - 2 + int(4) : int(64);
      frame = new Uint8Array(length);
      for (let i = 0; i < length; i++) frame[i] = int(256);
      if (length > 0 && random() < 0.8) frame[0] = int(0x0d);
    } else {
      const base = validFrames[int(validFrames.length)]!;
      frame = base.slice(0, random() < 0.3 ? int(base.length + 1) : base.length);
      for (let flips = 1 + int(3); flips > 0 && frame.length > 0; flips--) frame[int(frame.length)] = int(256);
      if (random() < 0.1) frame = Uint8Array.from([...frame, int(256)]);
    }
    let result;
    try {
      result = decodeMessage(frame);
    } catch (error) {
      assert.fail(`round ${round}: decode threw ${String(error)} for ${[...frame.subarray(0, 32)]}`);
    }
    if (!result.ok) {
      assert.ok(result.error instanceof ShoalError && codes.has(result.error.code), `round ${round}`);
    } else if (result.message.type !== 'unknown') {
      const message = result.message;
      assert.deepEqual(decodeOk(encodeMessage(message)), message, `round ${round}`);
    }
  }
});
