/**
 * The contract every `Transport` passes (libp2p interface-compliance style): one suite, run from one spec
 * file per implementation. `setup` returns a fresh connected pair per test; the suite destroys both ends
 * afterwards and then calls `teardown`. Waits are in real time, so a virtual clock must be auto-advanced.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isShoalError, type ShoalErrorCode } from '../src/errors';
import type { Transport, TransportEvents } from '../src/transport/transport';
import { MAX_MESSAGE_BYTES } from '../src/wire/messages';
import { sleep } from './support/wait';

export interface TransportPair {
  a: Transport;
  b: Transport;
  /** The ends' own peer ids, `[a, b]`: `a.remotePeerId` must be `peerIds[1]`. */
  peerIds: [string, string];
  teardown?: () => Promise<void> | void;
}

export type TransportPairSetup = () => Promise<TransportPair>;

export interface TransportContractOptions {
  /** Real-time limit per test. Default 20 s; the bulk test gets three times that. */
  timeoutMs?: number;
}

/** Frames the bulk test sends a → b, and their size: 32 MiB in all. */
const BULK_FRAME_COUNT = 2_000;
const BULK_FRAME_BYTES = 16 * 1024;
/** Sizes from a byte to the largest frame, around the usual buffer boundaries. */
const FRAME_SIZES_BYTES = [1, 2, 3, 7, 100, 1023, 1024, 1025, 4096, 16_383, 16_384, 16_385, 65_535, MAX_MESSAGE_BYTES];
/** Real time to wait for events that must not come (or for a last one to land). */
const SETTLE_MS = 100;

