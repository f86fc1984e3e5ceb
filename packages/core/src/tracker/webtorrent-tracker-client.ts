/**
 * `TrackerClient` over WebTorrent WebSocket trackers, wrapping `bittorrent-tracker`'s `Client`.
 *
 * What the library does (11.2.3) and what this class adds:
 * - Each announce makes up to 5 offers per tracker URL (5 RTCPeerConnections each), which the tracker
 *   forwards to random peers of the swarm. An unanswered offer lives 50 s in the library; here it is
 *   closed after `offerTimeoutMs`, and so is any peer that has not connected by then.
 * - It emits `peer` with simple-peer instances that are NOT connected yet (an answered offer, or the
 *   answer to a remote offer); `peer.id` is the remote peer id in hex. Here a peer is wrapped in a
 *   `SimplePeerTransport` and emitted only once its data channel is open.
 * - Two peers that both offer end up with two connections; see `ConnectedPeers.adopt` for which one survives.
 * - Tracker failures are `warning` events (a dead URL reconnects on its own with backoff); both `warning`
 *   and `error` become `warning` events with a `ShoalError('tracker-warning')` here.
 * - Every tracker message is screened before the library reads it (`tracker-message.ts`): unknown actions
 *   and malformed fields are ignored with a `tracker-warning` (the socket stays up), the tracker's
 *   `interval` is clamped, remote offers beyond `MAX_PENDING_ANSWERS` are dropped, and reconnects back off
 *   from 1 s to 60 s with jitter.
 * - The library keeps one WebSocket per tracker URL per JavaScript realm, shared by every client in it;
 *   a second client of the same swarm in one realm gets its own socket here (see `claimOwnSockets`).
 *
 * Platform-neutral: no Node import. In Node, call `installNodeEndOfCandidatesFix()` from
 * `@shoal/core/node` once before connecting, or every connection takes ~10 s instead of ~1 s.
 */
import Client from 'bittorrent-tracker';
import EventEmitter from 'eventemitter3';

import type { Clock, TimerHandle } from '../clock/clock';
import { systemClock } from '../clock/system-clock';
import { ShoalError } from '../errors';
import {
  claimOwnSockets,
  hookLibraryInternals,
  missingInternalWarning,
  quietlyDestroy,
  type LibraryInternals,
  type LibraryPeer,
} from './bittorrent-tracker-internals';
import { AnnounceSchedule } from './announce-schedule';
import { ConnectedPeers } from './connected-peers';
import type { TrackerClient, TrackerClientEvents, TrackerClientOptions } from './tracker-client';

export { MIN_ANNOUNCE_GAP_MS } from './announce-pacing';
export { DUPLICATE_RACE_WINDOW_MS } from './connected-peers';

/**
 * While this many of our offers wait for an answer, announces carry no new offers: every offer is an
 * RTCPeerConnection (a thread and sockets), and leaked ones are a known failure of peer CDNs. 10 is one
 * full announce to two trackers.
 */
export const MAX_PENDING_OFFERS = 10;

/**
 * Remote offers being answered at once (each an RTCPeerConnection for up to `offerTimeoutMs`); a tracker
 * relaying more gets them dropped with a `tracker-warning`. Without it, 40 offers left 45 connections
 * pending. 10 matches `MAX_PENDING_OFFERS`: a viewer wants a handful of peers, not dozens at once.
 */
export const MAX_PENDING_ANSWERS = 10;

/**
 * The library's Node build refuses to start without a `port` (the TCP port HTTP/UDP trackers advertise).
 * WebSocket trackers never use it and the browser build ignores it, so any number will do.
 */
const UNUSED_PORT = 6881;

interface PendingPeer {
  deadline: TimerHandle;
  /** For our offers: whether the offer has been handed to the library to send (its `signal` event). */
  offerSent: boolean;
  /** Close as soon as the offer is sent (see `#close`). */
  closeWhenSent: boolean;
  onSignal: () => void;
  onConnect: () => void;
  onClose: () => void;
}

type EventListener<E extends keyof TrackerClientEvents> = EventEmitter.EventListener<TrackerClientEvents, E>;

export class WebTorrentTrackerClient implements TrackerClient {
  readonly peerId: string;
  /**
   * Composition, not inheritance: eventemitter3's `on` signature does not satisfy the contract's
   * `on<E>(event: E, listener: TrackerClientEvents[E])`, so the typed methods below forward to it.
   */
  readonly #events = new EventEmitter<TrackerClientEvents>();
  readonly #options: TrackerClientOptions;
  readonly #clock: Clock;
  #client: Client | null = null;
  #internals: LibraryInternals | null = null;
  #releaseSockets: () => void = () => {};
  #started = false;
  #destroyed = false;
  #wantedPeers: number;
  readonly #announces: AnnounceSchedule;
  /** Every peer the library made that has neither connected nor closed yet. */
  readonly #pending = new Map<LibraryPeer, PendingPeer>();
  /** Connected transports, one per remote peer id, until they close. */
  readonly #connected: ConnectedPeers;
  /** Viewers each tracker counts in the swarm (its latest announce response), us included. */
  readonly #swarmSizes = new Map<string, number>();

