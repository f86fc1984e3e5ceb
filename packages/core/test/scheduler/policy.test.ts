import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SCHEDULER_POLICY_CONFIG,
  decide,
  type Decision,
  type SchedulerSnapshot,
  type SegmentSnapshot,
} from '../../src/scheduler/policy';
import { originFetcherProbability } from '../../src/scheduler/estimates';
import type { SegmentKey } from '../../src/types';

// Numbers every case is built on, so expected times can be checked by hand:
// a 1,000,000-byte segment takes 100 + 1000 = 1,100 ms over HTTP and 100 + 2000 = 2,100 ms over P2P;
// the margin is 1,000 ms; k = 3 origin fetchers in a swarm of 10, so lottery draws below 0.3 are fetchers.
const NOW = 100_000;
const SIZE = 1_000_000;
const FETCHER = 0.1;
const NOT_FETCHER = 0.9;

function key(segmentId: number, renditionId = 'v720'): SegmentKey {
  return { renditionId, segmentId };
}

function segment(segmentId: number, fields: Partial<SegmentSnapshot> = {}): SegmentSnapshot {
  return {
    key: key(segmentId),
    sizeBytes: SIZE,
    deadlineMs: NOW + 20_000,
    requestedByPlayer: true,
    inLookahead: true,
    state: 'idle',
    receivedBytes: 0,
    holders: [],
    partialHolders: [],
    originLottery: NOT_FETCHER,
    wantedSinceMs: NOW,
    ...fields,
  };
}