export function runTransportContract(
  name: string,
  setup: TransportPairSetup,
  options: TransportContractOptions = {},
): void {
  const timeout = options.timeoutMs ?? 20_000;
  const withPair = async (body: (pair: TransportPair) => Promise<void>): Promise<void> => {
    const pair = await setup();
    try {
      await body(pair);
    } finally {
      pair.a.destroy();
      pair.b.destroy();
      await pair.teardown?.();
    }
  };

  describe(`Transport contract: ${name}`, () => {
    test('knows the remote peer id and starts open and empty', { timeout }, () =>
      withPair(async ({ a, b, peerIds }) => {
        assert.equal(a.remotePeerId, peerIds[1]);
        assert.equal(b.remotePeerId, peerIds[0]);
        for (const end of [a, b]) {
          assert.equal(end.closed, false);
          assert.equal(end.bufferedAmount, 0);
          assert.ok(Number.isFinite(end.lowWaterMarkBytes) && end.lowWaterMarkBytes >= 0);
        }
      }),
    );

    test('delivers frames of 1 byte to 64 KiB whole, in order and byte-exact, both ways', { timeout }, () =>
      withPair(async ({ a, b }) => {
        const toB = FRAME_SIZES_BYTES.map((sizeBytes, index) => patternFrame(sizeBytes, index));
        const toA = [...FRAME_SIZES_BYTES].reverse().map((sizeBytes, index) => patternFrame(sizeBytes, 100 + index));
        const atB = collectFrames(b, toB.length, timeout);
        const atA = collectFrames(a, toA.length, timeout);
        for (let index = 0; index < toB.length; index += 1) {
          a.send(toB[index] as Uint8Array);
          b.send(toA[index] as Uint8Array);
        }
        assertFramesEqual(await atB, toB);
        assertFramesEqual(await atA, toA);
      }),
    );

    test('copies on send: the sender may reuse its buffer, and a view sends only its own bytes', { timeout }, () =>
      withPair(async ({ a, b }) => {
        const scratch = new Uint8Array(MAX_MESSAGE_BYTES + 64);
        const expected: Uint8Array[] = [];
        const atB = collectFrames(b, 3, timeout);
        for (const [offset, sizeBytes, fill] of [[0, 10, 1], [7, 1000, 2], [64, MAX_MESSAGE_BYTES, 3]] as const) {
          scratch.fill(0xee);
          scratch.fill(fill, offset, offset + sizeBytes);
          const view = scratch.subarray(offset, offset + sizeBytes);
          expected.push(view.slice());
          a.send(view);
          scratch.fill(0xff); // overwrite at once: what was sent must not change
        }
        assertFramesEqual(await atB, expected);
      }),
    );

    test(`carries ${BULK_FRAME_COUNT} × 16 KiB frames, waiting for drain above a high-water mark`, { timeout: timeout * 3 }, () =>
      withPair(async ({ a, b }) => {
        const highWaterMarkBytes = a.lowWaterMarkBytes + 1024 * 1024;
        let received = 0;
        let firstProblem: string | undefined;
        b.on('frame', (frame) => {
          const problem = checkBulkFrame(frame, received);
          if (problem !== undefined && firstProblem === undefined) firstProblem = problem;
          received += 1;
        });
        // After the counting listener, so it sees the count including the frame being delivered.
        const allReceived = waitForEvent(b, 'frame', timeout * 3, () => received === BULK_FRAME_COUNT, 'every frame');
        let peakBufferedBytes = 0;
        let drainWaits = 0;
        for (let index = 0; index < BULK_FRAME_COUNT; index += 1) {
          if (a.bufferedAmount > highWaterMarkBytes) {
            drainWaits += 1;
            await waitForEvent(a, 'drain', timeout, () => true, 'drain after backpressure');
            assert.ok(a.bufferedAmount <= a.lowWaterMarkBytes, `drain with ${a.bufferedAmount} bytes buffered`);
          }
          a.send(bulkFrame(index));
          peakBufferedBytes = Math.max(peakBufferedBytes, a.bufferedAmount);
        }
        await allReceived;
        assert.equal(firstProblem, undefined);
        assert.equal(received, BULK_FRAME_COUNT);
        assert.ok(peakBufferedBytes > 0, 'bufferedAmount never rose: no backpressure signal');
        assert.ok(drainWaits > 0, `bufferedAmount peaked at ${peakBufferedBytes}, never above the high-water mark`);
      }),
    );

    test('destroy is idempotent: close once on both ends, closed true, nothing buffered', { timeout }, () =>
      withPair(async ({ a, b }) => {
        const closes = { a: 0, b: 0 };
        a.on('close', () => (closes.a += 1));
        b.on('close', () => (closes.b += 1));
        const bClosed = waitForEvent(b, 'close', timeout);
        a.destroy();
        a.destroy();
        assert.equal(a.closed, true);
        assert.equal(closes.a, 1);
        await bClosed;
        b.destroy();
        await sleep(SETTLE_MS);
        assert.deepEqual(closes, { a: 1, b: 1 });
        assert.equal(b.closed, true);
        assert.equal(a.bufferedAmount, 0);
      }),
    );

    test('send after close throws ShoalError transport-closed, on both ends', { timeout }, () =>
      withPair(async ({ a, b }) => {
        const bClosed = waitForEvent(b, 'close', timeout);
        b.destroy();
        assert.throws(() => b.send(new Uint8Array(1)), isCode('transport-closed'));
        await waitForEvent(a, 'close', timeout);
        await bClosed;
        assert.throws(() => a.send(new Uint8Array(1)), isCode('transport-closed'));
      }),
    );

    test('emits no frame after close, even with frames in flight', { timeout }, () =>
      withPair(async ({ a, b }) => {
        const late: string[] = [];
        let atB = 0;
        b.on('frame', () => {
          if (b.closed) late.push('b');
          atB += 1;
          if (atB === 10) b.destroy(); // mid-stream, from inside a listener
        });
        a.on('frame', () => {
          if (a.closed) late.push('a');
        });
        const aClosed = waitForEvent(a, 'close', timeout);
        for (let index = 0; index < 200 && !a.closed; index += 1) {
          try {
            a.send(patternFrame(4096, index));
          } catch (error) {
            // The remote's close may reach the channel before the transport's `close` event: then send closes.
            assert.ok(isCode('transport-closed')(error), String(error));
            assert.equal(a.closed, true, 'send threw transport-closed while the transport was open');
          }
          if (index % 20 === 19) await sleep(1);
        }
        await aClosed;
        await sleep(SETTLE_MS);
        assert.deepEqual(late, []);
        assert.equal(atB, 10);
      }),
    );

    test('listeners come off with off(), and once() fires once', { timeout }, () =>
      withPair(async ({ a, b }) => {
        const seenByRemoved: number[] = [];
        const seenByOnce: number[] = [];
        const removed = (frame: Uint8Array): void => void seenByRemoved.push(frame[0] as number);
        b.on('frame', removed);
        b.once('frame', (frame) => void seenByOnce.push(frame[0] as number));
        const first = collectFrames(b, 1, timeout);
        a.send(Uint8Array.of(1));
        await first;
        b.off('frame', removed);
        const second = collectFrames(b, 1, timeout);
        a.send(Uint8Array.of(2));
        await second;
        const closeHandler = (): void => assert.fail('removed close listener ran');
        a.on('close', closeHandler);
        a.off('close', closeHandler);
        a.destroy();
        assert.deepEqual(seenByRemoved, [1]);
        assert.deepEqual(seenByOnce, [1]);
      }),
    );

    test('refuses a frame over MAX_MESSAGE_BYTES and stays usable', { timeout }, () =>
      withPair(async ({ a, b }) => {
        assert.throws(() => a.send(new Uint8Array(MAX_MESSAGE_BYTES + 1)), (error: unknown) => isShoalError(error));
        assert.equal(a.closed, false);
        const atB = collectFrames(b, 1, timeout);
        a.send(Uint8Array.of(42));
        assertFramesEqual(await atB, [Uint8Array.of(42)]);
      }),
    );
  });
}

