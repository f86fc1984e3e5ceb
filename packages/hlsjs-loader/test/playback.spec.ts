/// <reference types="mocha" />
/**
 * hls.js playing each demo stream (MPEG-TS, fMP4, byte-range TS) with Shoal under it: media fragments
 * through the engine with honest stats, init segments through hls.js's own loader, and the engine fed
 * with the stream, its segment lists and the playback state.
 */
import { renditionIdOf, type ShoalEngine } from '@shoal/core';
import { Events } from 'hls.js';
import { attachShoal, shoalHlsConfig } from '../src/index';
import { assert, assertEqual } from './support/assert';
import { createSpiedEngine, type EngineCalls } from './support/engine';
import { createPlayer, MEDIA, play, type TestPlayer } from './support/player';

/** Segments per rendition in the demo media: 30 s in 2 s segments. */
const SEGMENTS = 15;

describe('hls.js playback through Shoal', () => {
  let player: TestPlayer | undefined;
  let engine: ShoalEngine | undefined;

  afterEach(() => {
    player?.destroy();
    engine?.destroy();
    player = engine = undefined;
  });

  async function playWithShoal(url: string): Promise<{ player: TestPlayer; calls: EngineCalls; engine: ShoalEngine }> {
    const spied = createSpiedEngine();
    engine = spied.engine;
    player = createPlayer({ ...shoalHlsConfig(spied.engine) }, (hls) => attachShoal(hls, spied.engine));
    await play(player, url, 3);
    return { player, calls: spied.calls, engine: spied.engine };
  }

  for (const [name, url] of Object.entries(MEDIA)) {
    it(`plays ${name}: media fragments through the engine, stats as hls.js's loaders fill them`, async () => {
      const { player, calls, engine } = await playWithShoal(url);

      // The stream, from the manifest's attributes.
      assertEqual(calls.setStreams.length > 1, true, 'setStreams called to join, then with the renditions');
      // The swarm is joined as the manifest starts loading (its URL names the swarm), before it is parsed.
      const joined = calls.setStreams[0]!;
      assert(joined.manifestUrl.endsWith(url) && joined.renditions === undefined, `joined with the manifest URL alone: ${JSON.stringify(joined)}`);
      const streams = calls.setStreams.find((s) => s.renditions !== undefined)!;
      assert(streams.manifestUrl.endsWith(url), `manifestUrl ${streams.manifestUrl}`);
      const ids = streams.renditions!.map((r) => renditionIdOf(r.metadata));
      assertEqual(new Set(ids).size, 2, 'two distinct renditions');
      const v0 = streams.renditions!.find((r) => r.metadata.height === 360)!.metadata;
      assertEqual(v0.type, 'main', 'type');
      assertEqual(v0.width, 640, 'width from RESOLUTION');
      assert(v0.codecs?.startsWith('avc1.') && v0.codecs.includes('mp4a.40.2'), `codecs from CODECS: ${v0.codecs}`);
      assert((v0.bandwidthBps ?? 0) > 0, 'bandwidth from BANDWIDTH');

      // Segment lists: media sequence numbers, byte ranges when the playlist has them.
      const update = calls.updateStream.find((u) => ids.includes(u.renditionId));
      assert(update, 'updateStream for a known rendition');
      assertEqual(update.segmentCount, SEGMENTS, 'segments');
      assertEqual(update.segmentIds.join(','), [...Array(SEGMENTS).keys()].join(','), 'segment ids');
      assertEqual(update.byteRanges, name === 'byterange' ? SEGMENTS : 0, 'byte ranges');
      assertEqual(update.live, false, 'VOD');

      // Media fragments through the engine, init segments not.
      assert(calls.loadSegment.length >= 2, `engine loads (${calls.loadSegment.length})`);
      for (const segment of calls.loadSegment) {
        assert(ids.includes(segment.renditionId), `known rendition ${segment.renditionId}`);
        assert(!/init/.test(segment.url), `no init segment through the engine (${segment.url})`);
      }
      const mediaFrags = player.fragLoaded.filter((d) => typeof d.frag.sn === 'number');
      assert(mediaFrags.length >= 2, 'media fragments loaded');
      for (const { frag } of mediaFrags) {
        const { loading, loaded, total } = frag.stats;
        const label = `sn ${frag.sn}`;
        assert(loading.start > 0 && loading.start <= loading.first && loading.first <= loading.end, `${label}: start ≤ first ≤ end`);
        assert(loaded > 0 && loaded === total, `${label}: loaded === total (${loaded}, ${total})`);
        const served = calls.loaded.find(
          (l) => l.segment.segmentId === frag.sn && l.segment.url === frag.url && l.segment.byteRange?.startByte === frag.byteRangeStartOffset,
        );
        assert(served, `${label}: served by the engine`);
        assertEqual(loaded, served.result.sizeBytes, `${label}: stats.loaded is the engine's byte count`);
        if (name === 'byterange') {
          assertEqual(loaded, frag.byteRangeEndOffset! - frag.byteRangeStartOffset!, `${label}: the range's size`);
        }
      }
      if (name === 'fmp4') {
        const init = player.fragLoading.find((frag) => frag.sn === 'initSegment');
        assert(init, 'init segment requested');
        assert(init.stats.loaded > 0 && init.stats.loaded === init.stats.total, 'init segment loaded by hls.js’s own loader');
      }

      // Playback state and activity.
      const playback = calls.setPlayback.at(-1)!;
      assert(playback.positionSec > 0, 'positionSec');
      assert(playback.bufferedUntilSec > playback.positionSec, 'bufferedUntilSec ahead of the playhead');
      assertEqual(playback.rate, 1, 'rate');
      assert(playback.activeRenditions.length >= 1 && playback.activeRenditions.every((id) => ids.includes(id)), 'activeRenditions');
      assert(engine.stats().httpBytes > 0, 'engine downloaded over HTTP');
    });
  }

  it('a forced level switch makes the new level active and loads it through the engine', async () => {
    const { player, calls } = await playWithShoal(MEDIA.ts);
    const { hls } = player;
    const target = hls.currentLevel === 0 ? 1 : 0;
    const switched = new Promise<void>((resolve) => hls.once(Events.LEVEL_SWITCHED, () => resolve()));
    hls.currentLevel = target;
    await switched;
    const targetId = renditionIdOf(calls.setStreams.find((s) => s.renditions !== undefined)!.renditions!.find((r) => r.metadata.height === hls.levels[target]!.height)!.metadata);
    assert(calls.setPlayback.at(-1)!.activeRenditions.includes(targetId), 'new level active');
    assert(calls.loadSegment.some((s) => s.renditionId === targetId), 'new level loaded through the engine');
  });
});
