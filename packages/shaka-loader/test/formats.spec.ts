/// <reference types="mocha" />
/**
 * The plugin under real Shaka Player on every kind of stream the demo media has besides plugin.spec.ts's
 * SegmentTemplate $Number$: DASH SegmentBase (one file, sidx byte ranges), SegmentTimeline with $Time$,
 * SegmentList, HLS MPEG-TS, HLS fMP4 and HLS TS byte ranges. Each plays
 * with its media segments through the engine. For HLS, the renditions and segments Shaka describes to the
 * engine are the ones hls.js (with Shoal's hls.js adapter) describes for the same stream: same rendition
 * ids, same segment ids (media sequence numbers) for the same URL and byte range, so viewers of both
 * players meet in one swarm and trade segments.
 */
import Hls from 'hls.js';
import shaka from 'shaka-player';
import { renditionIdOf, type RenditionDescription, type SegmentDescription } from '@shoal/core';
import { attachShoal as attachShoalHls, shoalHlsConfig } from '@shoal/hlsjs-loader';
import { attachShoal, registerShoal } from '../src/index';
import { waitUntil } from '../../core/test/support/wait';
import { assert, createEngine, newPlayer, newVideo, page, type SpiedEngine } from './support/page';

const MEDIA = '/base/demo/media';

interface Played {
  spied: SpiedEngine;
}

/** Shaka with Shoal plays `url` past 3 s; the spied engine is returned (destroyed). */
async function playWithShaka(url: string): Promise<Played> {
  const spied = createEngine();
  const video = newVideo();
  const { player } = newPlayer(video);
  const shoal = attachShoal(player, spied.engine);
  try {
    await player.load(url);
    await video.play();
    await waitUntil(() => video.currentTime > 3, `Shaka playing ${url} past 3 s`);
  } finally {
    shoal.destroy();
    await player.destroy();
    spied.engine.destroy();
    video.remove();
  }
  return { spied };
}

/** hls.js with Shoal plays `url` past 3 s. */
async function playWithHlsJs(url: string): Promise<Played> {
  const spied = createEngine();
  const video = newVideo();
  const hls = new Hls({ ...shoalHlsConfig(spied.engine) });
  const shoal = attachShoalHls(hls, spied.engine);
  try {
    hls.loadSource(url);
    hls.attachMedia(video as unknown as Parameters<Hls['attachMedia']>[0]);
    await video.play();
    await waitUntil(() => video.currentTime > 3, `hls.js playing ${url} past 3 s`);
  } finally {
    shoal.destroy();
    hls.destroy();
    spied.engine.destroy();
    video.remove();
  }
  return { spied };
}

function assertMediaThroughEngine({ spied }: Played, byteRanges: boolean): void {
  assert(spied.loads.length >= 3, `media segments through the engine (${spied.loads.length})`);
  assert(new Set(spied.loads.map((s) => s.renditionId)).size >= 1, 'a rendition');
  for (const segment of spied.loads) assert(Boolean(segment.byteRange) === byteRanges, `byte range of ${segment.url}: ${JSON.stringify(segment.byteRange)}`);
}

const key = (s: Pick<SegmentDescription, 'url' | 'byteRange'>): string => `${new URL(s.url, page.location.href).href} ${s.byteRange?.startByte ?? 0}-${s.byteRange?.endByte ?? ''}`;

describe('Shaka plugin: DASH SegmentBase, $Time$ and SegmentList, HLS TS and fMP4', () => {
  before(() => {
    shaka.polyfill.installAll();
    registerShoal(shaka);
  });

  it('plays DASH SegmentBase (sidx byte ranges of one file) with media segments through the engine', async () => {
    const mpdUrl = `${MEDIA}/dash-single/segmentbase.mpd`;
    const mpd = await (await fetch(mpdUrl)).text();
    const indexEnds = new Map([...mpd.matchAll(/<BaseURL>([^<]+)<\/BaseURL>\s*<SegmentBase indexRange="\d+-(\d+)"/g)].map((m) => [m[1]!, Number(m[2])]));
    const played = await playWithShaka(mpdUrl);
    assertMediaThroughEngine(played, true);
    for (const segment of played.spied.loads) {
      const file = /media-\d\.mp4$/.exec(segment.url)?.[0];
      assert(file && indexEnds.has(file), `a media file of the MPD: ${segment.url}`);
      assert(segment.byteRange!.startByte > indexEnds.get(file)!, `past the init and sidx ranges (${segment.byteRange!.startByte})`);
      assert(segment.segmentId === Math.round((segment.startTimeSec ?? 0) * 1000), 'segment id = start ms');
    }
  });

  it('plays DASH SegmentTemplate with a SegmentTimeline ($Time$) with media segments through the engine', async () => {
    const played = await playWithShaka(`${MEDIA}/dash-time/manifest.mpd`);
    assertMediaThroughEngine(played, false);
    for (const segment of played.spied.loads) assert(/chunk-\d-\d+\.m4s$/.test(segment.url), `a $Time$ segment: ${segment.url}`);
  });

  it('plays DASH SegmentList (a media range per segment) with media segments through the engine', async () => {
    assertMediaThroughEngine(await playWithShaka(`${MEDIA}/dash-single/segmentlist.mpd`), true);
  });

  for (const [variant, byteRanges] of [['hls-ts', false], ['hls-fmp4', false], ['hls-ts-byterange', true]] as const) {
    it(`plays HLS ${variant} with the renditions and segment ids hls.js gives it`, async () => {
      const url = `${MEDIA}/${variant}/master.m3u8`;
      const viaShaka = await playWithShaka(url);
      assertMediaThroughEngine(viaShaka, byteRanges);
      const viaHls = await playWithHlsJs(url);
      const idOf = (r: RenditionDescription): string => r.id ?? renditionIdOf(r.metadata);
      const shakaIds = (viaShaka.spied.streams.value?.renditions ?? []).map(idOf).sort();
      const hlsIds = (viaHls.spied.streams.value?.renditions ?? []).map(idOf).sort();
      assert(shakaIds.length >= 2 && JSON.stringify(shakaIds) === JSON.stringify(hlsIds), `rendition ids agree: Shaka ${shakaIds} vs hls.js ${hlsIds}`);
      let compared = 0;
      for (const [renditionId, shakaSegments] of viaShaka.spied.described) {
        const hlsSegments = viaHls.spied.described.get(renditionId);
        if (!hlsSegments || hlsSegments.size === 0 || shakaSegments.size === 0) continue;
        for (const [segmentId, segment] of shakaSegments) {
          const other = hlsSegments.get(segmentId);
          assert(other, `hls.js lists segment ${segmentId} of ${renditionId}`);
          assert(key(segment) === key(other), `segment ${segmentId}: Shaka ${key(segment)} vs hls.js ${key(other)}`);
          compared++;
        }
      }
      assert(compared >= 10, `segments compared (${compared})`);
      // What Shaka asked the engine to load carries the id hls.js gives the same URL and range.
      let loadsCompared = 0;
      for (const segment of viaShaka.spied.loads) {
        const hlsSegment = viaHls.spied.described.get(segment.renditionId)?.get(segment.segmentId);
        if (!hlsSegment) continue;
        assert(key(hlsSegment) === key(segment), `load ${segment.segmentId}: Shaka ${key(segment)} vs hls.js ${key(hlsSegment)}`);
        loadsCompared++;
      }
      assert(loadsCompared >= 2, `loads compared (${loadsCompared})`);
    });
  }
});