/**
 * Resolves on the first `event` for which `until` holds; rejects after `timeoutMs` of real time. It listens
 * for an event; to poll a condition, use `waitUntil` from `support/wait.ts`.
 */
export function waitForEvent<E extends keyof TransportEvents>(
  transport: Transport,
  event: E,
  timeoutMs: number,
  until: (...args: Parameters<TransportEvents[E]>) => boolean = () => true,
  what: string = event,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const listener = ((...args: Parameters<TransportEvents[E]>) => {
      if (!until(...args)) return;
      clearTimeout(timer);
      transport.off(event, listener);
      resolve();
    }) as TransportEvents[E];
    const timer = setTimeout(() => {
      transport.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    transport.on(event, listener);
  });
}

/** The next `count` frames `transport` receives (added after listeners already attached). */
function collectFrames(transport: Transport, count: number, timeoutMs: number): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  const listener = (frame: Uint8Array): void => void frames.push(frame);
  transport.on('frame', listener);
  return waitForEvent(transport, 'frame', timeoutMs, () => frames.length >= count, `${count} frames`).then(
    () => {
      transport.off('frame', listener);
      return frames;
    },
    (error: unknown) => {
      transport.off('frame', listener);
      throw error;
    },
  );
}

function assertFramesEqual(actual: Uint8Array[], expected: Uint8Array[]): void {
  assert.equal(actual.length, expected.length, 'frame count');
  for (let index = 0; index < expected.length; index += 1) {
    const got = actual[index] as Uint8Array;
    const want = expected[index] as Uint8Array;
    assert.ok(got instanceof Uint8Array, `frame ${index} is not a Uint8Array`);
    assert.equal(got.byteLength, want.byteLength, `frame ${index} size`);
    assert.ok(bytesEqual(got, want), `frame ${index} bytes differ`);
  }
}

/** Same length and bytes. Plain loops, not Node's `Buffer`: the suite also runs in browsers (karma). */
function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let index = 0; index < a.byteLength; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/** `sizeBytes` bytes that differ by `seed` and by position, so reordering or truncation shows. */
function patternFrame(sizeBytes: number, seed: number): Uint8Array {
  const frame = new Uint8Array(sizeBytes);
  for (let position = 0; position < sizeBytes; position += 1) frame[position] = patternByte(position, seed);
  return frame;
}

function patternByte(position: number, seed: number): number {
  return (position * 31 + seed * 7 + (position >>> 8)) & 0xff;
}

/** 16 KiB: the index big-endian in the first 4 bytes, then bytes derived from it. */
function bulkFrame(frameIndex: number): Uint8Array {
  const frame = patternFrame(BULK_FRAME_BYTES, frameIndex);
  new DataView(frame.buffer).setUint32(0, frameIndex);
  return frame;
}

function checkBulkFrame(frame: Uint8Array, expectedIndex: number): string | undefined {
  if (frame.byteLength !== BULK_FRAME_BYTES) return `frame ${expectedIndex}: ${frame.byteLength} bytes`;
  const index = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
  if (index !== expectedIndex) return `expected frame ${expectedIndex}, got ${index}`;
  // Every 97th frame byte for byte; the rest at their last byte.
  if (index % 97 === 0) {
    if (!bytesEqual(frame, bulkFrame(index))) {
      return `frame ${index} differs`;
    }
  } else if (frame[BULK_FRAME_BYTES - 1] !== patternByte(BULK_FRAME_BYTES - 1, index)) {
    return `frame ${index} last byte differs`;
  }
  return undefined;
}

function isCode(code: ShoalErrorCode): (error: unknown) => boolean {
  return (error) => isShoalError(error) && error.code === code;
}
