import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../src/config';
import { policyConfigOf, type SegmentSnapshot } from '../../src/scheduler/policy';
import { buildSnapshot, playbackAnchorSec, type PlaybackState, type SnapshotInput, type TaskView } from '../../src/scheduler/snapshot';
import { HandedMedia, type HandedSpan } from '../../src/scheduler/handed-media';
import type { PeerHolding, SwarmView } from '../../src/swarm/swarm-view';

function playback(fields: Partial<PlaybackState>): PlaybackState {
  return { positionSec: 0, rate: 1, bufferedUntilSec: 0, activeRenditions: ['v0'], ...fields };
}

/** A snapshot input with neutral defaults (one live 2 s stream, 1 MB/s estimates, no holders): tests set what they need. */
function snapshotInput(fields: Partial<SnapshotInput>): SnapshotInput {
  const estimate = { bytesPerSec: 1e6, ttfbMs: 50 };
  return {
    nowMs: 1000,
    tasks: [],
    registry: { live: true, segment: () => undefined, typicalDurationSec: () => 2 },
    swarm: { peerCount: 2, awaitingFirstPeer: false, peersHolding: () => [] },
    playback: playback({}),
    stored: { storedSizesBytes: () => [] },
    sizes: { sizeOf: () => undefined },
    maxSegmentBytes: 64 * 1024 * 1024,
    httpEstimate: estimate,
    p2pEstimate: estimate,
    policy: policyConfigOf(DEFAULT_CONFIG),
    prefetchLookaheadSec: 10,
    lastRequestedStartSec: undefined,
    ...fields,
  };
}

/** A task the player asked for, nothing received yet: tests set its key, segment and state. */
function playerTask(key: TaskView['key'], segment: TaskView['segment'], state: TaskView['state']): TaskView {
  return { key, segment, state, requestedByPlayer: true, sizeBytes: undefined, receivedBytes: 0, p2pBytesPerSecNow: () => undefined, originLottery: 0.5, createdAtMs: 0 };
}

describe('playbackAnchorSec: where the prefetch look-ahead starts', () => {
  const cases: Array<{ name: string; playback: PlaybackState; lastRequestedStartSec: number | undefined; expected: number | undefined }> = [
    { name: 'playing with media buffered at the playhead: the playhead', playback: playback({ positionSec: 30, bufferedUntilSec: 36 }), lastRequestedStartSec: 36, expected: 30 },
    { name: 'live before the first append (playhead 0, nothing buffered there): the last request', playback: playback({ positionSec: 0, bufferedUntilSec: 0 }), lastRequestedStartSec: 62, expected: 62 },
    { name: 'just seeked (nothing buffered at the new playhead): the last request', playback: playback({ positionSec: 120, bufferedUntilSec: 120 }), lastRequestedStartSec: 118, expected: 118 },
    { name: 'stalled mid-play: the last request', playback: playback({ positionSec: 40, bufferedUntilSec: 40 }), lastRequestedStartSec: 40, expected: 40 },
    { name: 'nothing buffered and nothing asked yet: nowhere (nothing is fetched ahead)', playback: playback({}), lastRequestedStartSec: undefined, expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(playbackAnchorSec(c.playback, c.lastRequestedStartSec), c.expected));
  }
});

