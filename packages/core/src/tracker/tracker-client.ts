/** Peer discovery: announce to trackers, get connected transports back. Type-only. */
import type { ShoalError } from '../errors';
import type { Transport } from '../transport/transport';

export interface TrackerClientEvents {
  /** A new peer is connected and ready for frames. The receiver owns the transport. */
  peer: (transport: Transport) => void;
  /** A tracker is unreachable or answered with a failure. Never fatal: other trackers and peers go on. */
  warning: (error: ShoalError) => void;
}

export interface TrackerClientEmitter {
  on<E extends keyof TrackerClientEvents>(event: E, listener: TrackerClientEvents[E]): this;
  off<E extends keyof TrackerClientEvents>(event: E, listener?: TrackerClientEvents[E]): this;
}

export interface TrackerClient extends TrackerClientEmitter {
  /** This client's peer id (40 hex chars). */
  readonly peerId: string;
  /** Announce and start accepting peers. */
  start(): void;
  /**
   * How many more peers we want. 0 stops making offers (and closes pending unanswered ones); a positive
   * number re-announces with at most that many offers.
   */
  setWantedPeers(count: number): void;
  /** Announce `stopped`, close every pending offer and socket. Idempotent. */
  destroy(): void;
  /**
   * Viewers the trackers count in the swarm, this one included, from their latest announce responses;
   * undefined before the first (or when the tracker does not say). Optional: discovery without counts
   * (a LAN, a test hub) leaves it out.
   */
  swarmSize?(): number | undefined;
}

export interface TrackerClientOptions {
  /** 40 hex chars: the tracker info-hash of the swarm. */
  infoHashHex: string;
  /** 40 hex chars. */
  peerId: string;
  announceUrls: string[];
  /** Passed to every RTCPeerConnection. */
  rtcConfig?: RTCConfigurationLike;
  /** Offers not answered within this time are closed. */
  offerTimeoutMs: number;
  /** Peers wanted at start. */
  wantedPeers: number;
  /** Re-announce interval while peers are wanted. */
  announceIntervalMs: number;
}

/** The subset of RTCConfiguration we pass through, declared here so core needs no DOM types. */
export interface RTCConfigurationLike {
  iceServers?: Array<{ urls: string | string[]; username?: string; credential?: string }>;
  [key: string]: unknown;
}
