/**
 * The peers of one stream's swarm: accepts connected transports from the tracker (up to `maxPeers`),
 * runs a Peer session on each, keeps every peer told what we hold (the full set from `Holdings` on
 * connect, then each `have`/`lost` Holdings emits), and serves their requests through the Uploader.
 */
import EventEmitter from 'eventemitter3';
import type { Clock, TimerHandle } from '../clock/clock';
import type { ShoalError } from '../errors';
import type { HeldSegmentAnnouncement, Holdings } from '../holdings/holdings';
import type { TrackerClient } from '../tracker/tracker-client';
import type { Transport } from '../transport/transport';
import type { SegmentKey } from '../types';
import { Peer, type HeldByPeer } from './peer';
import { Uploader, type UploaderOptions } from './uploader';
import { choosePeerToDrop } from './neighbours';
import type { SwarmView } from './swarm-view';
import { encodeHoldings, encodeLost } from '../wire/codec';

/**
 * Connections accepted above `maxPeers` for a while: in a swarm where everyone is full, a newcomer would
 * otherwise be refused by all and watch alone. The surplus is pruned once newcomers' grace has passed.
 */
export const PEER_SLACK = 2;
/** A new neighbour is not pruned before it had this long to prove useful. */
export const NEW_PEER_GRACE_MS = 10_000;
/** `startupPeers` is lifted this long after joining even if no player says it started (paused, or none). */
export const STARTUP_PEERS_MAX_MS = 5_000;

export interface SwarmEvents {
  'peer:connected': (peer: Peer) => void;
  'peer:closed': (peer: Peer, reason?: ShoalError) => void;
  /** A peer's holdings changed: a segment may have become available. */
  'holdings:changed': (peer: Peer, renditionId: string, segmentIds: number[]) => void;
  'tracker:warning': (error: ShoalError) => void;
}

export interface SwarmOptions {
  swarmHashHex: string;
  clock: Clock;
  maxPeers: number;
  /** Peers asked for until playback starts (or `STARTUP_PEERS_MAX_MS`); `maxPeers` when absent. */
  startupPeers?: number;
  uploadEnabled: boolean;
  /** What we hold: the full set for each new peer, what the uploader serves, and every change to announce. */
  holdings: Holdings;
  /** The engine's one "playback started" fact (see `playbackStartedChanged`). */
  playbackStarted(): boolean;
  onUploaded: UploaderOptions['onUploaded'];
  /** Upload rate of all peers together (`ShoalConfig.maxUploadBytesPerSec`); default unlimited. */
  maxUploadBytesPerSec?: number;
  /** Upload rate to any one peer (`ShoalConfig.maxPeerUploadBytesPerSec`); default unlimited. */
  maxPeerUploadBytesPerSec?: number;
  /** Peers never connected again (they sent corrupt data): their connections are refused at once. */
  isDenied?(peerId: string): boolean;
}

export class Swarm extends EventEmitter<SwarmEvents> implements SwarmView {
  private readonly options: SwarmOptions;
  private readonly sessions = new Map<string, Peer>();
  /** Sessions superseded by a newer connection to the same peer: their close is not a departure. */
  private readonly replaced = new WeakSet<Peer>();
  private readonly uploader: Uploader;
  private tracker: TrackerClient | undefined;
  private pruneTimer: TimerHandle | undefined;
  private readonly connectedAtMs = new WeakMap<Peer, number>();
  private playing: string[] = [];
  /** `STARTUP_PEERS_MAX_MS` passed without playback starting: the startup limit is lifted anyway. */
  private startupTimedOut = false;
  private startupTimer: TimerHandle | undefined;
  private destroyed = false;
  private everConnected = false;

  constructor(options: SwarmOptions) {
    super();
    this.options = options;
    this.uploader = new Uploader({
      clock: options.clock,
      maxUploadBytesPerSec: options.maxUploadBytesPerSec ?? Infinity,
      maxPeerUploadBytesPerSec: options.maxPeerUploadBytesPerSec ?? Infinity,
      isUploadEnabled: () => options.uploadEnabled,
      holdings: options.holdings,
      onUploaded: options.onUploaded,
    });
    // Privacy: a viewer that serves nobody tells nobody what it holds (peers need not know to serve it).
    if (options.uploadEnabled) {
      options.holdings.on('have', this.announceHave);
      options.holdings.on('lost', this.announceLost);
    }
  }

