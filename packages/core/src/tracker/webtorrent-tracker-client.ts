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
 * - Two peers that both offer end up with two connections; see `#adopt` for which one survives.
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
import { SimplePeerTransport } from '../transport/simple-peer-transport';
import type { Transport } from '../transport/transport';
import {
  BITTORRENT_TRACKER_CHECKED_VERSION,
  claimOwnSockets,
  hookLibraryInternals,
  type LibraryInternals,
  type LibraryPeer,
} from './bittorrent-tracker-internals';
import { MIN_ANNOUNCE_GAP_MS } from './announce-pacing';
import type { TrackerClient, TrackerClientEvents, TrackerClientOptions } from './tracker-client';

export { MIN_ANNOUNCE_GAP_MS } from './announce-pacing';

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
 * A duplicate connection to a peer we are already connected to is closed, except when both connected
 * within this window: then both sides may have picked different ones, so both keep the one offered by
 * the lower peer id. Generous next to a connection's setup time (~1 s) yet short enough that a long-lived
 * connection is never replaced when a re-announce offers to a peer we already have.
 */
export const DUPLICATE_RACE_WINDOW_MS = 5_000;

/**
 * The library's Node build refuses to start without a `port` (the TCP port HTTP/UDP trackers advertise).
 * WebSocket trackers never use it and the browser build ignores it, so any number will do.
 */
const UNUSED_PORT = 6881;

/** What Shoal cannot do when a bittorrent-tracker private field is missing, by field (see the warning). */
const LOST_WITHOUT: Record<string, string> = {
  _trackers: "no offer is closed before the library's own 50 s, and reconnects may outlive destroy()",
  _createPeer: "offers nobody answers stay open the library's own 50 s instead of offerTimeoutMs",
  peers: "an offer closed early stays in the library's books, where a late answer would throw",
  reconnectTimer: "a reconnect after a tracker failure may outlive destroy()",
  _onSocketData: 'tracker messages reach the library unscreened (no interval clamp, no cap on remote offers)',
  _startReconnectTimer: "reconnects wait the library's 10 s to 5 min instead of 1 s doubling to 60 s",
};

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

interface Adopted {
  transport: Transport;
  /** True when the lower of the two peer ids made the offer: the connection both sides keep in a race. */
  preferred: boolean;
  adoptedAtMs: number;
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
  #lastAnnounceMs = Number.NEGATIVE_INFINITY;
  /** A rate-limited announce waiting for `MIN_ANNOUNCE_GAP_MS` to pass. */
  #announceTimer: TimerHandle | null = null;
  /** The next periodic announce, while peers are wanted. */
  #intervalTimer: TimerHandle | null = null;
  /** Every peer the library made that has neither connected nor closed yet. */
  readonly #pending = new Map<LibraryPeer, PendingPeer>();
  /** Connected transports by remote peer id, until they close. */
  readonly #transports = new Map<string, Adopted>();
  /** Viewers each tracker counts in the swarm (its latest announce response), us included. */
  readonly #swarmSizes = new Map<string, number>();

