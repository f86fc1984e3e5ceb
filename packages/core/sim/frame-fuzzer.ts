/**
 * The wire fuzzer (issue 17): random and mutated frames into the decoder AND into a live `Peer` session
 * (with its `Uploader` serving a held segment) over the in-memory transport. Counts exceptions (the goal
 * is 0: the decoder never throws, a session drops a bad peer and never lets an error escape) and samples
 * the heap after GC, for the worst growth per frame. `bench/fuzz.ts` runs it with ≥ 1,000,000 frames;
 * `test/hostile/fuzz.test.ts` runs the same code with fewer. Test-only: it lives in `sim/`.
 */
import { VirtualClock } from '../src/clock/virtual-clock';
import { completeSegment } from '../src/download/partial-segment';
import { Peer } from '../src/swarm/peer';
import { Uploader } from '../src/swarm/uploader';
import { createMemoryTransportPair, type MemoryTransport } from '../src/transport/memory-transport';
import { decodeMessage, encodeHoldings, encodeMessage } from '../src/wire/codec';
import { BLOCK_BYTES, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, type WireMessage } from '../src/wire/messages';
import { mulberry32 } from './prng';

export interface FuzzOptions {
  frames: number;
  seed?: number;
  /** Frames sent per delivery batch. */
  batchFrames?: number;
  /** Heap samples (after GC, when `global.gc` exists) this many frames apart. */
  sampleEveryFrames?: number;
  onProgress?: (report: FuzzReport) => void;
}

export interface FuzzReport {
  frames: number;
  seconds: number;
  framesPerSec: number;
  /** Decoder calls that threw (never expected: it returns failures). */
  decoderExceptions: number;
  /** Exceptions out of a session: a delivery that threw, a rejected promise, an uncaught error. */
  sessionExceptions: number;
  /** Sessions the fuzzed peer was dropped from, by reason code (a new one starts after each). */
  drops: Record<string, number>;
  sessions: number;
  /** Largest (heap after − heap before) / frames between two samples, bytes; 0 without `global.gc`. */
  worstHeapGrowthPerFrameBytes: number;
  heapUsedBytes: number;
}

const SWARM_HASH_HEX = '5e'.repeat(20);
const HELD_BYTES = 4 * BLOCK_BYTES + 1_000;

