/// <reference types="mocha" />
/**
 * When Shoal cannot or may not run, the player is plain hls.js: no custom loader, no engine traffic.
 */
import { isShoalError, type ShoalEngine } from '@shoal/core';
import Hls from 'hls.js';
import { attachShoal, isShoalActive, shoalHlsConfig } from '../src/index';
import { assert, assertEqual } from './support/assert';
import { createSpiedEngine } from './support/engine';
import { createPlayer, MEDIA, play, playUntil, type TestPlayer } from './support/player';

describe('fallback to plain hls.js', () => {
  let player: TestPlayer | undefined;
  let engine: ShoalEngine | undefined;

  afterEach(() => {
    player?.destroy();
    engine?.destroy();
    player = engine = undefined;
  });

  it('p2pEnabled: false → hls.js’s default loader only, no engine call', async () => {
    const spied = createSpiedEngine({ p2pEnabled: false });
    engine = spied.engine;
    const config = shoalHlsConfig(engine);
    assertEqual(Object.keys(config).length, 0, 'no config entries');
    let attachment: ReturnType<typeof attachShoal> | undefined;
    player = createPlayer({ ...config }, (hls) => (attachment = attachShoal(hls, spied.engine)));
    assertEqual(attachment?.active, false, 'attachment inactive');
    assertEqual(player.hls.config.fLoader, undefined, 'hls.js keeps its own fragment loading');
    await play(player, MEDIA.ts, 2);
    const { calls } = spied;
    const total = calls.setStreams.length + calls.updateStream.length + calls.setPlayback.length + calls.loadSegment.length;
    assertEqual(total, 0, 'engine calls');
    assertEqual(engine.stats().httpBytes, 0, 'engine bytes');
    const media = player.fragLoaded.filter((d) => typeof d.frag.sn === 'number');
    assert(media.length >= 2, 'fragments loaded by hls.js');
    for (const { frag } of media) assert(frag.stats.loaded > 0 && frag.stats.loaded === frag.stats.total, 'stats');
  });

  it('no WebRTC in the browser → inactive, whatever the config', () => {
    const spied = createSpiedEngine();
    engine = spied.engine;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'RTCPeerConnection');
    assert(descriptor?.configurable, 'RTCPeerConnection can be hidden');
    Object.defineProperty(globalThis, 'RTCPeerConnection', { value: undefined, configurable: true, writable: true });
    try {
      assertEqual(isShoalActive(engine), false, 'isShoalActive');
      assertEqual(Object.keys(shoalHlsConfig(engine)).length, 0, 'no config entries');
      const hls = new Hls();
      assertEqual(attachShoal(hls, engine).active, false, 'attachment inactive');
      hls.destroy();
    } finally {
      Object.defineProperty(globalThis, 'RTCPeerConnection', descriptor);
    }
    assertEqual(isShoalActive(engine), true, 'active again with WebRTC back');
  });

  it('attachShoal on an Hls not created with shoalHlsConfig(engine) fails with config-invalid', () => {
    engine = createSpiedEngine().engine;
    const other = createSpiedEngine().engine;
    const hlsWithout = new Hls();
    const hlsOther = new Hls({ ...shoalHlsConfig(other) });
    try {
      for (const hls of [hlsWithout, hlsOther]) {
        let thrown: unknown;
        try {
          attachShoal(hls, engine);
        } catch (error) {
          thrown = error;
        }
        assert(isShoalError(thrown) && thrown.code === 'config-invalid', 'ShoalError config-invalid');
      }
    } finally {
      hlsWithout.destroy();
      hlsOther.destroy();
      other.destroy();
    }
  });

  it('the engine destroyed mid-playback: hls.js goes on with its own loader', async () => {
    const spied = createSpiedEngine();
    engine = spied.engine;
    // A short buffer goal, so fragments are still being loaded after the engine is gone.
    player = createPlayer({ ...shoalHlsConfig(engine), maxBufferLength: 4, maxMaxBufferLength: 4 }, (hls) =>
      attachShoal(hls, spied.engine),
    );
    await play(player, MEDIA.ts, 1);
    engine.destroy();
    const loadedBefore = player.fragLoaded.length;
    await playUntil(player, 6);
    assert(player.fragLoaded.length > loadedBefore, 'more fragments loaded after the engine was destroyed');
  });
});