  constructor(options: TrackerClientOptions, clock: Clock = systemClock) {
    this.#options = options;
    this.#clock = clock;
    this.peerId = options.peerId.toLowerCase();
    this.#wantedPeers = wholeCount(options.wantedPeers);
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
    for (const field of this.#internals.missing) {
      this.#warn(
        new Error(
          `bittorrent-tracker internal ${field} not found (checked against bittorrent-tracker ` +
            `${BITTORRENT_TRACKER_CHECKED_VERSION}): ${LOST_WITHOUT[field.replace(/^.*\./, '')] ?? LOST_WITHOUT['_trackers']}`,
        ),
      );
    }
    this.#lastAnnounceMs = this.#clock.now();
    client.start();
    this.#scheduleInterval();
  }

  setWantedPeers(count: number): void {
    if (this.#destroyed) return;
    const previous = this.#wantedPeers;
    this.#wantedPeers = wholeCount(count);
    if (this.#wantedPeers === 0) {
      this.#clearTimer('announce');
      this.#clearTimer('interval');
      for (const peer of [...this.#pending.keys()]) {
        if (this.#internals?.isUnansweredOffer(peer)) this.#close(peer);
      }
      return;
    }
    if (this.#wantedPeers > previous) this.#requestAnnounce();
    if (this.#intervalTimer === null) this.#scheduleInterval();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#clearTimer('announce');
    this.#clearTimer('interval');
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
    this.#transports.clear();
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
    const unconnected = swarmSize - 1 - this.#transports.size;
    return Math.max(0, Math.min(this.#wantedPeers, unconnected));
  }

  #pendingAnswers(): number {
    let count = 0;
    for (const peer of this.#pending.keys()) if (!peer.initiator) count++;
    return count;
  }

  #requestAnnounce(): void {
    if (!this.#started || this.#destroyed || this.#announceTimer !== null) return;
    const waitMs = Math.max(0, this.#lastAnnounceMs + MIN_ANNOUNCE_GAP_MS - this.#clock.now());
    this.#announceTimer = this.#clock.setTimeout(() => {
      this.#announceTimer = null;
      this.#announce();
    }, waitMs);
  }

  #announce(): void {
    if (this.#destroyed || !this.#client) return;
    this.#lastAnnounceMs = this.#clock.now();
    this.#client.update();
    this.#scheduleInterval();
  }

  /** (Re)starts the periodic announce; it runs only while peers are wanted. */
  #scheduleInterval(): void {
    this.#clearTimer('interval');
    if (!this.#started || this.#destroyed || this.#wantedPeers === 0) return;
    this.#intervalTimer = this.#clock.setTimeout(() => {
      this.#intervalTimer = null;
      this.#announce();
    }, this.#options.announceIntervalMs);
  }

  #clearTimer(which: 'announce' | 'interval'): void {
    const handle = which === 'announce' ? this.#announceTimer : this.#intervalTimer;
    if (handle !== null) this.#clock.clearTimeout(handle);
    if (which === 'announce') this.#announceTimer = null;
    else this.#intervalTimer = null;
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

  /**
   * A connected peer becomes a transport, unless we already have one to that peer. Of two connections to
   * one peer we keep the older; but when both came up within `DUPLICATE_RACE_WINDOW_MS` (each side made
   * an offer the other answered), the two sides may have seen them in different orders, so both keep the
   * one offered by the lower peer id, which both can tell apart.
   */
  #adopt(peer: LibraryPeer): void {
    const remotePeerId = peer.id?.toLowerCase();
    if (this.#destroyed || !remotePeerId || remotePeerId === this.peerId) {
      quietlyDestroy(peer);
      return;
    }
    const preferred = peer.initiator === (this.peerId < remotePeerId);
    const nowMs = this.#clock.now();
    const existing = this.#transports.get(remotePeerId);
    if (existing && !existing.transport.closed) {
      const inRace = nowMs - existing.adoptedAtMs < DUPLICATE_RACE_WINDOW_MS;
      if (!inRace || existing.preferred || !preferred) {
        quietlyDestroy(peer);
        return;
      }
      this.#transports.delete(remotePeerId);
      existing.transport.destroy();
    }
    const transport = new SimplePeerTransport(peer, { remotePeerId });
    const adopted: Adopted = { transport, preferred, adoptedAtMs: nowMs };
    this.#transports.set(remotePeerId, adopted);
    transport.once('close', () => {
      if (this.#transports.get(remotePeerId) === adopted) this.#transports.delete(remotePeerId);
    });
    this.#events.emit('peer', transport);
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

function quietlyDestroy(peer: LibraryPeer): void {
  peer.on('error', () => {}); // an error racing the destroy must not go unhandled
  peer.destroy();
}
