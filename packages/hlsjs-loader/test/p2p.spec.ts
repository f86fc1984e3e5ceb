/// <reference types="mocha" />
/**
 * Two hls.js viewers of one stream in one page, their engines connected through an in-page tracker
 * (in-memory transports): the second gets segments from the first, and hls.js sees their real cost.
 */
import type { ShoalEngine } from '@shoal/core';
import { attachShoal, shoalHlsConfig } from '../src/index';
import { waitUntil } from '../../core/test/support/wait';
import { assert, assertEqual } from './support/assert';
import { createSpiedEngine, MemoryTrackerHub } from './support/engine';
import { createPlayer, MEDIA, play, type TestPlayer } from './support/player';

describe('two viewers sharing segments', () => {
  const players: TestPlayer[] = [];
  const engines: ShoalEngine[] = [];

  afterEach(() => {
    for (const player of players.splice(0)) player.destroy();
    for (const engine of engines.splice(0)) engine.destroy();
  });

  it('the second viewer plays from the first one’s segments; stats still report bytes and elapsed time', async () => {
    const tracker = new MemoryTrackerHub();
    const first = createSpiedEngine({}, { createTrackerClient: tracker.createClient });
    const second = createSpiedEngine({}, { createTrackerClient: tracker.createClient });
    engines.push(first.engine, second.engine);

    const firstPlayer = createPlayer({ ...shoalHlsConfig(first.engine) }, (hls) => attachShoal(hls, first.engine));
    players.push(firstPlayer);
    await play(firstPlayer, MEDIA.ts, 1);
    // Let the first viewer buffer well ahead: those are the segments the second one will find.
    await waitUntil(() => first.calls.loaded.length >= 8, 'the first viewer to load 8 segments');

    const secondPlayer = createPlayer({ ...shoalHlsConfig(second.engine) }, (hls) => attachShoal(hls, second.engine));
    players.push(secondPlayer);
    await play(secondPlayer, MEDIA.ts, 3);

    const fromPeers = second.calls.loaded.filter((l) => l.result.source === 'p2p');
    assert(fromPeers.length >= 1, `segments from the peer (${second.calls.loaded.map((l) => l.result.source).join(',')})`);
    assert(first.engine.stats().uploadedBytes > 0, 'the first viewer uploaded');
    for (const { segment, result } of fromPeers) {
      assertEqual(result.p2pBytes, result.sizeBytes, `sn ${segment.segmentId}: all bytes from the peer`);
      const loaded = secondPlayer.fragLoaded.find((d) => d.frag.sn === segment.segmentId && d.frag.url === segment.url);
      if (!loaded) continue; // prefetched for a level hls.js then did not load
      const { loading, loaded: bytes, total } = loaded.frag.stats;
      assert(loading.start > 0 && loading.start <= loading.first && loading.first <= loading.end, `sn ${segment.segmentId}: timestamps`);
      assertEqual(bytes, result.sizeBytes, `sn ${segment.segmentId}: stats.loaded`);
      assertEqual(total, result.sizeBytes, `sn ${segment.segmentId}: stats.total`);
    }
  });
});
