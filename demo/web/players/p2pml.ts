/**
 * p2p-media-loader 2.x, the benchmark's anchor (`?anchor=p2pml`): its hls.js integration
 * (`HlsJsP2PEngine.injectMixin`) and its Shaka one (`ShakaP2PEngine`), each with its documented defaults,
 * pointed only at the demo's tracker and with no ICE servers (the page and its peers share one host).
 * Its traffic is counted from its core's events into a `stats()` shaped like Shoal's, so the page's
 * readers (tests, `bench:swarm`) read the anchor as they read Shoal.
 */
import Hls from 'hls.js';
import shaka from 'shaka-player';
import { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import { ShakaP2PEngine } from 'p2p-media-loader-shaka';
import { hlsQuality } from './hlsjs';
import { levelLabel, type PlayerContext, type PlayerSession } from './types';

/** The events of p2p-media-loader's core counted here (its hls.js and Shaka integrations pin different cores). */
interface AnchorEvents {
  addEventListener(name: 'onChunkDownloaded', listener: (bytesLength: number, downloadSource: 'http' | 'p2p') => void): void;
  addEventListener(name: 'onChunkUploaded', listener: (bytesLength: number) => void): void;
  addEventListener(name: 'onPeerConnect' | 'onPeerClose', listener: (details: { peerId: string }) => void): void;
}

/** Byte totals in the shape the page's readers take from `ShoalEngine.stats()`. */
export class AnchorStats {
  httpBytes = 0;
  p2pBytes = 0;
  uploadedBytes = 0;
  private readonly peers = new Set<string>();

  stats(): { httpBytes: number; p2pBytes: number; uploadedBytes: number; p2pShare: number; peerCount: number } {
    const total = this.httpBytes + this.p2pBytes;
    return { httpBytes: this.httpBytes, p2pBytes: this.p2pBytes, uploadedBytes: this.uploadedBytes, p2pShare: total === 0 ? 0 : this.p2pBytes / total, peerCount: this.peers.size };
  }

  /** Count what a p2p-media-loader engine reports. */
  listen(engine: AnchorEvents): void {
    engine.addEventListener('onChunkDownloaded', (bytesLength: number, downloadSource: 'http' | 'p2p') => {
      if (downloadSource === 'p2p') this.p2pBytes += bytesLength;
      else this.httpBytes += bytesLength;
    });
    engine.addEventListener('onChunkUploaded', (bytesLength: number) => (this.uploadedBytes += bytesLength));
    engine.addEventListener('onPeerConnect', ({ peerId }: { peerId: string }) => this.peers.add(peerId));
    engine.addEventListener('onPeerClose', ({ peerId }: { peerId: string }) => this.peers.delete(peerId));
  }
}

/** Its documented defaults, but for our tracker and no ICE servers. */
function coreConfig(trackerUrl: string) {
  return { announceTrackers: [trackerUrl], rtcConfig: { iceServers: [] } };
}

export function startP2pmlHlsjs(context: PlayerContext, trackerUrl: string, anchor: AnchorStats): PlayerSession {
  const { video, streamUrl, startSec, onError, onMediaSegmentLoaded } = context;
  const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);
  const hls = new HlsWithP2P({
    ...(startSec !== undefined ? { startPosition: startSec } : {}),
    p2p: { core: coreConfig(trackerUrl), onHlsJsCreated: (created) => anchor.listen(created.p2pEngine) },
  });
  hls.on(Hls.Events.FRAG_LOADED, (_event, data) => onMediaSegmentLoaded(data.frag.stats.loaded));
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) onError(`${data.type}: ${data.details} ${data.response?.code ?? ''} ${data.error?.message ?? ''}`.trim());
  });
  hls.loadSource(streamUrl);
  hls.attachMedia(video);
  return { instance: hls, quality: () => hlsQuality(hls) };
}

export async function startP2pmlShaka(context: PlayerContext, trackerUrl: string, anchor: AnchorStats): Promise<PlayerSession> {
  const { video, streamUrl, startSec, onError } = context;
  shaka.polyfill.installAll();
  ShakaP2PEngine.registerPlugins(shaka);
  const player = new shaka.Player();
  await player.attach(video);
  const engine = new ShakaP2PEngine({ core: coreConfig(trackerUrl) }, shaka);
  anchor.listen(engine);
  engine.bindShakaPlayer(player);
  player.addEventListener('error', (event) => {
    const error = (event as unknown as { detail: shaka.util.Error }).detail;
    if (error.severity === shaka.util.Error.Severity.CRITICAL) onError(`shaka ${error.category}/${error.code}`);
  });
  player.load(streamUrl, startSec).catch((error: shaka.util.Error) => onError(`shaka load: ${error.code ?? ''} ${String(error.message ?? error)}`));
  return {
    instance: player,
    quality: () => {
      const active = player.getVariantTracks().find((track) => track.active);
      const latency = player.getStats().liveLatency;
      return { latencySec: player.isLive() && Number.isFinite(latency) && latency > 0 ? latency : null, level: levelLabel(active?.height, active?.bandwidth) };
    },
  };
}
