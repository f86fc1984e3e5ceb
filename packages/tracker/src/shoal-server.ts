/**
 * bittorrent-tracker's `Server` (WebSocket only, no HTTP server of its own) with Shoal's limits and
 * counters hooked in. THE ONLY FILE THAT OVERRIDES THE LIBRARY'S PRIVATE METHODS (`_onWebSocketRequest`,
 * `_onRequest`, `_onWebSocketClose`, checked against 11.2.3, which the package pins):
 * - each message: the per-connection rate, then the strict shape (`message-check.ts`); a violation closes
 *   the socket (1008) before the library sees the message;
 * - each announce: the swarm, peers-per-swarm, swarms-per-connection and peer-ids-per-connection caps
 *   (the library's public `filter`: a refusal is the library's `failure reason` reply), then the offers
 *   clamp (`maxOffersPerAnnounce`: extra offers are dropped, `numwant` clamped alike);
 * - a swarm left empty is deleted (the library keeps every swarm it ever made);
 * - a heartbeat ping: a connection that missed one pong is cut, and its peers leave their swarms.
 */
import Server, { type AnnounceParams, type TrackerSocket } from 'bittorrent-tracker/server';
import type { WebSocket } from 'ws';
import { CLOSE_CODES, type RejectionReason } from './errors.js';
import { TokenBucket } from './limits.js';
import type { TrackerLog } from './log.js';
import { checkMessage } from './message-check.js';
import type { TrackerMetrics } from './metrics.js';
import type { TrackerLimits } from './options.js';

/** bittorrent-tracker's numeric action for announces (`lib/common-node.js` ACTIONS.ANNOUNCE). */
const ACTION_ANNOUNCE = 1;
/** The library's event names, emitted once an announce (or an answer) has been relayed. */
const ANNOUNCE_EVENTS = ['start', 'update', 'stop', 'complete', 'paused'] as const;
/** Milliseconds between heartbeat pings: well under the 60 s idle timeouts of common proxies and NATs. */
const HEARTBEAT_MS = 30_000;

interface SocketState {
  ip: string;
  bucket: TokenBucket;
  peerIds: Set<string>;
  /** Closed by us (a violation or shutdown): later messages are ignored. */
  closing: boolean;
  alive: boolean;
}

export interface ShoalServerOptions {
  limits: TrackerLimits;
  announceIntervalSec: number;
  metrics: TrackerMetrics;
  log: TrackerLog;
  now?: () => number;
}

export class ShoalServer extends Server {
  /** Open connections. */
  readonly sockets = new Set<TrackerSocket>();
  readonly #state = new WeakMap<TrackerSocket, SocketState>();
  readonly #limits: TrackerLimits;
  readonly #metrics: TrackerMetrics;
  readonly #log: TrackerLog;
  readonly #now: () => number;
  readonly #heartbeat: ReturnType<typeof setInterval>;

