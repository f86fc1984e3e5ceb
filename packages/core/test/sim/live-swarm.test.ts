/**
 * Issue 3, test 4: ten engines follow one live timeline (2 s segments, 60 s) on the in-memory network
 * and a virtual clock. No engine misses a deadline (the simulated player never stalls), and the origin
 * serves each segment at most ~2 times on average. The P2P share is printed, not asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLiveSimulation } from '../../sim/live-simulation';

test('10 engines on a live timeline: no missed deadline, origin ≤ 2 requests per segment', { timeout: 60_000 }, async () => {
  const result = await runLiveSimulation({ viewers: 10, durationSec: 60 });
  console.log(
    `# live, 10 viewers, 60 s: P2P share ${result.p2pShare.toFixed(3)} (limit ${result.limit.toFixed(3)}), ` +
      `origin requests/segment ${result.originRequestsPerSegment.toFixed(2)}, stalls ${result.stalls}`,
  );
  assert.equal(result.stalls, 0, 'no viewer stalled: every segment arrived before playback reached it');
  for (const viewer of result.viewers) assert.ok(viewer.segmentsLoaded >= 25, 'every viewer kept playing');
  assert.ok(result.originRequestsPerSegment <= 2, `origin served ${result.originRequestsPerSegment} requests per segment`);
  assert.ok(result.p2pShare > 0);
});
