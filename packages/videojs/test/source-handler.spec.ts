/// <reference types="mocha" />
/**
 * video.js 8 players with the Shoal source handler, on the demo media in headless Chromium: an HLS
 * source plays through hls.js with Shoal's loader (not video.js's VHS), a second player gets segments
 * from the first one's engine, and disposing (the player, or a new source) destroys hls.js and the
 * engine; once unregistered, video.js plays HLS with VHS again.
 */
import Hls from 'hls.js';
import videojs from 'video.js';
import type { ShoalEngine } from '@shoal/core';
import { registerShoalSourceHandler, shoalSessionOf, type ShoalSourceHandlerRegistration, type VideojsLike } from '../src/index';
import { waitUntil } from '../../core/test/support/wait';
import { assert, assertEqual } from '../../hlsjs-loader/test/support/assert';
import { createSpiedEngine, MemoryTrackerHub, type EngineCalls } from '../../hlsjs-loader/test/support/engine';
import { MEDIA } from '../../hlsjs-loader/test/support/player';

/** The parts of a video.js player the specs use (typed structurally: the root tsconfig has no DOM lib). */
interface TestVjsPlayer {
  src(source: { src: string; type: string }): void;
  currentTime(): number;
  play(): Promise<void> | undefined;
  dispose(): void;
  isDisposed(): boolean;
  error(): { code: number; message: string } | null;
  tech(options: { IWillNotUseThisInPlugins: true }): { el(): unknown; vhs?: unknown };
}

const page = globalThis as unknown as {
  document: { createElement(tag: 'video'): { className: string; muted: boolean; width: number }; body: { appendChild(node: unknown): void } };
};
const vjs = videojs as unknown as VideojsLike & ((el: unknown, options: object) => TestVjsPlayer);
const HLS_TYPE = 'application/x-mpegURL';

function createVjsPlayer(): TestVjsPlayer {
  const video = page.document.createElement('video');
  video.className = 'video-js';
  video.muted = true;
  video.width = 320;
  page.document.body.appendChild(video);
  return vjs(video, { muted: true, controls: true, preload: 'auto' });
}

describe('Shoal source handler for video.js 8', () => {
  const players: TestVjsPlayer[] = [];
  const engines: Array<{ engine: ShoalEngine; calls: EngineCalls }> = [];
  let registration: ShoalSourceHandlerRegistration | undefined;
  let tracker: MemoryTrackerHub;

  beforeEach(() => {
    tracker = new MemoryTrackerHub();
    registration = registerShoalSourceHandler(vjs, {
      Hls,
      createEngine: () => {
        const spied = createSpiedEngine({}, { createTrackerClient: tracker.createClient });
        engines.push(spied);
        return spied.engine;
      },
    });
  });

  afterEach(() => {
    for (const player of players.splice(0)) if (!player.isDisposed()) player.dispose();
    engines.splice(0);
    registration?.unregister();
  });

  async function playing(player: TestVjsPlayer, untilSec: number): Promise<void> {
    void player.play()?.catch(() => {});
    await waitUntil(() => player.currentTime() >= untilSec || player.error() !== null, `playback to ${untilSec} s`, 30_000);
    assertEqual(player.error(), null, 'no player error');
  }

  it('plays an HLS VOD through hls.js with the Shoal loader, not VHS', async () => {
    const player = createVjsPlayer();
    players.push(player);
    player.src({ src: MEDIA.ts, type: HLS_TYPE });
    await playing(player, 2);
    const session = shoalSessionOf(player);
    assert(session !== undefined, 'a Shoal session plays this player');
    assert(session.hls instanceof Hls, 'hls.js plays it');
    assertEqual(player.tech({ IWillNotUseThisInPlugins: true }).vhs, undefined, 'VHS does not');
    const { calls } = engines[0]!;
    assert(calls.setStreams.length >= 1, 'the engine was told the stream');
    assert(calls.loaded.length >= 1 && calls.loaded.every((l) => l.result.source === 'http'), 'media segments came through the engine');
    assertEqual(session.engine.stats().httpBytes > 0, true, 'the engine counted the bytes');
  });

  it('a second video.js player gets segments from the first one through Shoal', async () => {
    const first = createVjsPlayer();
    players.push(first);
    first.src({ src: MEDIA.ts, type: HLS_TYPE });
    await playing(first, 1);
    await waitUntil(() => engines[0]!.calls.loaded.length >= 6, 'the first player to load 6 segments');
    const second = createVjsPlayer();
    players.push(second);
    second.src({ src: MEDIA.ts, type: HLS_TYPE });
    await playing(second, 2);
    const sources = engines[1]!.calls.loaded.map((l) => l.result.source);
    assert(sources.includes('p2p'), `segments from the peer (${sources.join(',')})`);
  });

  it('dispose destroys hls.js and the engine; a new source gets a new session; unregistered, VHS plays', async () => {
    const player = createVjsPlayer();
    players.push(player);
    player.src({ src: MEDIA.ts, type: HLS_TYPE });
    await playing(player, 1);
    const firstSession = shoalSessionOf(player)!;

    player.src({ src: MEDIA.fmp4, type: HLS_TYPE }); // a new source disposes the old handler
    await waitUntil(() => shoalSessionOf(player) !== firstSession, 'a new session for the new source');
    const secondSession = shoalSessionOf(player)!;
    assert(secondSession !== undefined && secondSession.source.src === MEDIA.fmp4, 'the new session plays the new source');
    await waitUntil(() => engines[1]!.calls.loaded.length >= 1, 'the new source to load a segment through its engine');
    assertEqual(firstSession.hls.media, null, 'the first hls.js detached');
    assert(isDestroyed(firstSession.engine), 'the first engine destroyed');

    const video = player.tech({ IWillNotUseThisInPlugins: true }).el();
    player.dispose();
    assertEqual(secondSession.hls.media, null, 'hls.js detached on dispose');
    assert(isDestroyed(secondSession.engine), 'the engine destroyed on dispose');
    assertEqual(shoalSessionOf(video as object), undefined, 'no session left for the element');

    registration!.unregister();
    registration!.unregister(); // twice: a no-op
    const plain = createVjsPlayer();
    players.push(plain);
    plain.src({ src: MEDIA.ts, type: HLS_TYPE });
    await playing(plain, 1);
    assertEqual(shoalSessionOf(plain), undefined, 'no Shoal session once unregistered');
    assert(plain.tech({ IWillNotUseThisInPlugins: true }).vhs !== undefined, 'VHS plays it');
  });
});

function isDestroyed(engine: ShoalEngine): boolean {
  try {
    engine.stats();
    engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 0, activeRenditions: [] });
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'destroyed';
  }
}
