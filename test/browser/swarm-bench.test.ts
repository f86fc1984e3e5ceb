/**
 * Issue 6, the CI short version of `npm run bench:swarm`: the swarm scenario with 3 real Chromium viewers
 * of the live stream for 30 s, with Shoal and then with plain hls.js. Asserts behaviour only: the scenario
 * completes, peers delivered bytes, and every segment that came from peers is byte-identical to the
 * origin's. The figures (share against its limit, stalls, startup, latency, CPU) are printed, not
 * asserted: on a shared 2-core machine they are noise-bound, and they are the benchmark's job.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryLine, viewerLines } from '../../bench/swarm/metrics';
import { runSwarmScenario } from '../../bench/swarm/scenario';

test('swarm benchmark, short: 3 live hls.js viewers for 30 s with Shoal and without', async () => {
  const result = await runSwarmScenario({ viewers: 3, seconds: 30, stream: 'live', player: 'hlsjs', checkPeerBytes: true, rounds: 1 });
  console.log([...viewerLines(result.shoal), ...viewerLines(result.plain)].join('\n'));
  console.log(summaryLine(result));

  assert.equal(result.shoal.viewers.length, 3, 'every Shoal viewer reported');
  assert.equal(result.plain.viewers.length, 3, 'every plain viewer reported');
  assert.ok(result.figures.shoal.p2pBytes > 0, 'peers delivered bytes');
  const checked = result.shoal.viewers.flatMap((viewer) => viewer.p2pSegments);
  assert.ok(checked.length > 0, 'segments came from peers');
  const different = checked.filter((segment) => segment.matchesOrigin !== true).map((segment) => segment.url);
  assert.deepEqual(different, [], 'every segment from peers is identical to the origin\'s');
});
