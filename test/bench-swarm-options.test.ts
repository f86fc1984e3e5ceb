/**
 * The swarm benchmark's options and summary (bench/swarm/options.ts, metrics.ts): a stream's kind follows
 * its name, the VOD audience modes, and the arms table with latency only for live.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { armsTable, modeText, summaryLine } from '../bench/swarm/metrics';
import { resolveOptions, startSecOf, streamKindOf, streamNameOf } from '../bench/swarm/options';
import type { PhaseFigures, SwarmScenarioResult } from '../bench/swarm/types';

describe('swarm bench options', () => {
  it('a named stream is live or VOD as its name says; --live/--vod pick the default stream and must agree', () => {
    assert.equal(streamKindOf('vodFmp4ByteRange', undefined), 'vod');
    assert.equal(streamKindOf('liveTs', undefined), 'live');
    assert.equal(streamKindOf(undefined, 'vod'), 'vod');
    assert.equal(streamKindOf(undefined, undefined), 'live');
    assert.equal(streamKindOf('vodDash', 'vod'), 'vod');
    assert.throws(() => streamKindOf('vodFmp4ByteRange', 'live'), /is VOD: drop --live/);
    assert.throws(() => streamKindOf('liveDash', 'vod'), /is live: drop --vod/);
    const vod = resolveOptions({ streamName: 'vodFmp4ByteRange', vodStartStepSec: 4 });
    assert.equal(vod.stream, 'vod');
    assert.equal(startSecOf(vod, 1), 4);
    assert.throws(() => streamNameOf({ ...vod, streamName: 'vodOdd' }, { vodOdd: 'http://x/live/odd/master.m3u8' }), /served as live/);
    assert.equal(streamNameOf(vod, { vodFmp4ByteRange: 'http://x/vod/hls-fmp4-byterange/master.m3u8' }), 'vodFmp4ByteRange');
  });

  it('vodApart: joins 20 s apart, everyone from 0 s, a phase long enough for the last viewer', () => {
    const apart = resolveOptions({ streamName: 'vodFmp4', vodApart: true, viewers: 4 });
    assert.deepEqual([apart.staggerMs, apart.seconds, apart.vodStartStepSec], [20_000, 92, 0]);
    assert.deepEqual([0, 1, 2, 3].map((id) => startSecOf(apart, id)), [0, 0, 0, 0]);
    assert.equal(resolveOptions({ stream: 'vod', vodApart: true, staggerMs: 60_000, viewers: 3 }).seconds, 152);
    assert.throws(() => resolveOptions({ stream: 'live', vodApart: true }), /needs a VOD stream/);
    assert.throws(() => resolveOptions({ stream: 'vod', vodApart: true, vodStartStepSec: 4 }), /drop vodStartStepSec/);
    assert.throws(() => resolveOptions({ stream: 'vod', viewers: 4, staggerMs: 20_000, seconds: 60 }), /after the 60 s phase/);
    assert.match(modeText(apart), /^vod apart \(joins 20 s apart/);
    assert.match(modeText(resolveOptions({ stream: 'vod' })), /^vod together \(joins 2 s apart, viewer i from \(i × 4\) mod 16 s\)/);
  });
});

describe('swarm bench summary', () => {
  const figures = (overrides: Partial<PhaseFigures>): PhaseFigures => ({
    loadedBytes: 100, httpBytes: 100, p2pBytes: 0, p2pShare: 0, originImpliedShare: 0, p2pShareBound: 0.6, originSegmentBytes: 100,
    originRequestsPerSegment: 3, stalls: 0, stallSeconds: 0, meanStartupMs: 1000, meanLatencySec: null, peerConnectionsAtEnd: 0,
    meanHeapBytes: null, maxHeapBytes: null, browserCpuSeconds: 0, browserCores: 0, nodeCpuSeconds: 0, errors: 0, ...overrides,
  });
  const comparison = (shareOfBound: number, startupRatio: number, latencyDifferenceSec: number | null) => ({
    p2pShareLimit: 2 / 3, shareOfLimit: 0, shareOfBound, originBytesRatio: 0.5, startupRatio, latencyDifferenceSec,
  });
  const result = (stream: 'live' | 'vod'): SwarmScenarioResult => ({
    options: { ...resolveOptions({ stream, viewers: 3, compare: 'p2pml' }), streamName: `${stream}Ts` },
    startedAt: '',
    machine: { cpus: 2, loadAverage: [0, 0, 0] },
    shoal: { p2p: true, wallSeconds: 60, viewers: [], origin: { totalBytes: 0, totalRequests: 0, segments: { segments: 0, requests: 0, bytes: 0, distinctBytes: 0, requestsPerSegment: 0 }, bytesPerSecond: [], repeatedSegments: {} }, timeline: [], nodeCpuSeconds: 0 },
    plain: { p2p: false, wallSeconds: 60, viewers: [], origin: { totalBytes: 0, totalRequests: 0, segments: { segments: 0, requests: 0, bytes: 0, distinctBytes: 0, requestsPerSegment: 0 }, bytesPerSecond: [], repeatedSegments: {} }, timeline: [], nodeCpuSeconds: 0 },
    figures: {
      shoal: figures({ p2pShare: 0.6, originRequestsPerSegment: 1.02, meanStartupMs: 1050, meanLatencySec: 4.2 }),
      plain: figures({ meanLatencySec: 4.0 }),
      comparison: comparison(1, 1.05, stream === 'live' ? 0.2 : null),
    },
    anchorFigures: { anchor: figures({ p2pShare: 0.3, originRequestsPerSegment: 2, stalls: 1, stallSeconds: 0.5 }), comparison: comparison(0.5, 1.3, 1.5) },
    roundComparisons: [],
    notes: [],
  });

  it('gives every arm share / bound, origin requests per segment, startup and latency vs plain, stalls', () => {
    const [title, header, shoal, anchor, plain] = armsTable(result('live'));
    assert.match(title!, /^arms, live .* N=3 \(limit 1 − 1\/N = 67 %\):$/);
    assert.match(header!, /^arm +share +bound +share\/bound +origin req\/segment +startup vs plain +latency vs plain +stalls$/);
    assert.deepEqual(shoal!.split(/ {2,}/), ['Shoal', '60 %', '60 %', '1.00', '1.02', '×1.05 (1050 ms)', '+0.2 s', '0 (0.0 s)']);
    assert.deepEqual(anchor!.split(/ {2,}/), ['p2p-media-loader', '30 %', '60 %', '0.50', '2.00', '×1.30 (1000 ms)', '+1.5 s', '1 (0.5 s)']);
    assert.deepEqual(plain!.split(/ {2,}/), ['plain hlsjs', '–', '–', '–', '3.00', '×1 (1000 ms)', '4.0 s behind', '0 (0.0 s)']);
  });

  it('prints no latency for VOD, only "–"', () => {
    const rows = armsTable(result('vod')).slice(2).map((row) => row.split(/ {2,}/)[6]);
    assert.deepEqual(rows, ['–', '–', '–'], 'even where a figure slipped in (the anchor row has one)');
    assert.match(summaryLine(result('vod')), /\| latency – \|/);
    assert.match(summaryLine(result('vod')), /^swarm vod together/);
  });
});