  /** Take peers from this tracker client and start it. */
  join(tracker: TrackerClient): void {
    this.tracker = tracker;
    tracker.on('peer', this.onTransport);
    tracker.on('warning', this.onTrackerWarning);
    if (this.peerTarget() < this.options.maxPeers) {
      this.startupTimer = this.options.clock.setTimeout(() => {
        this.startupTimedOut = true;
        this.updateWantedPeers();
      }, STARTUP_PEERS_MAX_MS);
    }
    tracker.setWantedPeers(this.peerTarget());
    tracker.start();
  }

  /**
   * A notification: `options.playbackStarted()` now says true, so up to `maxPeers` peers are asked for
   * from now on. The fact itself stays the engine's; nothing here keeps a copy. Call it once.
   */
  playbackStartedChanged(): void {
    if (this.destroyed || this.startupTimedOut) return;
    this.options.clock.clearTimeout(this.startupTimer);
    this.startupTimer = undefined;
    this.updateWantedPeers();
  }

  peer(peerId: string): Peer | undefined {
    const peer = this.sessions.get(peerId);
    return peer?.isReady && !peer.isClosed ? peer : undefined;
  }

  /** Connected peers that completed the handshake. */
  get peers(): Peer[] {
    return [...this.sessions.values()].filter((p) => p.isReady && !p.isClosed);
  }

  get peerCount(): number {
    let count = 0;
    for (const peer of this.sessions.values()) if (peer.isReady && !peer.isClosed) count++;
    return count;
  }

  /**
   * No peer has been ready yet, but the tracker counts other viewers: a first connection is on its way
   * (their offers or ours are being answered). False once any peer has been ready, even if all left.
   */
  get awaitingFirstPeer(): boolean {
    return !this.everConnected && !this.destroyed && (this.tracker?.swarmSize?.() ?? 1) > 1;
  }

  /** Ready peers that announced this segment, with what they said of it. */
  peersHolding(key: SegmentKey): Array<{ peer: Peer; held: HeldByPeer }> {
    const result: Array<{ peer: Peer; held: HeldByPeer }> = [];
    // The scheduler asks for every wanted segment on every decision: no array of peers is made for it.
    for (const peer of this.sessions.values()) {
      if (!peer.isReady || peer.isClosed) continue;
      const held = peer.holds(key);
      if (held) result.push({ peer, held });
    }
    return result;
  }

  /** A peer's requests not yet served: count and bytes (each capped, `limits/peer-limits.ts`). */
  outstandingUploadsOf(peer: Peer): { requests: number; bytes: number } {
    return this.uploader.outstandingOf(peer);
  }

  /** This viewer's measured uplink (bytes/s); undefined until it was busy long enough to measure. */
  get uplinkBytesPerSec(): number | undefined {
    return this.uploader.uplinkBytesPerSec;
  }

  /** Close a peer's session (ready or not) for a reason, e.g. `corrupt-data`; `peer:closed` follows. */
  dropPeer(peerId: string, reason: ShoalError): void {
    this.sessions.get(peerId)?.drop(reason);
  }

  /** Add a live transport (from the tracker, or directly in tests). */
  addTransport(transport: Transport): void {
    this.onTransport(transport);
  }

  /**
   * What Holdings says we now hold, told to every session, ready or not: our handshake and full set went
   * out when the session started, and frames stay in order, so a peer still handshaking must hear of
   * what we got since.
   */
  private readonly announceHave = (key: SegmentKey, held: HeldSegmentAnnouncement): void => {
    if (this.sessions.size === 0) return;
    // Encoded once for every peer: the same frames go to each (transports copy what they send).
    const frames = encodeHoldings('have', [{ renditionId: key.renditionId, segments: [{ segmentId: key.segmentId, ...held }] }]);
    for (const peer of this.sessions.values()) peer.sendEncoded(frames);
  };

  private readonly announceLost = (key: SegmentKey): void => {
    if (this.sessions.size === 0) return;
    const frames = encodeLost(key.renditionId, [key.segmentId]);
    for (const peer of this.sessions.values()) peer.sendEncoded(frames);
  };

