import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { playbackAnchorSec, type PlaybackState } from '../../src/scheduler/snapshot';

function playback(fields: Partial<PlaybackState>): PlaybackState {
  return { positionSec: 0, rate: 1, bufferedUntilSec: 0, activeRenditions: ['v0'], ...fields };
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
