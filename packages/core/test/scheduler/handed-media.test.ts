import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HANDED_GAP_TOLERANCE_SEC, HandedMedia, MAX_HANDED_SPANS } from '../../src/scheduler/handed-media';

describe('HandedMedia: the run of handed segments leading up to a segment', () => {
  test('walks back over contiguous segments of the rendition, in any order they were handed', () => {
    const media = new HandedMedia();
    media.add({ renditionId: 'v0', startSec: 6, endSec: 8 });
    media.add({ renditionId: 'v0', startSec: 4, endSec: 6 });
    media.add({ renditionId: 'a0', startSec: 2, endSec: 4 });
    assert.equal(media.chainStartSec('v0', 8), 4);
    assert.equal(media.chainStartSec('a0', 4), 2);
    assert.equal(media.chainStartSec('v0', 10), 10, 'nothing ends at 10');
  });

  test('a gap within the tolerance joins; a larger one does not', () => {
    const media = new HandedMedia();
    media.add({ renditionId: 'v0', startSec: 0, endSec: 1.999 });
    media.add({ renditionId: 'v0', startSec: 2 + HANDED_GAP_TOLERANCE_SEC * 0.5, endSec: 4 });
    assert.equal(media.chainStartSec('v0', 4), 0);
    media.add({ renditionId: 'v1', startSec: 0, endSec: 1.5 });
    assert.equal(media.chainStartSec('v1', 2), 2);
  });

  test('bounded: only the last MAX_HANDED_SPANS are remembered; empty spans are ignored', () => {
    const media = new HandedMedia();
    for (let i = 0; i < MAX_HANDED_SPANS + 4; i++) media.add({ renditionId: 'v0', startSec: i * 2, endSec: i * 2 + 2 });
    media.add({ renditionId: 'v0', startSec: 100, endSec: 100 });
    assert.equal(media.chainStartSec('v0', (MAX_HANDED_SPANS + 4) * 2), 8);
  });
});
