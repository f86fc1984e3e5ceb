/**
 * The demo origin over real HTTP on 127.0.0.1: VOD files, Range, CORS, the live sliding window on a fake
 * clock (media sequence, unique segment URLs, the wrap's discontinuity), throttling, counters and the
 * scripted outage of fault tests (`failWith`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MEDIA_DIR, startOrigin, type RunningOrigin } from '../src/origin';
import { parseRangeHeader } from '../src/http/respond';
import { parseVodMediaPlaylist, type VodMediaPlaylist } from '../src/hls/vod-playlist';

const SEGMENT_MS = 2000;
const WINDOW = 6;

function media(path: string): Promise<Buffer> {
  return readFile(join(DEFAULT_MEDIA_DIR, ...path.split('/')));
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** Segment URIs of a media playlist, in order. */
function urisOf(playlist: string): string[] {
  return playlist.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

function tagValue(playlist: string, tag: string): number | undefined {
  const match = new RegExp(`^#${tag}:(\\d+)$`, 'm').exec(playlist);
  return match ? Number(match[1]) : undefined;
}

describe('demo origin', () => {
  let nowMs = 1_000_000;
  let origin: RunningOrigin;
  let vod: VodMediaPlaylist;
  let segmentsPerLoop: number;
  const get = (path: string, init?: RequestInit) => fetch(origin.url + path, init);

  before(async () => {
    origin = await startOrigin({ nowMs: () => nowMs, live: { windowSegments: WINDOW } });
    vod = parseVodMediaPlaylist((await media('hls-ts/v0/index.m3u8')).toString('utf8'));
    segmentsPerLoop = vod.segments.length;
  });
  after(() => origin.close());

  it('serves VOD master and media playlists as files, with playlist headers and CORS', async () => {
    for (const path of ['hls-ts/master.m3u8', 'hls-fmp4/v1/index.m3u8', 'hls-ts-byterange/v0/index.m3u8']) {
      const response = await get(`/vod/${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), 'application/vnd.apple.mpegurl');
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.match(response.headers.get('access-control-expose-headers') ?? '', /Content-Range/);
      assert.deepEqual(await bytesOf(response), await media(path));
    }
    const segment = await get('/vod/hls-fmp4/v0/seg-3.m4s');
    assert.equal(segment.headers.get('content-type'), 'video/iso.segment');
    assert.deepEqual(await bytesOf(segment), await media('hls-fmp4/v0/seg-3.m4s'));
    assert.equal((await get('/vod/hls-ts/v0/nope.ts')).status, 404);
    assert.equal((await get('/vod/%2e%2e/%2e%2e/package.json')).status, 404);
    assert.equal((await get('/elsewhere')).status, 404);
  });

  it('answers Range with 206 and the exact bytes; 416 past the end', async () => {
    const file = await media('hls-ts/v0/seg-1.ts');
    const partial = await get('/vod/hls-ts/v0/seg-1.ts', { headers: { Range: 'bytes=188-1127' } });
    assert.equal(partial.status, 206);
    assert.equal(partial.headers.get('content-range'), `bytes 188-1127/${file.length}`);
    assert.equal(partial.headers.get('content-length'), '940');
    assert.deepEqual(await bytesOf(partial), file.subarray(188, 1128));
    const suffix = await get('/vod/hls-ts/v0/seg-1.ts', { headers: { Range: 'bytes=-100' } });
    assert.deepEqual(await bytesOf(suffix), file.subarray(file.length - 100));
    const beyond = await get('/vod/hls-ts/v0/seg-1.ts', { headers: { Range: `bytes=${file.length}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${file.length}`);
    assert.deepEqual(parseRangeHeader('bytes=5-', 10), { startByte: 5, endByte: 9 });
    assert.deepEqual(parseRangeHeader('bytes=0-99', 10), { startByte: 0, endByte: 9 });
    assert.equal(parseRangeHeader('bytes=0-1,4-5', 10), undefined);
  });

  it('serves each byte-range segment of the single-file variant exactly', async () => {
    const playlist = parseVodMediaPlaylist(await (await get('/vod/hls-ts-byterange/v1/index.m3u8')).text());
    const whole = await media('hls-ts-byterange/v1/media.ts');
    const perSegment = parseVodMediaPlaylist((await media('hls-ts/v1/index.m3u8')).toString('utf8'));
    assert.equal(playlist.segments.length, perSegment.segments.length);
    const third = playlist.segments[2]?.byteRange;
    assert.ok(third);
    const endByte = third.offsetBytes + third.lengthBytes - 1;
    const response = await get('/vod/hls-ts-byterange/v1/media.ts', { headers: { Range: `bytes=${third.offsetBytes}-${endByte}` } });
    assert.equal(response.status, 206);
    assert.deepEqual(await bytesOf(response), whole.subarray(third.offsetBytes, endByte + 1));
  });

  it('answers CORS preflights', async () => {
    const response = await get('/live/hls-ts/v0/index.m3u8', {
      method: 'OPTIONS',
      headers: { Origin: 'http://page.example', 'Access-Control-Request-Headers': 'range' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Range/);
  });

  it('serves the live master playlist as is and advances the media sequence in real time', async () => {
    assert.deepEqual(await bytesOf(await get('/live/hls-ts/master.m3u8')), await media('hls-ts/master.m3u8'));
    const start = await (await get('/live/hls-ts/v0/index.m3u8')).text();
    assert.equal(tagValue(start, 'EXT-X-MEDIA-SEQUENCE'), 0);
    assert.equal(tagValue(start, 'EXT-X-TARGETDURATION'), 2);
    assert.doesNotMatch(start, /#EXT-X-ENDLIST/);
    assert.deepEqual(urisOf(start), ['seg-0.ts', 'seg-1.ts', 'seg-2.ts', 'seg-3.ts', 'seg-4.ts', 'seg-5.ts']);
    nowMs += SEGMENT_MS - 1;
    assert.equal(tagValue(await (await get('/live/hls-ts/v0/index.m3u8')).text(), 'EXT-X-MEDIA-SEQUENCE'), 0);
    nowMs += 1;
    const later = await (await get('/live/hls-ts/v0/index.m3u8')).text();
    assert.equal(tagValue(later, 'EXT-X-MEDIA-SEQUENCE'), 1);
    assert.deepEqual(urisOf(later).at(-1), 'seg-6.ts');
    assert.deepEqual(origin.livePlaylistState('/live/hls-ts/v0/index.m3u8'), { firstMediaSequence: 1, publishedCount: 7 });
    const fmp4 = await (await get('/live/hls-fmp4/v1/index.m3u8')).text();
    assert.match(fmp4, /#EXT-X-MAP:URI="init_1.mp4"/);
    assert.deepEqual(await bytesOf(await get('/live/hls-fmp4/v1/init_1.mp4')), await media('hls-fmp4/v1/init_1.mp4'));
  });

  it('maps unique live segment URLs to the VOD bytes of segment k mod N; future segments are 404', async () => {
    const playlist = await (await get('/live/hls-ts/v1/index.m3u8')).text();
    for (const uri of urisOf(playlist)) {
      const k = Number(/seg-(\d+)\.ts/.exec(uri)?.[1]);
      const response = await get(`/live/hls-ts/v1/${uri}`);
      assert.equal(response.status, 200, uri);
      assert.equal(response.headers.get('content-type'), 'video/mp2t');
      assert.deepEqual(await bytesOf(response), await media(`hls-ts/v1/seg-${k % segmentsPerLoop}.ts`), uri);
    }
    const edge = origin.livePlaylistState('/live/hls-ts/v1/index.m3u8')?.publishedCount ?? 0;
    assert.equal((await get(`/live/hls-ts/v1/seg-${edge}.ts`)).status, 404);
    assert.deepEqual(origin.resolveLivePath(`hls-ts/v1/seg-${segmentsPerLoop + 2}.ts`), {
      vodPath: 'hls-ts/v1/seg-2.ts',
      published: false,
    });
  });

  it('marks the loop wrap with a discontinuity and counts it in the discontinuity sequence', async () => {
    // Move the live edge two segments past the first wrap: the window spans it.
    const wrapSequence = segmentsPerLoop;
    const edgeNow = origin.livePlaylistState('/live/hls-ts/v0/index.m3u8')?.publishedCount ?? 0;
    nowMs += (wrapSequence + 2 - edgeNow) * SEGMENT_MS;
    const spanning = await (await get('/live/hls-ts/v0/index.m3u8')).text();
    assert.equal(tagValue(spanning, 'EXT-X-DISCONTINUITY-SEQUENCE'), 0);
    const lines = spanning.split('\n');
    const wrapAt = lines.indexOf(`seg-${wrapSequence}.ts`);
    assert.ok(wrapAt > 0, spanning);
    assert.equal(lines[wrapAt - 2], '#EXT-X-DISCONTINUITY');
    assert.equal(spanning.match(/#EXT-X-DISCONTINUITY\n/g)?.length, 1);
    assert.deepEqual(await bytesOf(await get(`/live/hls-ts/v0/seg-${wrapSequence}.ts`)), await media('hls-ts/v0/seg-0.ts'));
    // Once the wrap is the window's first segment, the tag goes and the sequence counts it.
    nowMs += (WINDOW - 2) * SEGMENT_MS;
    const past = await (await get('/live/hls-ts/v0/index.m3u8')).text();
    assert.equal(tagValue(past, 'EXT-X-MEDIA-SEQUENCE'), wrapSequence);
    assert.equal(tagValue(past, 'EXT-X-DISCONTINUITY-SEQUENCE'), 1);
    assert.doesNotMatch(past, /#EXT-X-DISCONTINUITY\n/);
  });

  it('serves the byte-range variant live, one file URL per loop', async () => {
    const playlist = await (await get('/live/hls-ts-byterange/v0/index.m3u8')).text();
    const parsed = parseVodMediaPlaylist(playlist);
    const firstSequence = tagValue(playlist, 'EXT-X-MEDIA-SEQUENCE') ?? -1;
    const whole = await media('hls-ts-byterange/v0/media.ts');
    for (const [i, segment] of parsed.segments.entries()) {
      const k = firstSequence + i;
      assert.equal(segment.uri, `loop-${Math.floor(k / segmentsPerLoop)}/media.ts`);
      const range = segment.byteRange;
      assert.ok(range);
      const endByte = range.offsetBytes + range.lengthBytes - 1;
      const response = await get(`/live/hls-ts-byterange/v0/${segment.uri}`, { headers: { Range: `bytes=${range.offsetBytes}-${endByte}` } });
      assert.equal(response.status, 206);
      assert.deepEqual(await bytesOf(response), whole.subarray(range.offsetBytes, endByte + 1));
    }
    assert.equal((await get('/live/hls-ts-byterange/v0/loop-99/media.ts')).status, 404);
  });

  it('throttles: first-byte delay and bandwidth, from options or the query string', async () => {
    origin.setThrottle({ firstByteDelayMs: 150 });
    let startMs = Date.now();
    await (await get('/vod/hls-ts/master.m3u8')).text();
    assert.ok(Date.now() - startMs >= 140, `first byte after ${Date.now() - startMs} ms`);
    origin.setThrottle({ firstByteDelayMs: 0 });
    const file = await media('hls-ts/v0/seg-2.ts');
    const bytesPerSec = Math.ceil(file.length / 0.4); // ~400 ms for the whole segment
    startMs = Date.now();
    const body = await bytesOf(await get(`/vod/hls-ts/v0/seg-2.ts?bytesPerSec=${bytesPerSec}`));
    const elapsedMs = Date.now() - startMs;
    assert.deepEqual(body, file);
    assert.ok(elapsedMs >= 330 && elapsedMs < 2000, `throttled body took ${elapsedMs} ms`);
    startMs = Date.now();
    await (await get('/vod/hls-ts/v0/seg-2.ts')).arrayBuffer();
    assert.ok(Date.now() - startMs < 200, 'unthrottled again');
  });

  it('counts requests and bytes per prefix and per path, over /stats too', async () => {
    origin.resetStats();
    const file = await media('hls-ts/v0/seg-4.ts');
    await (await get('/vod/hls-ts/v0/seg-4.ts')).arrayBuffer();
    await (await get('/vod/hls-ts/v0/seg-4.ts', { headers: { Range: 'bytes=0-99' } })).arrayBuffer();
    await (await get('/live/hls-fmp4/master.m3u8')).arrayBuffer();
    const stats = origin.stats();
    assert.deepEqual(stats.byPath['/vod/hls-ts/v0/seg-4.ts'], { requests: 2, bytes: file.length + 100 });
    assert.deepEqual(stats.byPrefix['/vod/hls-ts'], { requests: 2, bytes: file.length + 100 });
    assert.equal(stats.byPrefix['/live/hls-fmp4']?.requests, 1);
    assert.equal(stats.total.requests, 3);
    const overHttp = (await (await get('/stats')).json()) as typeof stats;
    assert.deepEqual(overHttp.byPath, stats.byPath);
    assert.ok(overHttp.live['/live/hls-ts/v0/index.m3u8']);
    assert.deepEqual(overHttp.byRange, stats.byRange);
    assert.equal((await get('/stats/reset', { method: 'POST' })).status, 204);
    assert.equal(origin.stats().total.requests, 0);
    assert.deepEqual(origin.stats().byRange, {});
  });
  it('counts media Range requests per path and served range; whole-file requests and playlists by path only', async () => {
    origin.resetStats();
    const path = '/vod/hls-fmp4-byterange/v0/media.mp4';
    const size = (await media('hls-fmp4-byterange/v0/media.mp4')).length;
    for (const range of ['bytes=1316-80199', 'bytes=1316-80199', `bytes=${size - 10}-${size + 100}`]) {
      await (await get(path, { headers: { Range: range } })).arrayBuffer();
    }
    await (await get(path)).arrayBuffer();
    await (await get('/vod/hls-fmp4-byterange/v0/index.m3u8', { headers: { Range: 'bytes=0-9' } })).arrayBuffer();
    assert.deepEqual(origin.stats().byRange, {
      [path]: { '1316-80199': { requests: 2, bytes: 2 * 78884 }, [`${size - 10}-${size - 1}`]: { requests: 1, bytes: 10 } },
    });
  });
  it('fails media requests with the outage status for its duration, segments only when scoped so; no request starts one', async () => {
    origin.resetStats();
    const segment = '/vod/hls-ts/v0/seg-4.ts';
    const playlist = '/live/hls-ts/v0/index.m3u8';
    assert.equal((await get(`${segment}?status=503&failWith=503`)).status, 200, 'no query string reaches the outage');
    origin.failWith({ status: 503, durationMs: 10_000 });
    const failed = await get(segment);
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('access-control-allow-origin'), '*', 'an outage answer keeps CORS: players see its status');
    await failed.arrayBuffer();
    assert.equal((await get(playlist)).status, 503, 'scope all: playlists too');
    assert.equal((await get('/config.json')).status, 404, 'non-media paths are not the origin\'s');
    nowMs += 9_999;
    assert.equal((await get(segment)).status, 503);
    nowMs += 1;
    assert.equal((await get(segment)).status, 200, 'the outage ends after durationMs');
    assert.deepEqual(origin.stats().outage, { failedRequests: 3, active: false });

    origin.failWith({ status: 500, durationMs: 5_000, scope: 'segments' });
    assert.equal((await get(segment)).status, 500);
    assert.equal((await get(playlist)).status, 200, 'scope segments: playlists are served');
    assert.equal((await get('/live/hls-ts/master.m3u8.integrity.json')).status, 200, 'and integrity manifests');
    origin.failWith({ status: 500, durationMs: 0 });
    assert.equal((await get(segment)).status, 200, 'durationMs 0 ends the outage');
    assert.throws(() => origin.failWith({ status: 404, durationMs: 1000 }), RangeError);
    assert.throws(() => origin.failWith({ status: 503, durationMs: -1 }), RangeError);
  });
});