function snapshot(segments: SegmentSnapshot[], fields: Partial<SchedulerSnapshot> = {}): SchedulerSnapshot {
  return {
    nowMs: NOW,
    live: true,
    swarmSize: 10,
    httpEstimate: { bytesPerSec: 1_000_000, ttfbMs: 100 },
    p2pEstimate: { bytesPerSec: 500_000, ttfbMs: 100 },
    segments,
    config: { ...DEFAULT_SCHEDULER_POLICY_CONFIG },
    ...fields,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

interface Case {
  name: string;
  snapshot: SchedulerSnapshot;
  expected: Decision[];
}

const CASES: Case[] = [
  // Where a segment the player asked for comes from.
  {
    name: 'urgent live segment nobody holds → HTTP',
    snapshot: snapshot([segment(1, { deadlineMs: NOW + 1_500 })]),
    expected: [{ action: 'http', key: key(1), reason: 'deadline-close' }],
  },
  {
    name: 'VOD segment nobody holds → HTTP at once, no waiting',
    snapshot: snapshot([segment(1)], { live: false }),
    expected: [{ action: 'http', key: key(1), reason: 'no-holders' }],
  },
  {
    name: 'held by peers with time to spare → P2P from every holder',
    snapshot: snapshot([segment(1, { deadlineMs: NOW + 10_000, holders: ['a', 'b'] })]),
    expected: [{ action: 'p2p', key: key(1), reason: 'p2p-fits', peerIds: ['a', 'b'] }],
  },
  {
    name: 'held, P2P exactly at deadline minus margin → still P2P',
    snapshot: snapshot([segment(1, { deadlineMs: NOW + 3_100, holders: ['a'] })]),
    expected: [{ action: 'p2p', key: key(1), reason: 'p2p-fits', peerIds: ['a'] }],
  },
  {
    name: 'held, but P2P too slow for the deadline → HTTP',
    snapshot: snapshot([segment(1, { deadlineMs: NOW + 2_500, holders: ['a'] })]),
    expected: [{ action: 'http', key: key(1), reason: 'p2p-too-slow' }],
  },
  {
    name: 'held, neither source fits, P2P sooner than a slow origin → P2P',
    snapshot: snapshot([segment(1, { deadlineMs: NOW + 2_500, holders: ['a'] })], {
      httpEstimate: { bytesPerSec: 1_000_000, ttfbMs: 3_000 },
    }),
    expected: [{ action: 'p2p', key: key(1), reason: 'p2p-faster-than-http', peerIds: ['a'] }],
  },

  // Rare live segments: a few fetchers, the others wait for the swarm.
  {
    name: 'nobody holds it, this viewer is a chosen fetcher → HTTP',
    snapshot: snapshot([segment(1, { originLottery: FETCHER })]),
    expected: [{ action: 'http', key: key(1), reason: 'origin-fetcher' }],
  },
  {
    name: 'nobody holds it, not chosen, time to spare → wait until HTTP + margin barely fits',
    snapshot: snapshot([segment(1)]),
    expected: [{ action: 'wait', key: key(1), reason: 'waiting-for-swarm', untilMs: NOW + 20_000 - 2_100 }],
  },
  {
    name: 'nobody holds it, not chosen, deadline close → HTTP',
    snapshot: snapshot([segment(1, { deadlineMs: NOW + 2_000 })]),
    expected: [{ action: 'http', key: key(1), reason: 'deadline-close' }],
  },
  {
    name: 'nobody holds it, not chosen, at the exact fallback time → HTTP',
    snapshot: snapshot([segment(1, { deadlineMs: NOW + 2_100 })]),
    expected: [{ action: 'http', key: key(1), reason: 'deadline-close' }],
  },
  {
    name: 'a lone viewer is always the fetcher',
    snapshot: snapshot([segment(1, { originLottery: 0.999 })], { swarmSize: 1 }),
    expected: [{ action: 'http', key: key(1), reason: 'origin-fetcher' }],
  },

  // Cut-through from peers still downloading the segment.
  {
    name: 'partial holder expected to finish in time → P2P (cut-through)',
    snapshot: snapshot([
      segment(1, { deadlineMs: NOW + 10_000, partialHolders: [{ peerId: 'c', announcedAtMs: NOW - 500 }] }),
    ]),
    expected: [{ action: 'p2p', key: key(1), reason: 'partial-fits', peerIds: ['c'] }],
  },
  {
    name: 'partial holder too late for the deadline → not a source; deadline close → HTTP',
    snapshot: snapshot([
      segment(1, { deadlineMs: NOW + 2_000, partialHolders: [{ peerId: 'c', announcedAtMs: NOW }] }),
    ]),
    expected: [{ action: 'http', key: key(1), reason: 'deadline-close' }],
  },
  {
    name: 'a partial holder that fits joins the complete holders',
    // A slow origin (200,000 B/s): 'late' started now and has it all only 5,100 ms from now.
    snapshot: snapshot(
      [
        segment(1, {
          deadlineMs: NOW + 5_000,
          holders: ['a'],
          partialHolders: [
            { peerId: 'c', announcedAtMs: NOW - 5_000 },
            { peerId: 'late', announcedAtMs: NOW },
          ],
        }),
      ],
      { httpEstimate: { bytesPerSec: 200_000, ttfbMs: 100 } },
    ),
    expected: [{ action: 'p2p', key: key(1), reason: 'p2p-fits', peerIds: ['a', 'c'] }],
  },

  // Running P2P downloads.
  {
    name: 'P2P falling behind its deadline → HTTP for the rest',
    snapshot: snapshot([
      segment(1, { state: 'p2p', deadlineMs: NOW + 3_000, holders: ['a'], receivedBytes: 200_000, p2pBytesPerSecNow: 100_000 }),
    ]),
    expected: [{ action: 'http-rest', key: key(1), reason: 'p2p-falling-behind' }],
  },
  {
    name: 'P2P with no byte yet, projected past the deadline → HTTP for the rest',
    snapshot: snapshot([segment(1, { state: 'p2p', deadlineMs: NOW + 3_000, holders: ['a'] })]),
    expected: [{ action: 'http-rest', key: key(1), reason: 'p2p-falling-behind' }],
  },
  {
    name: 'P2P on track → nothing',
    snapshot: snapshot([
      segment(1, { state: 'p2p', deadlineMs: NOW + 3_000, holders: ['a'], receivedBytes: 200_000, p2pBytesPerSecNow: 1_000_000 }),
    ]),
    expected: [],
  },
  {
    name: 'P2P behind, but HTTP would be slower still → keep P2P',
    snapshot: snapshot(
      [segment(1, { state: 'p2p', deadlineMs: NOW + 3_000, holders: ['a'], receivedBytes: 200_000, p2pBytesPerSecNow: 100_000 })],
      { httpEstimate: { bytesPerSec: 50_000, ttfbMs: 100 } },
    ),
    expected: [],
  },
  {
    name: 'P2P prefetch behind, not asked for and not rare → no HTTP',
    snapshot: snapshot([
      segment(1, {
        state: 'p2p',
        requestedByPlayer: false,
        deadlineMs: NOW + 3_000,
        holders: ['a'],
        receivedBytes: 200_000,
        p2pBytesPerSecNow: 100_000,
      }),
    ]),
    expected: [],
  },

  // Prefetch: bounded look-ahead, peers only unless this viewer fetches a rare segment for the swarm.
  {
    name: 'beyond the look-ahead and not asked for → nothing, even when held',
    snapshot: snapshot([segment(1, { requestedByPlayer: false, inLookahead: false, holders: ['a'] })]),
    expected: [],
  },
  {
    name: 'beyond the look-ahead but asked for → fetched',
    snapshot: snapshot([segment(1, { inLookahead: false, holders: ['a'] })]),
    expected: [{ action: 'p2p', key: key(1), reason: 'p2p-fits', peerIds: ['a'] }],
  },
  {
    name: 'running download no longer wanted (seek) → cancel',
    snapshot: snapshot([segment(1, { state: 'http', requestedByPlayer: false, inLookahead: false })]),
    expected: [{ action: 'cancel', key: key(1), reason: 'not-wanted' }],
  },
  {
    name: 'prefetch held by peers → P2P',
    snapshot: snapshot([segment(1, { requestedByPlayer: false, holders: ['a'] })]),
    expected: [{ action: 'p2p', key: key(1), reason: 'p2p-fits', peerIds: ['a'] }],
  },
  {
    name: 'prefetch held, P2P too slow for the deadline → P2P anyway (HTTP not allowed)',
    snapshot: snapshot([segment(1, { requestedByPlayer: false, deadlineMs: NOW + 2_500, holders: ['a'] })]),
    expected: [{ action: 'p2p', key: key(1), reason: 'p2p-prefetch', peerIds: ['a'] }],
  },
  {
    name: 'prefetch nobody holds, not chosen → wait for peers',
    snapshot: snapshot([segment(1, { requestedByPlayer: false })]),
    expected: [{ action: 'wait', key: key(1), reason: 'prefetch-waiting-for-peers', untilMs: Infinity }],
  },
  {
    name: 'prefetch nobody holds, not chosen, deadline close → still no HTTP',
    snapshot: snapshot([segment(1, { requestedByPlayer: false, deadlineMs: NOW + 1_000 })]),
    expected: [{ action: 'wait', key: key(1), reason: 'prefetch-waiting-for-peers', untilMs: Infinity }],
  },
  {
    name: 'prefetch of a rare live segment, chosen fetcher → HTTP (so the swarm gets it)',
    snapshot: snapshot([segment(1, { requestedByPlayer: false, originLottery: FETCHER })]),
    expected: [{ action: 'http', key: key(1), reason: 'origin-fetcher' }],
  },
  {
    name: 'prefetch in VOD → no origin lottery, no HTTP',
    snapshot: snapshot([segment(1, { requestedByPlayer: false, originLottery: 0 })], { live: false }),
    expected: [{ action: 'wait', key: key(1), reason: 'prefetch-waiting-for-peers', untilMs: Infinity }],
  },
  {
    name: 'done segments → nothing',
    snapshot: snapshot([segment(1, { state: 'done', receivedBytes: SIZE })]),
    expected: [],
  },

  // Concurrency limits, earliest deadline first.
  {
    name: 'P2P limit: the three earliest deadlines start, the fourth waits until it must use HTTP',
    snapshot: snapshot([
      segment(4, { deadlineMs: NOW + 40_000, holders: ['a'] }),
      segment(2, { deadlineMs: NOW + 20_000, holders: ['a'] }),
      segment(3, { deadlineMs: NOW + 30_000, holders: ['a'] }),
      segment(1, { deadlineMs: NOW + 10_000, holders: ['a'] }),
    ]),
    expected: [
      { action: 'p2p', key: key(1), reason: 'p2p-fits', peerIds: ['a'] },
      { action: 'p2p', key: key(2), reason: 'p2p-fits', peerIds: ['a'] },
      { action: 'p2p', key: key(3), reason: 'p2p-fits', peerIds: ['a'] },
      { action: 'wait', key: key(4), reason: 'p2p-slots-full', untilMs: NOW + 40_000 - 2_100 },
    ],
  },
  {
    name: 'P2P would fit, but its slots are full and the deadline is close → HTTP',
    // Fast peers (550 ms for the segment) so P2P fits a deadline that HTTP + margin (2,100 ms) no longer does.
    snapshot: snapshot(
      [
        segment(1, { state: 'p2p', deadlineMs: NOW + 10_000, holders: ['a'] }),
        segment(2, { state: 'p2p', deadlineMs: NOW + 10_000, holders: ['a'] }),
        segment(3, { state: 'p2p', deadlineMs: NOW + 10_000, holders: ['a'] }),
        segment(4, { deadlineMs: NOW + 2_000, holders: ['a'] }),
      ],
      { p2pEstimate: { bytesPerSec: 2_000_000, ttfbMs: 50 } },
    ),
    expected: [{ action: 'http', key: key(4), reason: 'deadline-close' }],
  },
  {
    name: 'HTTP limit counts running downloads; the earliest deadline gets the free slot',
    snapshot: snapshot(
      [
        segment(1, { state: 'http', deadlineMs: NOW + 1_000 }),
        segment(4, { deadlineMs: NOW + 4_000 }),
        segment(2, { deadlineMs: NOW + 2_000 }),
        segment(3, { deadlineMs: NOW + 3_000 }),
      ],
      { live: false },
    ),
    expected: [
      { action: 'http', key: key(2), reason: 'no-holders' },
      { action: 'wait', key: key(3), reason: 'http-slots-full', untilMs: Infinity },
      { action: 'wait', key: key(4), reason: 'http-slots-full', untilMs: Infinity },
    ],
  },
  {
    name: 'http-rest takes an HTTP slot and frees a P2P slot for the next deadline',
    snapshot: snapshot([
      segment(1, { state: 'p2p', deadlineMs: NOW + 3_000, holders: ['a'], receivedBytes: 200_000, p2pBytesPerSecNow: 100_000 }),
      segment(2, { state: 'p2p', deadlineMs: NOW + 20_000, holders: ['a'] }),
      segment(3, { state: 'p2p', deadlineMs: NOW + 20_000, holders: ['a'] }),
      segment(4, { deadlineMs: NOW + 30_000, holders: ['a'] }),
    ]),
    expected: [
      { action: 'http-rest', key: key(1), reason: 'p2p-falling-behind' },
      { action: 'p2p', key: key(4), reason: 'p2p-fits', peerIds: ['a'] },
    ],
  },
  {
    name: 'a cancelled download frees its slot',
    snapshot: snapshot(
      [
        segment(1, { state: 'http', requestedByPlayer: false, inLookahead: false }),
        segment(2, { state: 'http' }),
        segment(3, { deadlineMs: NOW + 5_000 }),
      ],
      { live: false },
    ),
    expected: [
      { action: 'cancel', key: key(1), reason: 'not-wanted' },
      { action: 'http', key: key(3), reason: 'no-holders' },
    ],
  },
  {
    name: 'same deadline: the player’s request before a prefetch',
    snapshot: snapshot(
      [
        segment(1, { requestedByPlayer: false, deadlineMs: NOW + 10_000, holders: ['a'] }),
        segment(1, { deadlineMs: NOW + 10_000, holders: ['a'], key: key(1, 'audio') }),
      ],
      { config: { ...DEFAULT_SCHEDULER_POLICY_CONFIG, maxParallelP2P: 1 } },
    ),
    expected: [
      { action: 'p2p', key: key(1, 'audio'), reason: 'p2p-fits', peerIds: ['a'] },
      { action: 'wait', key: key(1), reason: 'p2p-slots-full', untilMs: Infinity },
    ],
  },
];

describe('scheduler policy: decide()', () => {
  for (const { name, snapshot: input, expected } of CASES) {
    test(name, () => {
      // Frozen: decide must not mutate its input.
      assert.deepEqual(decide(deepFreeze(input)), expected);
    });
  }

  test('is deterministic: the same snapshot gives the same decisions', () => {
    for (const { snapshot: input } of CASES) assert.deepEqual(decide(input), decide(input));
  });
});

/** A small deterministic PRNG (mulberry32), standing in for the engine's per-segment draws. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('scheduler policy: origin fetchers scale with the swarm', () => {
  const k = DEFAULT_SCHEDULER_POLICY_CONFIG.originFetchersPerSegment;
  for (const swarmSize of [4, 16]) {
    test(`swarm of ${swarmSize}: about k/N of 1,000 draws fetch from the origin`, () => {
      const random = mulberry32(swarmSize);
      let fetchers = 0;
      for (let i = 0; i < 1_000; i++) {
        const [decision] = decide(snapshot([segment(i, { originLottery: random() })], { swarmSize }));
        if (decision?.action === 'http' && decision.reason === 'origin-fetcher') fetchers++;
        else assert.equal(decision?.action, 'wait');
      }
      const expected = k / swarmSize;
      // Binomial standard deviation is at most ~1.6 % for 1,000 draws; 5 points is three of them.
      assert.ok(Math.abs(fetchers / 1_000 - expected) < 0.05, `${fetchers / 1_000} vs ${expected}`);
    });
  }

  test('the expected fetchers per swarm stay k, whatever the size', () => {
    for (const swarmSize of [4, 16, 100, 10_000]) {
      assert.ok(Math.abs(originFetcherProbability(k, swarmSize) * swarmSize - k) < 1e-9);
    }
    assert.equal(originFetcherProbability(k, 2), 1);
    assert.equal(originFetcherProbability(k, 0), 1);
  });
});
