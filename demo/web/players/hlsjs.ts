/** The demo's hls.js player: `new Hls({ ...shoalHlsConfig(engine) })` + `attachShoal(hls, engine)`. */
import Hls from 'hls.js';
import { attachShoal, shoalHlsConfig } from '@shoal/hlsjs-loader';
import { recordFragments } from './hls-fragments';
import { levelLabel, type DemoPlayer, type PlayerContext, type PlayerQuality, type PlayerSession } from './types';

export const hlsjsPlayer: DemoPlayer = {
  start({ engine, video, streamUrl, startSec, onError, onMediaSegmentLoaded, fragments }: PlayerContext): PlayerSession {
    // With `p2pEnabled: false` both calls leave hls.js as it is: plain hls.js.
    const hls = new Hls({ ...shoalHlsConfig(engine), ...(startSec !== undefined ? { startPosition: startSec } : {}) });
    attachShoal(hls, engine);
    hls.on(Hls.Events.FRAG_LOADED, (_event, data) => onMediaSegmentLoaded(data.frag.stats.loaded));
    recordFragments(hls, fragments);
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) onError(`${data.type}: ${data.details} ${data.response?.code ?? ''} ${data.error?.message ?? ''}`.trim());
    });
    hls.loadSource(streamUrl);
    hls.attachMedia(video);
    return { instance: hls, quality: () => hlsQuality(hls) };
  },
};

/** Latency and active level as hls.js reports them (also the video.js page's reading: hls.js plays there too). */
export function hlsQuality(hls: Hls | undefined): PlayerQuality {
  const level = hls?.levels[hls.currentLevel];
  const latency = hls?.latency ?? Number.NaN;
  return { latencySec: Number.isFinite(latency) && latency > 0 ? latency : null, level: levelLabel(level?.height, level?.bitrate) };
}