  constructor(options: TrackerClientOptions, clock: Clock = systemClock) {
    this.#options = options;
    this.#clock = clock;
    this.peerId = options.peerId.toLowerCase();
    this.#wantedPeers = wholeCount(options.wantedPeers);
    this.#connected = new ConnectedPeers(this.peerId, clock);
    this.#announces = new AnnounceSchedule({
      clock,
      intervalMs: options.announceIntervalMs,
      isRunning: () => this.#started && !this.#destroyed,
      canSend: () => !this.#destroyed && this.#client !== null,
      send: () => this.#client?.update(),
      wantsPeers: () => this.#wantedPeers > 0,
    });
  }

  on<E extends keyof TrackerClientEvents>(event: E, listener: TrackerClientEvents[E]): this {
    this.#events.on(event, listener as EventListener<E>);
    return this;
  }

  once<E extends keyof TrackerClientEvents>(event: E, listener: TrackerClientEvents[E]): this {
    this.#events.once(event, listener as EventListener<E>);
    return this;
  }

  off<E extends keyof TrackerClientEvents>(event: E, listener?: TrackerClientEvents[E]): this {
    this.#events.off(event, listener as EventListener<E> | undefined);
    return this;
  }

  /** Peers the library made that are not connected yet: pending offers and half-done answers. */
  get pendingConnectionCount(): number {
    return this.#pending.size;
  }

  start(): void {
    if (this.#started || this.#destroyed) return;
    this.#started = true;
    // Only WebSocket trackers: in Node the library would also speak HTTP/UDP, whose peers are addresses.
    const announceUrls = this.#options.announceUrls.filter((url) => {
      const supported = /^wss?:\/\//i.test(url.trim());
      if (!supported) this.#warn(new Error(`Not a WebSocket tracker URL (ws:// or wss://): ${url}`));
      return supported;
    });
    const sockets = claimOwnSockets(announceUrls, this.#options.infoHashHex);
    this.#releaseSockets = sockets.release;
    let client: Client;
    try {
      client = new Client({
        infoHash: this.#options.infoHashHex.toLowerCase(),
        peerId: this.peerId,
        announce: sockets.announceUrls,
        port: UNUSED_PORT,
        ...(this.#options.rtcConfig ? { rtcConfig: this.#options.rtcConfig } : {}),
        getAnnounceOpts: () => ({ numwant: this.#offersToMake() }),
      });
    } catch (error) {
      this.#releaseSockets();
      this.#warn(error);
      return;
    }
    this.#client = client;
    client.on('warning', (error: unknown) => this.#warn(error));
    client.on('error', (error: unknown) => this.#warn(error));
    client.on('peer', (peer: LibraryPeer) => this.#watch(peer));
    client.on('update', (response: { announce?: string; complete?: number; incomplete?: number }) => {
      const size = (response.complete ?? 0) + (response.incomplete ?? 0);
      if (Number.isFinite(size) && size > 0) this.#swarmSizes.set(response.announce ?? '', size);
    });
    this.#internals = hookLibraryInternals(client, (peer) => this.#watch(peer), {
      acceptRemoteOffer: () => this.#pendingAnswers() < MAX_PENDING_ANSWERS,
      onWarning: (message) => this.#warn(new Error(message)),
    });
    for (const field of this.#internals.missing) this.#warn(new Error(missingInternalWarning(field)));
    this.#announces.announced();
    client.start();
    this.#announces.scheduleInterval();
  }

  setWantedPeers(count: number): void {
    if (this.#destroyed) return;
    const previous = this.#wantedPeers;
    this.#wantedPeers = wholeCount(count);
    if (this.#wantedPeers === 0) {
      this.#announces.stop();
      for (const peer of [...this.#pending.keys()]) {
        if (this.#internals?.isUnansweredOffer(peer)) this.#close(peer);
      }
      return;
    }
    if (this.#wantedPeers > previous) this.#announces.request();
    if (!this.#announces.hasInterval) this.#announces.scheduleInterval();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#announces.stop();
    for (const peer of [...this.#pending.keys()]) this.#drop(peer); // stalls no announce: all stop here
    const client = this.#client;
    this.#client = null;
    if (client) {
      // Keep listening (and ignoring): an `error` without a listener would throw.
      client.removeAllListeners('peer');
      try {
        client.stop();
      } catch {
        // A tracker in a bad state; destroying it is all that is left to do.
      }
      this.#internals?.cancelReconnects();
      client.destroy();
    }
    this.#internals = null;
    this.#releaseSockets();
    this.#connected.clear();
    this.#events.removeAllListeners();
  }

  swarmSize(): number | undefined {
    return this.#swarmSizes.size === 0 ? undefined : Math.max(...this.#swarmSizes.values());
  }

  /** How many offers the next announce makes (the library's `numwant`, capped by it at 5 per tracker). */
  #offersToMake(): number {
    if (this.#destroyed || this.#wantedPeers === 0) return 0;
    let pendingOffers = 0;
    for (const peer of this.#pending.keys()) if (peer.initiator) pendingOffers++;
    if (pendingOffers >= MAX_PENDING_OFFERS) return 0;
    // Connected to everyone the tracker knows: offers would only reach neighbours we already have and
    // end as duplicate connections. (Newcomers still reach us: their own announce carries offers.)
    const swarmSize = this.#swarmSizes.size === 0 ? Infinity : Math.max(...this.#swarmSizes.values());
    const unconnected = swarmSize - 1 - this.#connected.size;
    return Math.max(0, Math.min(this.#wantedPeers, unconnected));
  }

  #pendingAnswers(): number {
    let count = 0;
    for (const peer of this.#pending.keys()) if (!peer.initiator) count++;
    return count;
  }

  /** Follows a library peer until it connects (then `#adopt`), closes, or misses its deadline. */
  #watch(peer: LibraryPeer): void {
    if (typeof peer !== 'object' || peer === null) return; // an address from a non-WebRTC tracker
    if (this.#destroyed) {
      quietlyDestroy(peer);
      return;
    }
    if (this.#pending.has(peer) || peer.destroyed) return;
    if (peer.connected) {
      this.#adopt(peer);
      return;
    }
    const entry: PendingPeer = {
      deadline: this.#clock.setTimeout(() => this.#close(peer), this.#options.offerTimeoutMs),
      offerSent: !peer.initiator,
      closeWhenSent: false,
      onSignal: () => {
        entry.offerSent = true;
        // After the library's own `signal` listener has taken the offer into its announce.
        if (entry.closeWhenSent) queueMicrotask(() => this.#drop(peer));
      },
      onConnect: () => {
        this.#unwatch(peer);
        this.#adopt(peer);
      },
      onClose: () => {
        this.#unwatch(peer);
        this.#internals?.forgetUnansweredOffer(peer);
      },
    };
    this.#pending.set(peer, entry);
    if (peer.initiator) peer.once('signal', entry.onSignal);
    peer.once('connect', entry.onConnect);
    peer.once('close', entry.onClose);
  }

  #unwatch(peer: LibraryPeer): void {
    const entry = this.#pending.get(peer);
    if (!entry) return;
    this.#pending.delete(peer);
    this.#clock.clearTimeout(entry.deadline);
    peer.removeListener('signal', entry.onSignal);
    peer.removeListener('connect', entry.onConnect);
    peer.removeListener('close', entry.onClose);
  }

  /**
   * Closes a peer that has not connected (timed out or no longer wanted). An offer still being made is
   * closed only once made: the library sends an announce when ALL its offers have signalled, so
   * destroying one before that would silently cancel the announce (and with it our registration).
   */
  #close(peer: LibraryPeer): void {
    const entry = this.#pending.get(peer);
    if (entry && !entry.offerSent) entry.closeWhenSent = true;
    else this.#drop(peer);
  }

  /** Closes a peer that has not connected, now. */
  #drop(peer: LibraryPeer): void {
    this.#unwatch(peer);
    this.#internals?.forgetUnansweredOffer(peer);
    quietlyDestroy(peer);
  }

  /** A connected peer becomes a transport (`ConnectedPeers.adopt`), emitted as `peer`. */
  #adopt(peer: LibraryPeer): void {
    if (this.#destroyed) {
      quietlyDestroy(peer);
      return;
    }
    const transport = this.#connected.adopt(peer);
    if (transport) this.#events.emit('peer', transport);
  }

  #warn(error: unknown): void {
    if (this.#destroyed) return;
    const message = error instanceof Error ? error.message : String(error);
    this.#events.emit('warning', new ShoalError('tracker-warning', message, { source: 'tracker', cause: error }));
  }
}

/** Peers wanted: a non-negative whole number (anything else counts as 0). */
function wholeCount(count: number): number {
  return Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
}
