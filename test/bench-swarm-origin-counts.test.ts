/**
 * The swarm benchmark's origin requests per segment (bench/swarm/origin-counts.ts): the same figure for a
 * file-per-segment layout and a single-file one, whatever the player's range requests look like.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MEDIA_DIR } from '../demo/src/origin';
import { mediaStartByte, originSegmentCounts, repeatedSegments, singleFilePaths } from '../bench/swarm/origin-counts';

const FILE = '/vod/hls-fmp4-byterange/v0/media.mp4';
const counter = (requests: number, bytes: number) => ({ requests, bytes });

describe('origin counts per segment', () => {
  it('file per segment: a path is a segment, init segments and playlists are left out', () => {
    const counts = originSegmentCounts({
      '/vod/hls-ts/v0/seg-1.ts': counter(3, 300),
      '/vod/hls-ts/v0/seg-2.ts': counter(1, 100),
      '/vod/hls-fmp4/v0/init.mp4': counter(4, 40),
      '/vod/hls-ts/v0/index.m3u8': counter(9, 90),
      '/live/dash/chunk-0-00012.m4s': counter(2, 20),
    });
    assert.deepEqual(counts, { segments: 3, requests: 6, bytes: 420, distinctBytes: 210, requestsPerSegment: 2 });
  });

  it('single file: a segment is a requested range; init and sidx ranges before the first media byte are left out', () => {
    const byRange = { [FILE]: { '0-99': counter(3, 300), '100-199': counter(3, 300), '200-399': counter(2, 400), '400-599': counter(1, 200) } };
    const counts = originSegmentCounts({ [FILE]: counter(9, 1200) }, byRange, { [FILE]: 200 });
    assert.deepEqual(counts, { segments: 2, requests: 3, bytes: 600, distinctBytes: 400, requestsPerSegment: 1.5 });
    assert.deepEqual(repeatedSegments({ [FILE]: counter(9, 1200) }, byRange, { [FILE]: 200 }), { [`${FILE} bytes=200-399`]: 2 });
  });

  it('single file: a range inside a requested range (a tail a peer did not deliver) counts toward that segment', () => {
    const byRange = { [FILE]: { '1000-1999': counter(2, 2000), '1500-1999': counter(1, 500), '2000-2999': counter(1, 1000) } };
    const counts = originSegmentCounts({}, byRange, { [FILE]: 1000 });
    assert.deepEqual(counts, { segments: 2, requests: 4, bytes: 3500, distinctBytes: 2000, requestsPerSegment: 2 });
  });

  it('single file: a range spanning or overlapping others is a segment of its own; distinct bytes count each byte once', () => {
    const byRange = { [FILE]: { '0-99': counter(1, 100), '100-199': counter(1, 100), '50-149': counter(1, 100), '0-199': counter(1, 200) } };
    // 0-199 holds the other three: one segment of 4 requests, 200 distinct bytes.
    assert.deepEqual(originSegmentCounts({}, byRange), { segments: 1, requests: 4, bytes: 500, distinctBytes: 200, requestsPerSegment: 4 });
    const overlapping = { [FILE]: { '0-99': counter(1, 100), '50-149': counter(1, 100) } };
    assert.deepEqual(originSegmentCounts({}, overlapping), { segments: 2, requests: 2, bytes: 200, distinctBytes: 150, requestsPerSegment: 1 });
  });

  it('ranges of a file-per-segment path stay counted by path; unsent ranges add no distinct bytes', () => {
    const byRange = { '/vod/hls-ts/v0/seg-1.ts': { '0-99': counter(1, 100) }, [FILE]: { '0-99': counter(1, 0) } };
    assert.deepEqual(singleFilePaths(byRange), [FILE]);
    const counts = originSegmentCounts({ '/vod/hls-ts/v0/seg-1.ts': counter(2, 400) }, byRange);
    assert.deepEqual(counts, { segments: 2, requests: 3, bytes: 400, distinctBytes: 200, requestsPerSegment: 1.5 });
  });

  it('finds the first media byte of the demo media: after init (and sidx) in fMP4, 0 in MPEG-TS', async () => {
    const head = async (path: string) => mediaStartByte(await readFile(join(DEFAULT_MEDIA_DIR, ...path.split('/'))));
    assert.equal(await head('hls-fmp4-byterange/v0/media.mp4'), 1316, 'EXT-X-MAP BYTERANGE 1316@0');
    assert.equal(await head('dash-single/media-0.mp4'), 1008, 'SegmentBase init 0-787, indexRange 788-1007');
    assert.equal(await head('hls-ts-byterange/v0/media.ts'), 0);
    assert.equal(mediaStartByte(new Uint8Array([0, 0, 0, 8, 0x66, 0x74, 0x79, 0x70])), 8, 'an init file alone: no media');
  });
});