describe('buildSnapshot: holders of a segment whose integrity entry is on its way', () => {
  const key = { renditionId: 'v0', segmentId: 7 };
  const segment = { url: 'https://origin.test/v0/7.ts', startTimeSec: 14, durationSec: 2 };
  const task = playerTask(key, segment, 'idle');
  const holding: PeerHolding[] = [
    { peer: { id: 'complete', remoteUploadEnabled: true }, held: { sizeBytes: 1000, partial: false, announcedAtMs: 0 } },
    { peer: { id: 'relaying', remoteUploadEnabled: true }, held: { sizeBytes: 1000, partial: true, announcedAtMs: 0 } },
  ];
  const swarm: SwarmView = { peerCount: 2, awaitingFirstPeer: false, peersHolding: () => holding };
  function snapshotWith(entryPending: boolean | undefined): SegmentSnapshot {
    const snapshot = buildSnapshot(
      snapshotInput({
        tasks: [task],
        swarm,
        playback: playback({ positionSec: 10, bufferedUntilSec: 14 }),
        ...(entryPending === undefined ? {} : { integrity: { entryPending: () => entryPending } }),
        lastRequestedStartSec: 14,
      }),
    );
    return snapshot.segments[0]!;
  }

  test('while the manifest fetch that may bring its hashes runs, they count as peers fetching it (the policy waits for them)', () => {
    const segment = snapshotWith(true);
    assert.deepEqual(segment.holders, []);
    assert.deepEqual(segment.partialHolders, []);
    assert.equal(segment.fetchingHolders, 2);
  });

  test('with its entry in (or no manifest, or none coming), they are holders', () => {
    for (const entryPending of [false, undefined]) {
      const segment = snapshotWith(entryPending);
      assert.deepEqual(segment.holders, ['complete']);
      assert.deepEqual(segment.partialHolders.map(({ peerId }) => peerId), ['relaying']);
      assert.equal(segment.fetchingHolders, 0);
    }
  });
});

describe('buildSnapshot: the measured uplink (policy rule 3, fast uploaders)', () => {
  function uplinkSeen(uplinkBytesPerSec: number | undefined): number | undefined {
    const swarm: SwarmView = { peerCount: 2, awaitingFirstPeer: false, peersHolding: () => [], ...(uplinkBytesPerSec === undefined ? {} : { uplinkBytesPerSec }) };
    return buildSnapshot(snapshotInput({ swarm })).uplinkBytesPerSec;
  }

  test('the swarm\'s measured uplink reaches the policy; none before it is measured', () => {
    assert.equal(uplinkSeen(750_000), 750_000);
    assert.equal(uplinkSeen(undefined), undefined);
  });
});

describe('buildSnapshot: deadlines of what the player asked for before anything is buffered at the playhead', () => {
  function task(renditionId: string, startTimeSec: number, state: TaskView['state']): TaskView {
    const segment = { url: `https://origin.test/${renditionId}/${startTimeSec}.m4s`, startTimeSec, durationSec: 2 };
    return playerTask({ renditionId, segmentId: startTimeSec * 1000 }, segment, state);
  }
  function deadlinesMs(tasks: TaskView[], state: PlaybackState): number[] {
    const swarm: SwarmView = { peerCount: 1, awaitingFirstPeer: false, peersHolding: () => [] };
    return buildSnapshot(snapshotInput({ tasks, swarm, playback: state, lastRequestedStartSec: 248 })).segments.map((segment) => segment.deadlineAtMs - 1000);
  }

  test('Shaka live start: the playhead seeked past the first segment asked for counts, not that segment (the audio after the start point is needed in under a second)', () => {
    // Video 246 still loading, audio 248 asked for; Shaka put the playhead at 247.04, nothing buffered there yet.
    const [video246, audio248] = deadlinesMs([task('video', 246, 'http'), task('audio', 248, 'idle')], playback({ positionSec: 247.04, bufferedUntilSec: 0, activeRenditions: ['video', 'audio'] }));
    assert.equal(video246, 0);
    assert.ok(Math.abs(audio248! - 960) < 1, `audio 248 needed in ${audio248} ms`);
  });

  test('hls.js live start (playhead still at 0): counted from the first segment asked for', () => {
    const [first, second] = deadlinesMs([task('video', 246, 'http'), task('video', 248, 'idle')], playback({ positionSec: 0, bufferedUntilSec: 0, activeRenditions: ['video'] }));
    assert.equal(first, 0);
    assert.equal(second, 2000);
  });
});