  /** The renditions we play now, told to every peer (they prefer neighbours that play the same). */
  setPlaying(renditionIds: string[]): void {
    if (renditionIds.join() === this.playing.join()) return;
    this.playing = [...renditionIds];
    for (const peer of this.peers) peer.sendInterest(this.playing);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.tracker) {
      this.tracker.off('peer', this.onTransport);
      this.tracker.off('warning', this.onTrackerWarning);
      this.tracker.destroy();
    }
    this.options.clock.clearTimeout(this.pruneTimer);
    this.options.clock.clearTimeout(this.startupTimer);
    this.options.holdings.off('have', this.announceHave);
    this.options.holdings.off('lost', this.announceLost);
    this.uploader.destroy();
    for (const peer of [...this.sessions.values()]) peer.close('normal');
    this.sessions.clear();
    this.removeAllListeners();
  }

  private readonly onTrackerWarning = (error: ShoalError): void => {
    this.emit('tracker:warning', error);
  };

  private readonly onTransport = (transport: Transport): void => {
    if (this.destroyed || this.options.isDenied?.(transport.remotePeerId)) {
      transport.destroy();
      return;
    }
    // Two peers that offered to each other at once get two connections; the tracker client keeps the one
    // both sides agree on and hands it over again: it replaces the session we have.
    const replaced = this.sessions.get(transport.remotePeerId);
    if (replaced) {
      this.sessions.delete(replaced.id);
      this.replaced.add(replaced);
      replaced.destroy();
    }
    const peer = new Peer(transport, {
      clock: this.options.clock,
      swarmHashHex: this.options.swarmHashHex,
      uploadEnabled: this.options.uploadEnabled,
      playing: this.playing,
    });
    if (this.sessions.size >= this.options.maxPeers + PEER_SLACK) {
      peer.close('tooManyPeers');
      return;
    }
    this.sessions.set(peer.id, peer);
    this.updateWantedPeers();
    peer.once('ready', () => {
      this.everConnected = true;
      this.connectedAtMs.set(peer, this.options.clock.now());
      this.uploader.attach(peer);
      this.emit('peer:connected', peer);
      if (this.sessions.size > this.options.maxPeers) this.schedulePrune(NEW_PEER_GRACE_MS);
    });
    peer.on('holdings', (renditionId, segmentIds) => this.emit('holdings:changed', peer, renditionId, segmentIds));
    peer.once('closed', (reason) => {
      const wasReady = peer.isReady;
      if (this.replaced.has(peer)) return;
      this.sessions.delete(peer.id);
      this.uploader.detach(peer);
      this.updateWantedPeers();
      if (wasReady || reason) this.emit('peer:closed', peer, reason);
    });
    peer.start(this.options.uploadEnabled ? this.options.holdings.fullSet() : []);
  };

  /** Over `maxPeers`: drop the least useful neighbours that are past their grace period. */
  private schedulePrune(delayMs: number): void {
    if (this.pruneTimer !== undefined || this.destroyed) return;
    this.pruneTimer = this.options.clock.setTimeout(() => {
      this.pruneTimer = undefined;
      this.prune();
    }, delayMs);
  }

  private prune(): void {
    const nowMs = this.options.clock.now();
    while (this.sessions.size > this.options.maxPeers) {
      const candidates = this.peers
        .filter((peer) => nowMs - (this.connectedAtMs.get(peer) ?? nowMs) >= NEW_PEER_GRACE_MS)
        .map((peer) => ({
          peer,
          servedUsBytes: peer.downloadedBytes,
          servedThemBytes: peer.uploadedBytes,
          playsOurRenditions: peer.remotePlaying.some((id) => this.playing.includes(id)),
        }));
      const drop = choosePeerToDrop(candidates);
      if (!drop) {
        this.schedulePrune(NEW_PEER_GRACE_MS / 2);
        return;
      }
      drop.close('tooManyPeers');
    }
  }

  private updateWantedPeers(): void {
    if (this.destroyed) return;
    this.tracker?.setWantedPeers(Math.max(0, this.peerTarget() - this.sessions.size));
  }

  /** Peers we ask the tracker for: fewer while the player starts (see `ShoalConfig.startupPeers`). */
  private peerTarget(): number {
    const { maxPeers, startupPeers } = this.options;
    const startupOver = this.options.playbackStarted() || this.startupTimedOut;
    return startupOver || startupPeers === undefined ? maxPeers : Math.min(maxPeers, startupPeers);
  }
}
