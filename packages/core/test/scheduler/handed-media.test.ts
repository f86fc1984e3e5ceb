import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HANDED_GAP_TOLERANCE_SEC, HandedMedia, MAX_HANDED_SPANS } from '../../src/scheduler/handed-media';

describe('HandedMedia: whether a handed segment leads up to a segment', () => {
  test('one of the same rendition ending where it starts, in any order they were handed', () => {
    const media = new HandedMedia();
    media.add({ renditionId: 'v0', startSec: 6, endSec: 8 });
    media.add({ renditionId: 'v0', startSec: 4, endSec: 6 });
    media.add({ renditionId: 'a0', startSec: 2, endSec: 4 });
    assert.equal(media.leadsUpTo('v0', 8), true);
    assert.equal(media.leadsUpTo('v0', 6), true);
    assert.equal(media.leadsUpTo('a0', 4), true);
    assert.equal(media.leadsUpTo('v0', 4), false, 'another rendition ends at 4');
    assert.equal(media.leadsUpTo('v0', 10), false, 'nothing ends at 10');
  });

  test('a gap within the tolerance joins; a larger one does not', () => {
    const media = new HandedMedia();
    media.add({ renditionId: 'v0', startSec: 0, endSec: 2 - HANDED_GAP_TOLERANCE_SEC * 0.5 });
    assert.equal(media.leadsUpTo('v0', 2), true);
    media.add({ renditionId: 'v1', startSec: 0, endSec: 1.5 });
    assert.equal(media.leadsUpTo('v1', 2), false);
  });

  test('bounded: only the last MAX_HANDED_SPANS are remembered; empty spans are ignored', () => {
    const media = new HandedMedia();
    for (let i = 0; i < MAX_HANDED_SPANS + 4; i++) media.add({ renditionId: 'v0', startSec: i * 2, endSec: i * 2 + 2 });
    media.add({ renditionId: 'v0', startSec: 100, endSec: 100 });
    assert.equal(media.leadsUpTo('v0', 8), false, 'the span ending at 8 was forgotten');
    assert.equal(media.leadsUpTo('v0', 10), true, 'the oldest one kept ends at 10');
    assert.equal(media.leadsUpTo('v0', 100), false);
  });
});
