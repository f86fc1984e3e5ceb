/// <reference types="mocha" />
/**
 * The Shaka plugin against real Shaka Player (compiled build) playing the demo's DASH SegmentTemplate
 * media in headless Chromium: request routing, abort, error mapping, unregistration.
 */
import { MemoryStorage, ShoalEngine, ShoalError, systemClock, type Segment } from '@shoal/core';
import shaka from 'shaka-player';
import { attachShoal, isSchemeInstalled, registerShoal } from '../src/index';
import { waitUntil } from '../../core/test/support/wait';
import { assert, createEngine, lonelyTracker, newPlayer, newVideo, page, requestSegment, shakaErrorOf } from './support/page';

const DASH_URL = '/base/demo/media/dash/manifest.mpd';

describe('Shaka plugin (shaka-player ' + shaka.Player.version + ')', () => {
  before(() => {
    console.log(`# specs against shaka-player ${shaka.Player.version}`);
    shaka.polyfill.installAll();
    registerShoal(shaka);
  });

  it('routes only the attached player\'s media segments through the engine (DASH SegmentTemplate)', async () => {
    const { engine, loads } = createEngine();
    const video = newVideo();
    const { player, seen } = newPlayer(video);
    const other = newPlayer();
    const shoal = attachShoal(player, engine);
    assert(shoal.active, 'attached');
    assert(isSchemeInstalled(shaka), 'plugin registered');
    try {
      await player.load(DASH_URL);
      await video.play();
      await waitUntil(() => video.currentTime > 3, 'playback past 3 s');
      const { SEGMENT } = shaka.net.NetworkingEngine.RequestType;
      const { INIT_SEGMENT, MEDIA_SEGMENT } = shaka.net.NetworkingEngine.AdvancedRequestType;
      const media = seen.filter((r) => r.type === SEGMENT && r.advanced === MEDIA_SEGMENT).map((r) => r.uri);
      const inits = seen.filter((r) => r.type === SEGMENT && r.advanced === INIT_SEGMENT);
      assert(inits.length >= 2, `init segments requested (${inits.length})`);
      assert(loads.length >= 3, `media segments through the engine (${loads.length})`);
      for (const segment of loads) {
        assert(/chunk-\d-\d{5}\.m4s$/.test(segment.url), `only media segments reach the engine: ${segment.url}`);
        assert(media.includes(segment.url), `the engine loaded a segment Shaka asked for: ${segment.url}`);
        assert(segment.segmentId === Math.round((segment.startTimeSec ?? 0) * 1000), 'segment id = start ms');
      }
      assert(media.every((uri) => loads.some((s) => s.url === uri)), 'every media segment went through the engine');
      assert(new Set(loads.map((s) => s.renditionId)).size >= 2, 'video and audio renditions');
      // Another player's requests are untouched, while the plugin is registered.
      // (A URL of its own: the attached player keeps loading segments meanwhile.)
      await other.player.load(DASH_URL);
      const otherUri = new URL('/base/demo/media/dash/chunk-1-00003.m4s?player=other', page.location.href).href;
      await requestSegment(other.player, otherUri, 4).promise;
      assert(!loads.some((s) => s.url === otherUri), 'the other player\'s segment did not reach the engine');
    } finally {
      shoal.destroy();
      await player.destroy();
      await other.player.destroy();
      engine.destroy();
      video.remove();
    }
    assert(!isSchemeInstalled(shaka), 'the last detach unregistered the plugin');
  });

  it('maps an origin 404 to a shaka.util.Error BAD_HTTP_STATUS', async () => {
    const { engine, loads } = createEngine();
    const { player } = newPlayer();
    const shoal = attachShoal(player, engine);
    try {
      await player.load(DASH_URL);
      const uri = new URL('/base/demo/media/dash/missing.m4s', page.location.href).href;
      const error = await shakaErrorOf(requestSegment(player, uri, 100).promise);
      assert(loads.some((s) => s.url === uri), 'the request went through the engine');
      assert(error.category === shaka.util.Error.Category.NETWORK, `NETWORK category (${error.category})`);
      assert(error.code === shaka.util.Error.Code.BAD_HTTP_STATUS, `BAD_HTTP_STATUS (${error.code})`);
      assert(error.data[1] === 404, `status 404 in data (${String(error.data[1])})`);
    } finally {
      shoal.destroy();
      await player.destroy();
      engine.destroy();
    }
  });

  it('fails an aborted engine load with OPERATION_ABORTED', async () => {
    const { engine, loads, hang, fetchSignals } = createEngine();
    const { player } = newPlayer();
    const shoal = attachShoal(player, engine);
    try {
      await player.load(DASH_URL);
      hang.on = true;
      const uri = new URL('/base/demo/media/dash/chunk-0-00010.m4s', page.location.href).href;
      const operation = requestSegment(player, uri, 18);
      await waitUntil(() => loads.some((s) => s.url === uri) && fetchSignals.length > 0, 'the engine fetching');
      const signal = fetchSignals[fetchSignals.length - 1];
      await operation.abort();
      const error = await shakaErrorOf(operation.promise);
      assert(error.code === shaka.util.Error.Code.OPERATION_ABORTED, `OPERATION_ABORTED (${error.code})`);
      // The category is the networking engine's: it reports its own aborted operations as PLAYER.
      // Whether the origin fetch stops too is the engine's policy (it may finish a download for the swarm).
      void signal;
    } finally {
      shoal.destroy();
      await player.destroy();
      engine.destroy();
    }
  });

  it('reference-counts registration: the last detach restores Shaka\'s default plugin', async () => {
    const a = createEngine();
    const b = createEngine();
    const first = newPlayer();
    const second = newPlayer();
    const shoalA = attachShoal(first.player, a.engine);
    const shoalB = attachShoal(second.player, b.engine);
    assert(attachShoal(first.player, a.engine) === shoalA, 'attaching twice returns the same attachment');
    shoalA.destroy();
    shoalA.destroy();
    assert(isSchemeInstalled(shaka), 'still registered for the second player');
    shoalB.destroy();
    assert(!isSchemeInstalled(shaka), 'unregistered after the last player');
    try {
      // Shaka's own plugin serves everything again: a player that was attached plays without the engine.
      await first.player.load(DASH_URL);
      const uri = new URL('/base/demo/media/dash/chunk-0-00002.m4s', page.location.href).href;
      const response = await requestSegment(first.player, uri, 2).promise;
      assert(response.data.byteLength > 0, 'segment loaded by the default plugin');
      assert(a.loads.length === 0 && b.loads.length === 0, 'no engine saw a request');
    } finally {
      await first.player.destroy();
      await second.player.destroy();
      a.engine.destroy();
      b.engine.destroy();
    }
  });

  it('detaches itself when the player is destroyed, and the last one restores Shaka\'s default plugin', async () => {
    const { engine } = createEngine();
    const video = newVideo();
    const { player } = newPlayer(video);
    const bare = new shaka.Player(); // never attached to a video element
    const shoal = attachShoal(player, engine);
    attachShoal(bare, engine);
    try {
      await player.load(DASH_URL);
      assert(isSchemeInstalled(shaka), 'registered while attached');
      await player.destroy();
      assert(isSchemeInstalled(shaka), 'still registered for the other player');
      await bare.destroy();
      assert(!isSchemeInstalled(shaka), 'both destroyed: unregistered');
      shoal.destroy(); // idempotent after the player took it down
    } finally {
      engine.destroy();
      video.remove();
    }
  });

  it('falls back to Shaka\'s own HTTP plugin when the engine is destroyed under a playing player', async () => {
    const { engine, loads } = createEngine();
    const video = newVideo();
    const { player } = newPlayer(video);
    const errors: unknown[] = [];
    player.addEventListener('error', ((event: { detail: unknown }) => errors.push(event.detail)) as never);
    const shoal = attachShoal(player, engine);
    try {
      await player.load(DASH_URL);
      await video.play();
      await waitUntil(() => video.currentTime > 1, 'playback past 1 s');
      assert(loads.length > 0, 'media segments went through the engine');
      engine.destroy();
      const uri = new URL('/base/demo/media/dash/chunk-0-00012.m4s', page.location.href).href;
      const response = await requestSegment(player, uri, 22).promise;
      assert(response.data.byteLength > 0, 'a tagged segment loaded by Shaka\'s plugin');
      const resumedAt = video.currentTime;
      await waitUntil(() => video.currentTime > resumedAt + 4, 'playback going on from the origin');
      assert(errors.length === 0, `no player error (${JSON.stringify(errors)})`);
    } finally {
      shoal.destroy();
      await player.destroy();
      video.remove();
    }
  });

  it('hands a segment whose engine load fails for another reason than the origin (storage) to Shaka\'s own plugin', async () => {
    // A store whose reads fail: every engine load fails with storage-failed, not an origin failure.
    class FailingStorage extends MemoryStorage {
      override async get(): Promise<Uint8Array | undefined> {
        throw new ShoalError('storage-failed', 'the store cannot be read', { source: 'storage' });
      }
    }
    const storage = new FailingStorage({ capBytes: 64 * 1024 * 1024, clock: systemClock });
    const engine = new ShoalEngine({ trackerUrls: [] }, { createTrackerClient: lonelyTracker, storage });
    const loads: Segment[] = [];
    const loadSegment = engine.loadSegment.bind(engine);
    engine.loadSegment = (segment, options) => {
      loads.push(segment);
      return loadSegment(segment, options);
    };
    const { player } = newPlayer();
    const shoal = attachShoal(player, engine);
    try {
      await player.load(DASH_URL);
      const uri = new URL('/base/demo/media/dash/chunk-0-00014.m4s', page.location.href).href;
      const response = await requestSegment(player, uri, 26).promise;
      assert(loads.some((s) => s.url === uri), 'the engine was asked first');
      assert(response.data.byteLength > 0, 'Shaka\'s plugin loaded the segment instead');
    } finally {
      shoal.destroy();
      await player.destroy();
      engine.destroy();
    }
  });
});
