/**
 * The stream's swarm for this viewer: its partition of the audience (`swarm/partition.ts`), the `Swarm`
 * with the engine's limits, its events forwarded as the engine's own, and what its tracker client is told.
 */
import type EventEmitter from 'eventemitter3';
import type { Clock } from '../clock/clock';
import type { ShoalConfig } from '../config';
import type { ShoalEvents } from '../events';
import type { Holdings } from '../holdings/holdings';
import { planPartition } from '../swarm/partition';
import { Swarm } from '../swarm/swarm';
import type { TrackerClientOptions } from '../tracker/tracker-client';

export interface CreateSwarmOptions {
  swarmId: string;
  peerId: string;
  config: ShoalConfig;
  clock: Clock;
  holdings: Holdings;
  events: Pick<EventEmitter<ShoalEvents>, 'emit'>;
  playbackStarted: () => boolean;
  isDenied: (peerId: string) => boolean;
  onUploaded: (peerId: string, sizeBytes: number) => void;
  /** Something changed that the scheduler should look at (a peer came or went, holdings changed). */
  soon: () => void;
}

export interface CreatedSwarm {
  swarm: Swarm;
  /** For the tracker client the swarm joins with. */
  trackerOptions: TrackerClientOptions;
}

export function createSwarm(options: CreateSwarmOptions): CreatedSwarm {
  const { config, events, soon } = options;
  const partition = planPartition({
    swarmId: options.swarmId,
    peerIdHex: options.peerId,
    count: config.partitionCount,
    trackerUrls: config.trackerUrls,
    trackersPerPartition: config.trackersPerPartition,
  });
  const infoHashHex = partition.infoHashHex;
  const swarm = new Swarm({
    swarmHashHex: infoHashHex,
    clock: options.clock,
    maxPeers: config.maxPeers,
    startupPeers: config.startupPeers,
    uploadEnabled: config.uploadEnabled,
    holdings: options.holdings,
    playbackStarted: options.playbackStarted,
    isDenied: options.isDenied,
    maxUploadBytesPerSec: config.maxUploadBytesPerSec ?? Infinity,
    maxPeerUploadBytesPerSec: config.maxPeerUploadBytesPerSec ?? Infinity,
    onUploaded: options.onUploaded,
  });
  swarm.on('peer:connected', (peer) => {
    events.emit('peer:connected', { peerId: peer.id });
    soon();
  });
  swarm.on('peer:closed', (peer, reason) => {
    events.emit('peer:closed', reason ? { peerId: peer.id, reason } : { peerId: peer.id });
    if (reason?.code === 'internal-error') events.emit('engine:error', { error: reason });
    soon();
  });
  swarm.on('holdings:changed', () => soon());
  swarm.on('tracker:warning', (error) => events.emit('tracker:warning', { error }));
  return {
    swarm,
    trackerOptions: {
      infoHashHex,
      peerId: options.peerId,
      announceUrls: partition.announceUrls,
      rtcConfig: config.rtcConfig,
      offerTimeoutMs: config.offerTimeoutMs,
      wantedPeers: config.maxPeers,
      announceIntervalMs: config.announceIntervalMs,
    },
  };
}
