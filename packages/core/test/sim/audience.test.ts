/**
 * The audience simulator (`npm run sim`): the same seed gives the same figures, and a CI-sized audience
 * completes without an engine error (and, with `reasons`, puts every origin byte down to a decision). Sized so the run takes well under a minute on a loaded 2-core
 * machine (the cost is per viewer-second simulated; see README "Scale").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResult, type AudienceResult } from '../../sim/audience-report';
import { runAudience } from '../../sim/audience-simulation';

const figures = ({ wallSec: _wall, peakRssMB: _rss, ...rest }: AudienceResult): Omit<AudienceResult, 'wallSec' | 'peakRssMB'> => rest;

test('the same seed gives the same figures', async () => {
  const options = { seed: 7, viewers: 30, durationSec: 30, arrivalWindowSec: 10, watchMeanSec: 40 };
  const first = await runAudience(options);
  const second = await runAudience(options);
  assert.deepEqual(figures(second), figures(first));
  const other = await runAudience({ ...options, seed: 8 });
  assert.notDeepEqual(figures(other), figures(first));
});

test('a CI-sized audience (60 viewers, 40 simulated seconds, 3 partitions on 4 trackers) completes without engine errors', async () => {
  const result = await runAudience({
    seed: 3,
    viewers: 60,
    durationSec: 40,
    arrivalWindowSec: 15,
    trackerUrls: ['sim://t1', 'sim://t2', 'sim://t3', 'sim://t4'],
    config: { partitionCount: 3 },
    reasons: true,
  });
  console.log(formatResult(result));
  assert.equal(result.viewers, 60);
  assert.equal(result.errors, 0, result.errorSamples.join('; '));
  assert.ok(result.p2pShare > 0, 'peers carried some bytes');
  assert.ok(result.trackerMessages.announces > 0);
  assert.equal(result.partitions.length, 3);
  for (const partition of result.partitions) assert.ok(partition.viewers > 0);
  assert.ok(result.p2pShare <= result.bound + 1e-9, 'no run beats the bound');
  // `--reasons`: every origin byte is put down to the decision behind its request.
  const originBytes = Object.values(result.reasons!.originBytes).reduce((a, b) => a + b, 0);
  assert.ok(originBytes > 0 && result.reasons!.decisions['http:origin-fetcher']! > 0);
  assert.equal(result.reasons!.originBytes['none'], undefined, 'no origin request without a decision before it');
});
