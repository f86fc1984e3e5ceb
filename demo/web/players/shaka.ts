/** The demo's Shaka player: `registerShoal(shaka)` + `attachShoal(player, engine)`; DASH and HLS. */
import shaka from 'shaka-player';
import { attachShoal, registerShoal } from '@shoal/shaka-loader';
import { levelLabel, type DemoPlayer, type PlayerContext, type PlayerSession } from './types';

export const shakaPlayer: DemoPlayer = {
  async start({ engine, video, streamUrl, startSec, onError, onMediaSegmentLoaded }: PlayerContext): Promise<PlayerSession> {
    shaka.polyfill.installAll();
    registerShoal(shaka);
    const player = new shaka.Player();
    await player.attach(video);
    attachShoal(player, engine); // with `p2pEnabled: false` it does nothing: plain Shaka
    const { RequestType, AdvancedRequestType } = shaka.net.NetworkingEngine;
    player.getNetworkingEngine()?.registerResponseFilter((type, response, context) => {
      if (type === RequestType.SEGMENT && context?.type === AdvancedRequestType.MEDIA_SEGMENT) onMediaSegmentLoaded(response.data.byteLength);
    });
    player.addEventListener('error', (event) => {
      const error = (event as unknown as { detail: shaka.util.Error }).detail;
      if (error.severity === shaka.util.Error.Severity.CRITICAL) onError(`shaka ${error.category}/${error.code} ${JSON.stringify(error.data).slice(0, 200)}`);
    });
    player.load(streamUrl, startSec).catch((error: shaka.util.Error) => onError(`shaka load: ${error.code ?? ''} ${String(error.message ?? error)}`));
    return {
      instance: player,
      quality: () => {
        const stats = player.getStats();
        const active = player.getVariantTracks().find((track) => track.active);
        const latency = stats.liveLatency;
        return {
          latencySec: player.isLive() && Number.isFinite(latency) && latency > 0 ? latency : null,
          level: levelLabel(active?.height, active?.bandwidth),
        };
      },
    };
  },
};