describe('buildSnapshot: which segments the player waits for now (policy rule 10)', () => {
  function task(startTimeSec: number, requestedByPlayer = true): TaskView {
    const segment = { url: `https://origin.test/v0/${startTimeSec}.ts`, startTimeSec, durationSec: 2 };
    return { ...playerTask({ renditionId: 'v0', segmentId: startTimeSec }, segment, 'idle'), requestedByPlayer };
  }
  function waiting(tasks: TaskView[], state: PlaybackState | undefined): boolean[] {
    return buildSnapshot(snapshotInput({ tasks, playback: state, lastRequestedStartSec: 10 })).segments.map((segment) => segment.playerWaiting === true);
  }

  test('starting (nothing buffered): the first segment asked for, not the one after it nor a prefetch', () => {
    assert.deepEqual(waiting([task(10), task(12), task(14, false)], playback({ positionSec: 0, bufferedUntilSec: 0 })), [true, false, false]);
  });

  test('stalled mid-play (nothing buffered at the playhead): the segment at the playhead', () => {
    assert.deepEqual(waiting([task(10)], playback({ positionSec: 10.5, bufferedUntilSec: 10.5 })), [true]);
  });

  test('buffered ahead of it, or playback not reported: no', () => {
    assert.deepEqual(waiting([task(10)], playback({ positionSec: 8, bufferedUntilSec: 10 })), [false]);
    assert.deepEqual(waiting([task(10)], undefined), [false]);
  });
});

describe('buildSnapshot: segments handed to the player before its buffer reports them (handed-media.ts)', () => {
  function task(startTimeSec: number): TaskView {
    const segment = { url: `https://origin.test/v0/${startTimeSec}.m4s`, startTimeSec, durationSec: 2 };
    return playerTask({ renditionId: 'v0', segmentId: startTimeSec / 2 }, segment, 'idle');
  }
  function neededIn(startTimeSec: number, state: PlaybackState, handed: HandedSpan[], live = false): { deadlineMs: number; waiting: boolean } {
    const media = new HandedMedia();
    for (const span of handed) media.add(span);
    const input = snapshotInput({
      registry: { live, segment: () => undefined, typicalDurationSec: () => 2 },
      tasks: [task(startTimeSec)],
      playback: state,
      lastRequestedStartSec: startTimeSec,
      handedLeadsUpTo: (renditionId, startSec) => media.leadsUpTo(renditionId, startSec),
    });
    const [segment] = buildSnapshot(input).segments;
    return { deadlineMs: segment!.deadlineAtMs - 1000, waiting: segment!.playerWaiting === true };
  }
  const span = (startSec: number, renditionId = 'v0'): HandedSpan => ({ renditionId, startSec, endSec: startSec + 2 });

  test('VOD from 0: the second segment, asked for before the first is appended, is no stall (rule 10 does not apply); its deadline stays the buffer\'s', () => {
    assert.deepEqual(neededIn(2, playback({ positionSec: 0, bufferedUntilSec: 0 }), [span(0)]), { deadlineMs: 0, waiting: false });
  });

  test('VOD from 4 s, the playhead still at 0 until the first append: no stall either', () => {
    assert.deepEqual(neededIn(6, playback({ positionSec: 0, bufferedUntilSec: 0 }), [span(4)]), { deadlineMs: 0, waiting: false });
    assert.deepEqual(neededIn(8, playback({ positionSec: 0, bufferedUntilSec: 0 }), [span(4), span(6)]), { deadlineMs: 0, waiting: false });
  });

  test('stalled at the segment\'s start: waiting, whatever was handed before it', () => {
    assert.deepEqual(neededIn(10, playback({ positionSec: 9.98, bufferedUntilSec: 9.98 }), [span(8)]), { deadlineMs: 0, waiting: true });
  });

  test('live: rule 10 still applies (the second live segment is on hls.js\'s way to its first frame)', () => {
    assert.deepEqual(neededIn(2, playback({ positionSec: 0, bufferedUntilSec: 0 }), [span(0)], true), { deadlineMs: 0, waiting: true });
  });

  test('nothing handed leads up to it (another rendition, a gap, nothing): the reported buffer alone', () => {
    const starting = playback({ positionSec: 0, bufferedUntilSec: 0 });
    assert.deepEqual(neededIn(2, starting, [span(0, 'v1')]), { deadlineMs: 0, waiting: true });
    assert.deepEqual(neededIn(6, starting, [span(0)]), { deadlineMs: 0, waiting: true });
    assert.deepEqual(neededIn(2, starting, []), { deadlineMs: 0, waiting: true });
  });
});