export async function fuzzPeerWire(options: FuzzOptions): Promise<FuzzReport> {
  const random = mulberry32(options.seed ?? 0xf022);
  const int = (n: number): number => Math.floor(random() * n);
  const batch = options.batchFrames ?? 64;
  const sampleEvery = options.sampleEveryFrames ?? 50_000;
  const gc = (globalThis as { gc?: () => void }).gc;
  const clock = new VirtualClock();
  const held = completeSegment(new Uint8Array(HELD_BYTES).fill(7));
  const report: FuzzReport = { frames: 0, seconds: 0, framesPerSec: 0, decoderExceptions: 0, sessionExceptions: 0, drops: {}, sessions: 0, worstHeapGrowthPerFrameBytes: 0, heapUsedBytes: 0 };
  const onUncaught = (): void => void report.sessionExceptions++;
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const uploader = new Uploader({
    clock,
    isUploadEnabled: () => true,
    holdings: { servable: async (key) => (key.renditionId === 'r' && key.segmentId === 0 ? held : undefined) },
    onUploaded: () => undefined,
    maxUploadBytesPerSec: Infinity,
    maxPeerUploadBytesPerSec: Infinity,
  });

  let remote: MemoryTransport | undefined;
  let peer: Peer | undefined;
  const openSession = (): void => {
    report.sessions++;
    const [mine, theirs] = createMemoryTransportPair({ clock, peerIds: ['a'.repeat(40), (report.sessions % 0xffff).toString(16).padStart(40, 'b')] });
    theirs.on('frame', () => undefined);
    const session = new Peer(mine, { clock, swarmHashHex: SWARM_HASH_HEX, uploadEnabled: true, playing: ['r'] });
    session.once('ready', () => uploader.attach(session));
    session.once('closed', (reason) => {
      const code = reason?.code ?? 'normal';
      report.drops[code] = (report.drops[code] ?? 0) + 1;
    });
    session.start([]);
    theirs.send(encodeMessage({ type: 'handshake', version: PROTOCOL_VERSION, swarmHashHex: SWARM_HASH_HEX, uploadEnabled: true, playing: ['r'] }));
    for (const frame of encodeHoldings('haveSet', [{ renditionId: 'r', segments: [{ segmentId: 0, sizeBytes: HELD_BYTES, partial: false }] }])) theirs.send(frame);
    remote = theirs;
    peer = session;
  };

  const validMessage = (): WireMessage => {
    const requestId = int(64) + 1;
    switch (int(12)) {
      case 0: return { type: 'handshake', version: PROTOCOL_VERSION, swarmHashHex: SWARM_HASH_HEX, uploadEnabled: random() < 0.5, playing: ['r'] };
      case 1: return { type: 'have', holdings: [{ renditionId: int(3) === 0 ? `x${int(200)}` : 'r', segments: Array.from({ length: int(40) + 1 }, () => ({ segmentId: int(100_000), sizeBytes: int(HELD_BYTES * 2), partial: random() < 0.3 })) }] };
      case 2: return { type: 'lost', renditionId: 'r', segmentIds: Array.from({ length: int(20) + 1 }, () => int(100_000)) };
      case 3: case 4: {
        const offsetBytes = int(HELD_BYTES);
        return { type: 'request', requestId, renditionId: 'r', segmentId: int(3), offsetBytes, lengthBytes: int(BLOCK_BYTES) + 1 };
      }
      case 5: return { type: 'cancel', requestId };
      case 6: return { type: 'data', requestId, offsetBytes: int(HELD_BYTES), payload: new Uint8Array(int(2_000) + 1) };
      case 7: return { type: 'absent', requestId, reason: 'notHeld' };
      case 8: return { type: random() < 0.5 ? 'choke' : 'unchoke' };
      case 9: return { type: 'interest', playing: Array.from({ length: int(5) }, (_, i) => `r${i}`) };
      case 10: return { type: 'haveSet', holdings: [{ renditionId: 'r', segments: [{ segmentId: int(10), sizeBytes: int(HELD_BYTES), partial: false }] }] };
      default: return { type: 'goodbye', reason: 'normal' };
    }
  };
  const mutate = (frame: Uint8Array): Uint8Array => {
    switch (int(5)) {
      case 0: { // flip bytes
        const copy = frame.slice();
        for (let i = 0, n = int(4) + 1; i < n; i++) copy[int(copy.length)] = int(256);
        return copy;
      }
      case 1: return frame.subarray(0, int(frame.length + 1)); // truncate (maybe to empty)
      case 2: { // extend with junk
        const longer = new Uint8Array(Math.min(MAX_MESSAGE_BYTES + 8, frame.length + int(64) + 1));
        longer.set(frame);
        for (let i = frame.length; i < longer.length; i++) longer[i] = int(256);
        return longer;
      }
      case 3: { // another type byte
        const copy = frame.slice();
        copy[0] = int(16);
        return copy;
      }
      default: return Uint8Array.from({ length: int(96) + 1 }, () => int(256)); // random bytes
    }
  };
  const nextFrame = (): Uint8Array => {
    const roll = random();
    if (roll < 0.1) return mutate(Uint8Array.from({ length: 1 }, () => int(16)));
    const valid = encodeMessage(validMessage());
    return roll < 0.6 ? valid : mutate(valid);
  };

  const startedAt = performance.now();
  gc?.();
  let lastHeap = process.memoryUsage().heapUsed;
  let lastSampleFrames = 0;
  openSession();
  try {
    while (report.frames < options.frames) {
      for (let i = 0; i < batch && report.frames < options.frames; i++) {
        const frame = nextFrame();
        report.frames++;
        try {
          decodeMessage(frame);
        } catch {
          report.decoderExceptions++;
        }
        if (remote!.closed || frame.byteLength > MAX_MESSAGE_BYTES) continue;
        remote!.send(frame);
      }
      try {
        clock.advance(1);
      } catch {
        report.sessionExceptions++;
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (peer!.isClosed || remote!.closed) {
        remote!.destroy();
        peer!.destroy();
        openSession();
      }
      if (report.frames - lastSampleFrames >= sampleEvery) {
        if (gc) {
          gc();
          const heap = process.memoryUsage().heapUsed;
          report.worstHeapGrowthPerFrameBytes = Math.max(report.worstHeapGrowthPerFrameBytes, (heap - lastHeap) / (report.frames - lastSampleFrames));
          lastHeap = heap;
        }
        lastSampleFrames = report.frames;
        report.seconds = (performance.now() - startedAt) / 1000;
        report.framesPerSec = report.frames / report.seconds;
        report.heapUsedBytes = process.memoryUsage().heapUsed;
        options.onProgress?.({ ...report, drops: { ...report.drops } });
      }
    }
  } finally {
    peer?.destroy();
    uploader.destroy();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
  report.seconds = (performance.now() - startedAt) / 1000;
  report.framesPerSec = report.frames / report.seconds;
  report.heapUsedBytes = process.memoryUsage().heapUsed;
  return report;
}
