/** The origin's per-range counters: keys as served ranges, a cap on paths, snapshots that stay put. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRangeKey, RangeCounts, rangeKeyOf } from '../src/http/range-counts';

describe('range counts', () => {
  it('keys a range start-end, inclusive, and reads the key back', () => {
    assert.equal(rangeKeyOf({ startByte: 1316, endByte: 80199 }), '1316-80199');
    assert.deepEqual(parseRangeKey('1316-80199'), { startByte: 1316, endByte: 80199 });
    for (const bad of ['', '5-', '-5', '9-3', 'bytes=0-1']) assert.equal(parseRangeKey(bad), undefined, bad);
  });

  it('counts requests and bytes per path and range, and drops the oldest path past the cap', () => {
    const counts = new RangeCounts(2);
    counts.count('/a', { startByte: 0, endByte: 9 }, 1, 0);
    counts.count('/a', { startByte: 0, endByte: 9 }, 0, 10);
    counts.count('/a', { startByte: 10, endByte: 19 }, 1, 4);
    const before = counts.snapshot();
    counts.count('/b', { startByte: 0, endByte: 0 }, 1, 1);
    counts.count('/c', { startByte: 0, endByte: 0 }, 1, 1);
    assert.deepEqual(before, { '/a': { '0-9': { requests: 1, bytes: 10 }, '10-19': { requests: 1, bytes: 4 } } });
    assert.deepEqual(Object.keys(counts.snapshot()), ['/b', '/c']);
  });
});
