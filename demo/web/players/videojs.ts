/**
 * The demo's video.js 8 player: video.js's UI, hls.js with Shoal under it through `@shoal/videojs`:
 * `registerShoalSourceHandler(videojs, { Hls, createEngine })` + `player.src({ src, type: 'application/x-mpegURL' })`.
 */
import Hls from 'hls.js';
import videojs from 'video.js';
import videojsCssUrl from 'video.js/dist/video-js.css';
import { registerShoalSourceHandler } from '@shoal/videojs';
import { hlsQuality } from './hlsjs';
import type { DemoPlayer, PlayerContext, PlayerSession } from './types';

export const videojsPlayer: DemoPlayer = {
  start({ engine, video, streamUrl, startSec, onError, onMediaSegmentLoaded }: PlayerContext): PlayerSession {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: videojsCssUrl }));
    let hls: Hls | undefined;
    // With `p2pEnabled: false` (?p2p=0) the handler's hls.js has no Shoal loader: plain hls.js in video.js.
    registerShoalSourceHandler(videojs, {
      Hls,
      ...(startSec !== undefined ? { hlsConfig: { startPosition: startSec } } : {}),
      createEngine: () => engine, // the page's engine: one source per page here
      onSession: (session) => {
        hls = session.hls;
        hls.on(Hls.Events.FRAG_LOADED, (_event, data) => onMediaSegmentLoaded(data.frag.stats.loaded));
      },
    });
    video.classList.add('video-js');
    const player = videojs(video, { controls: true, muted: true, fluid: true, preload: 'auto' });
    player.on('error', () => onError(`video.js: ${player.error()?.message ?? 'error'}`));
    player.src({ src: streamUrl, type: 'application/x-mpegURL' });
    return { instance: player, quality: () => hlsQuality(hls) };
  },
};
