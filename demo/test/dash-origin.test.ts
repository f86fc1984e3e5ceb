/**
 * The demo origin's DASH: the VOD MPDs as files (SegmentTemplate, and the single-file media described by
 * SegmentList and by SegmentBase ranges that match the files' boxes), and the live dynamic MPD on a fake
 * clock: availability, publishing, unique segment URLs, and media times that run on across the loop wrap.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MEDIA_DIR, startOrigin, type RunningOrigin } from '../src/origin';
import { firstDecodeTime, trackTimescale } from '../src/dash/fmp4-time';
import { parseDashVodTemplate, type DashVodTemplate } from '../src/dash/live-mpd';

const SEGMENT_MS = 2000;
const WINDOW = 6;
const START_MS = Date.UTC(2026, 0, 1);

function media(path: string): Promise<Buffer> {
  return readFile(join(DEFAULT_MEDIA_DIR, ...path.split('/')));
}

function attr(text: string, element: string, name: string): string | undefined {
  return new RegExp(`<${element}\\b[^>]*\\b${name}="([^"]*)"`).exec(text)?.[1];
}

describe('demo origin: DASH', () => {
  let nowMs = START_MS;
  let origin: RunningOrigin;
  let vod: DashVodTemplate;
  const get = (path: string, init?: RequestInit) => fetch(origin.url + path, init);
  const bytes = async (path: string, init?: RequestInit) => Buffer.from(await (await get(path, init)).arrayBuffer());

  before(async () => {
    origin = await startOrigin({ nowMs: () => nowMs, live: { windowSegments: WINDOW } });
    vod = parseDashVodTemplate((await media('dash/manifest.mpd')).toString('utf8'))!;
  });
  after(() => origin.close());

  it('reads the SegmentTemplate MPD as a loop of 2 s segments', () => {
    assert.ok(vod, 'the VOD MPD is loopable');
    assert.equal(vod.segmentDurationMs, SEGMENT_MS);
    assert.equal(vod.segmentsPerLoop, 15);
    assert.equal(vod.startNumber, 1);
  });

  it('serves the VOD MPDs as files with the DASH content type', async () => {
    for (const path of ['dash/manifest.mpd', 'dash-single/segmentlist.mpd', 'dash-single/segmentbase.mpd']) {
      const response = await get(`/vod/${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), 'application/dash+xml');
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), await media(path));
    }
  });

  it('SegmentBase ranges name the init boxes and the sidx of each file; SegmentList ranges tile the rest', async () => {
    const base = (await media('dash-single/segmentbase.mpd')).toString('utf8');
    const list = (await media('dash-single/segmentlist.mpd')).toString('utf8');
    const representations = [...base.matchAll(/<BaseURL>([^<]+)<\/BaseURL>\s*<SegmentBase indexRange="(\d+)-(\d+)"[^>]*>\s*<Initialization range="(\d+)-(\d+)"/g)];
    assert.equal(representations.length, 3);
    for (const [, file, indexStart, indexEnd, initStart, initEnd] of representations) {
      const init = await bytes(`/vod/dash-single/${file}`, { headers: { Range: `bytes=${initStart}-${initEnd}` } });
      assert.equal(init.toString('latin1', 4, 8), 'ftyp');
      assert.ok(trackTimescale(init) > 0, `${file}: the init range holds the moov`);
      const sidx = await bytes(`/vod/dash-single/${file}`, { headers: { Range: `bytes=${indexStart}-${indexEnd}` } });
      assert.equal(sidx.readUInt32BE(0), sidx.length, `${file}: the index range is exactly one box`);
      assert.equal(sidx.toString('latin1', 4, 8), 'sidx');
      assert.equal(Number(indexStart), Number(initEnd) + 1, `${file}: the sidx follows the init boxes`);
      // The SegmentList of the same file: its first media range starts right after the sidx.
      const firstMedia = new RegExp(`<BaseURL>${file}</BaseURL>[\\s\\S]*?<SegmentURL mediaRange="(\\d+)-`).exec(list)?.[1];
      assert.equal(Number(firstMedia), Number(indexEnd) + 1, `${file}: SegmentList media follow the sidx`);
    }
  });

  it('serves a dynamic MPD on the origin clock, with a UTCTiming the player can sync to', async () => {
    const mpd = await (await get('/live/dash/manifest.mpd')).text();
    assert.equal(attr(mpd, 'MPD', 'type'), 'dynamic');
    assert.equal(attr(mpd, 'MPD', 'mediaPresentationDuration'), undefined);
    assert.equal(attr(mpd, 'MPD', 'timeShiftBufferDepth'), `PT${(WINDOW * SEGMENT_MS) / 1000}S`);
    assert.ok(attr(mpd, 'MPD', 'minimumUpdatePeriod'));
    // WINDOW segments were out at start: stream time 0 lies that far in the past.
    assert.equal(Date.parse(attr(mpd, 'MPD', 'availabilityStartTime')!), nowMs - WINDOW * SEGMENT_MS);
    assert.equal(Date.parse(attr(mpd, 'UTCTiming', 'value')!), nowMs);
    assert.equal(attr(mpd, 'SegmentTemplate', 'media'), vod.mediaTemplate);
  });

  it('publishes segment number k once its end has passed; later numbers are 404', async () => {
    const elapsedSegments = Math.floor((nowMs - START_MS) / SEGMENT_MS);
    const published = WINDOW + elapsedSegments; // numbers 1..published are out
    assert.equal((await get(`/live/dash/chunk-0-${String(published).padStart(5, '0')}.m4s`)).status, 200);
    assert.equal((await get(`/live/dash/chunk-0-${String(published + 1).padStart(5, '0')}.m4s`)).status, 404);
    nowMs += SEGMENT_MS;
    assert.equal((await get(`/live/dash/chunk-0-${String(published + 1).padStart(5, '0')}.m4s`)).status, 200);
    assert.equal((await get('/live/dash/init-0.m4s')).status, 200);
  });

  it('live number k + N is VOD segment k moved one loop on: media times continue across the wrap', async () => {
    nowMs += 40 * SEGMENT_MS; // past the first wrap (15 segments a loop)
    for (const rep of ['0', '2']) {
      const timescale = trackTimescale(await media(`dash/init-${rep}.m4s`));
      for (const k of [2, 15]) {
        const vodBytes = await media(`dash/chunk-${rep}-${String(k).padStart(5, '0')}.m4s`);
        const first = await bytes(`/live/dash/chunk-${rep}-${String(k).padStart(5, '0')}.m4s`);
        const looped = await bytes(`/live/dash/chunk-${rep}-${String(k + vod.segmentsPerLoop).padStart(5, '0')}.m4s`);
        assert.deepEqual(first, vodBytes, 'the first loop is the VOD bytes');
        assert.equal(looped.length, vodBytes.length);
        assert.equal(firstDecodeTime(looped) - firstDecodeTime(vodBytes), 30 * timescale, `rep ${rep} #${k}: 30 s later`);
      }
    }
    // A Range of a moved segment is a slice of the moved bytes.
    const whole = await bytes('/live/dash/chunk-0-00017.m4s');
    const part = await bytes('/live/dash/chunk-0-00017.m4s', { headers: { Range: 'bytes=0-199' } });
    assert.deepEqual(part, whole.subarray(0, 200));
  });
});
