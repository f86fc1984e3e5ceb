/** The fuzzer of `bench/fuzz.ts`, short: the same code on fewer frames; no exception, ever. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzPeerWire } from '../../sim/frame-fuzzer';

test('fuzzing the decoder and a live Peer session: 0 exceptions, bad peers dropped', { timeout: 120_000 }, async () => {
  const report = await fuzzPeerWire({ frames: 200_000, seed: 17 });
  console.log(`fuzz (short): ${report.frames} frames, ${Math.round(report.framesPerSec)} frames/s, sessions ${report.sessions}, ${JSON.stringify(report.drops)}`);
  assert.equal(report.decoderExceptions, 0);
  assert.equal(report.sessionExceptions, 0);
  assert.ok(report.sessions > 1, 'bad frames ended sessions');
  assert.ok((report.drops['internal-error'] ?? 0) === 0, 'no internal error');
});