  constructor(options: ShoalServerOptions) {
    super({
      udp: false,
      http: false,
      stats: false,
      trustProxy: false,
      ws: { noServer: true, maxPayload: options.limits.maxMessageBytes },
      // The library tells WebSocket clients a fifth of `interval`.
      interval: options.announceIntervalSec * 5 * 1000,
      // Above the cap, so the library's LRU never silently evicts a member: the cap refuses first.
      peersCacheLength: options.limits.maxPeersPerSwarm + 1,
    });
    this.#limits = options.limits;
    this.#metrics = options.metrics;
    this.#log = options.log;
    this.#now = options.now ?? (() => performance.now());
    this._filter = (infoHashHex, params, callback) => callback(this.#admit(infoHashHex, params));
    for (const event of ANNOUNCE_EVENTS) {
      this.on(event, (_peerId: string, params: AnnounceParams) => {
        if (params.answer !== undefined) this.#metrics.answersRelayed.inc();
        if (event === 'stop') this.#dropIfEmpty(params.info_hash);
      });
    }
    this.on('warning', (error: Error) => this.#log.write('warn', 'library:warning', { message: error.message }));
    this.on('error', (error: Error) => this.#log.write('error', 'library:error', { message: error.message }));
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Takes an upgraded connection from `ip` (already admitted: origin and per-IP cap). */
  accept(ws: WebSocket, ip: string): void {
    const socket = ws as TrackerSocket;
    socket.ip = ip;
    const limits = this.#limits;
    this.#state.set(socket, {
      ip,
      bucket: new TokenBucket(limits.messageBurst, limits.messagesPerSec, this.#now),
      peerIds: new Set(),
      closing: false,
      alive: true,
    });
    this.sockets.add(socket);
    socket.on('pong', () => {
      const state = this.#state.get(socket);
      if (state) state.alive = true;
    });
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.#reject(socket, 'message-size', { ip });
    });
    socket.once('close', () => this.sockets.delete(socket));
    this.onWebSocketConnection(socket);
  }

  override _onWebSocketRequest(socket: TrackerSocket, options: object, raw: unknown): void {
    const state = this.#state.get(socket);
    if (!state || state.closing) return;
    this.#metrics.messages.inc();
    if (!state.bucket.take()) {
      this.#reject(socket, 'message-rate', { ip: state.ip });
      this.#closeFor(socket, state, 'message-rate');
      return;
    }
    const check = checkMessage(raw);
    if (!check.ok) {
      this.#reject(socket, 'malformed', { ip: state.ip, why: check.why });
      this.#closeFor(socket, state, 'malformed');
      return;
    }
    super._onWebSocketRequest(socket, options, raw);
  }

  override _onRequest(params: AnnounceParams, callback: (error: Error | null, response?: { peers?: unknown[] }) => void): void {
    if (params.action !== ACTION_ANNOUNCE) return super._onRequest(params, callback);
    const max = this.#limits.maxOffersPerAnnounce;
    if (params.offers && params.offers.length > max) {
      this.#metrics.offersDropped.inc(params.offers.length - max);
      params.offers = params.offers.slice(0, max);
    }
    params.numwant = Math.min(params.numwant, max);
    super._onRequest(params, (error, response) => {
      if (!error && params.answer === undefined) {
        this.#metrics.announces.inc();
        if (params.offers) this.#metrics.offersRelayed.inc(response?.peers?.length ?? 0);
      }
      callback(error, response);
    });
  }

  override _onWebSocketClose(socket: TrackerSocket): void {
    const infoHashes = socket.infoHashes ? [...socket.infoHashes] : [];
    super._onWebSocketClose(socket);
    this.sockets.delete(socket);
    for (const infoHash of infoHashes) this.#dropIfEmpty(infoHash);
  }

  swarmCount(): number {
    return Object.keys(this.torrents).length;
  }

  peerCount(): number {
    let peers = 0;
    for (const swarm of Object.values(this.torrents)) peers += swarm.peers.length;
    return peers;
  }

  /**
   * Tells every connection the tracker is going away (1001: clients reconnect, or announce to their other
   * trackers), waits up to `graceMs` for them to close, cuts the rest, and closes the library's server.
   */
  async shutdown(graceMs: number): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const socket of this.sockets) {
      const state = this.#state.get(socket);
      if (state) state.closing = true;
      socket.close(CLOSE_CODES.goingAway, 'tracker shutting down');
    }
    const deadline = Date.now() + graceMs;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.close(() => resolve()));
  }

  /** The announce caps, as the library's `filter`: an Error is sent back as the `failure reason`. */
  #admit(infoHashHex: string, params: AnnounceParams): Error | null {
    if (params.event === 'stopped') return null;
    const socket = params.socket;
    const state = socket ? this.#state.get(socket) : undefined;
    const swarm = this.torrents[infoHashHex];
    if (swarm?.peers.peek(params.peer_id)) return null; // already a member: updates and answers pass
    const limits = this.#limits;
    let refusal: [RejectionReason, string] | null = null;
    if (state && !state.peerIds.has(params.peer_id) && state.peerIds.size >= limits.maxPeerIdsPerConnection) {
      refusal = ['connection-peer-ids', `this connection announced ${limits.maxPeerIdsPerConnection} peer ids`];
    } else if (socket?.infoHashes && !socket.infoHashes.includes(infoHashHex) && socket.infoHashes.length >= limits.maxSwarmsPerConnection) {
      refusal = ['connection-swarms', `this connection is in ${limits.maxSwarmsPerConnection} swarms`];
    } else if (!swarm && this.swarmCount() >= limits.maxSwarms) {
      refusal = ['swarms', `the tracker holds ${limits.maxSwarms} swarms`];
    } else if (swarm && swarm.peers.length >= limits.maxPeersPerSwarm) {
      refusal = ['swarm-peers', `this swarm has ${limits.maxPeersPerSwarm} peers`];
    }
    if (refusal) {
      this.#metrics.reject(refusal[0]);
      this.#log.write('warn', `rejected:${refusal[0]}`, { reason: refusal[0], ip: state?.ip, infoHash: infoHashHex });
      return new Error(`${refusal[0]}: ${refusal[1]}`);
    }
    state?.peerIds.add(params.peer_id);
    return null;
  }

  #reject(socket: TrackerSocket, reason: RejectionReason, fields: Record<string, unknown>): void {
    this.#metrics.reject(reason);
    this.#log.write('warn', `rejected:${reason}`, { reason, ...fields, peerId: socket.peerId ?? undefined });
  }

  #closeFor(socket: TrackerSocket, state: SocketState, reason: RejectionReason): void {
    state.closing = true;
    socket.close(CLOSE_CODES.policy, reason);
  }

  #dropIfEmpty(infoHashHex: string): void {
    const swarm = this.torrents[infoHashHex];
    if (swarm && swarm.peers.length === 0) delete this.torrents[infoHashHex];
  }

  #beat(): void {
    for (const socket of this.sockets) {
      const state = this.#state.get(socket);
      if (!state) continue;
      if (!state.alive) {
        socket.terminate();
        continue;
      }
      state.alive = false;
      socket.ping();
    }
  }
}
