/**
 * Issue 17's fuzzer: ≥ 1,000,000 random and mutated frames into the wire decoder and a live `Peer`
 * session over the in-memory transport (`sim/frame-fuzzer.ts`). Prints frames/s, exceptions (goal 0) and
 * the worst heap growth per frame between samples (heap after GC: run with `node --expose-gc`, which the
 * `bench` script does). `FUZZ_FRAMES` overrides the count.
 */
import { fuzzPeerWire } from '../sim/frame-fuzzer';

const frames = Number(process.env.FUZZ_FRAMES ?? 1_000_000);
const report = await fuzzPeerWire({
  frames,
  sampleEveryFrames: 100_000,
  onProgress: (r) => console.log(`  ${r.frames.toLocaleString('en')} frames, ${Math.round(r.framesPerSec).toLocaleString('en')} frames/s, heap ${(r.heapUsedBytes / 2 ** 20).toFixed(1)} MiB`),
});
console.log(`fuzz: ${report.frames.toLocaleString('en')} frames in ${report.seconds.toFixed(1)} s (${Math.round(report.framesPerSec).toLocaleString('en')} frames/s)`);
console.log(`  exceptions: decoder ${report.decoderExceptions}, live session ${report.sessionExceptions} (goal 0)`);
console.log(`  sessions ${report.sessions}, ended by ${JSON.stringify(report.drops)}`);
console.log(`  worst heap growth per frame: ${report.worstHeapGrowthPerFrameBytes.toFixed(2)} B${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: not measured)'}`);
if (report.decoderExceptions + report.sessionExceptions > 0) process.exitCode = 1;
