/**
 * The simulator's tracker, and the one fake tracker of the tests (node and karma specs alike): an
 * in-process hub that connects clients of the same info-hash with in-memory transport pairs (latency and
 * bandwidth per link on the given clock). It passes the `TrackerClient` contract
 * (`test/tracker-contract.ts`, run by `test/sim/memory-tracker.contract.test.ts`). A fake by design:
 * real tests use a real bittorrent-tracker server. It reports no `swarmSize` (the engine then waits for
 * no announced viewer), and never a `warning` (it has no URL to fail).
 *
 * For the audience simulator (`audience-simulation.ts`) it also models a bittorrent-tracker server
 * (`model`): clients re-announce every `announceIntervalMs`, and when they want more peers no sooner than
 * `MIN_ANNOUNCE_GAP_MS` after their last announce (as the real client paces itself); an announce's offers
 * (at most `OFFERS_PER_ANNOUNCE`, as the real client makes, and `maxNumwant`) go to random listed peers;
 * a viewer that leaves without goodbye (`vanish`) stays listed until `peerTtlMs` has passed, and offers
 * relayed to it go unanswered; every message the server would receive or send is counted (`messages`),
 * per announce URL. Pairs come from `pairing` (per-pair latency, connectable or not) and each end's shared
 * access links from `accessOf`.
 */
import EventEmitter from 'eventemitter3';
import type { Clock, TimerHandle } from '../src/clock/clock';
import { systemClock } from '../src/clock/system-clock';
import { MIN_ANNOUNCE_GAP_MS, OFFERS_PER_ANNOUNCE } from '../src/tracker/announce-pacing';
import type { TrackerClient, TrackerClientEvents, TrackerClientOptions } from '../src/tracker/tracker-client';
import { mulberry32 } from './prng';
import {
  createMemoryTransportPair,
  DEFAULT_MEMORY_LINK,
  type MemoryAccess,
  type MemoryLinkConditions,
  type MemoryTransport,
} from '../src/transport/memory-transport';

export interface MemoryTrackerHubOptions {
  /** The transports' clock; default the system clock (browser specs, real-time tests). */
  clock?: Clock;
  /** Every link's latency and rate; default `DEFAULT_MEMORY_LINK` (instant). */
  link?: MemoryLinkConditions;
  /** Whether two clients (by join order) may connect; default: everyone. */
  canConnect?: (a: number, b: number) => boolean;
  /** The link between two peers (by peer id) and whether they can connect at all; overrides `link`. */
  pairing?: (a: string, b: string) => { link: MemoryLinkConditions; connectable: boolean };
  /** A peer's shared uplink and downlink (simulator capacity model). */
  accessOf?: (peerId: string) => MemoryAccess | undefined;
  /** The tracker-server model; without it, clients announce only on start and `setWantedPeers`. */
  model?: TrackerModel;
  /** PRNG seed of the peer subsets. @default 0x5eed */
  seed?: number;
}

export interface TrackerModel {
  /** Ms between a client's periodic announces (the server's `interval`). */
  announceIntervalMs: number;
  /** Most peers one announce is given (the server caps `numwant`; bittorrent-tracker at 50). */
  maxNumwant: number;
  /** Ms a client that left without `stopped` stays listed (the server's peer expiry). */
  peerTtlMs: number;
  /** Report the listed count as `swarmSize()` (bittorrent-tracker's complete + incomplete). */
  reportSwarmSize: boolean;
}

/** Messages a WebTorrent tracker receives and sends, by kind. */
export interface TrackerMessageCounts {
  /** Announces received, each answered with one response (counted in `total` twice). */
  announces: number;
  /** Offers relayed (one received in an announce's `offers`, one sent to the target). */
  offers: number;
  /** Answers relayed (one received, one sent to the offerer). */
  answers: number;
  /** Every message in and out. */
  total: number;
  /** `total` per announce URL. */
  byUrl: Record<string, number>;
}

class MemoryTrackerClient implements TrackerClient {
  readonly peerId: string;
  readonly infoHashHex: string;
  readonly index: number;
  wanted: number;
  started = false;
  destroyed = false;
  /** Left without goodbye: listed until `expiresAtMs`, answers nothing. */
  vanished = false;
  expiresAtMs = Infinity;
  readonly announceUrls: string[];
  announceTimer: TimerHandle | undefined;
  /** Under `model`: a re-announce for more peers, waiting for `MIN_ANNOUNCE_GAP_MS` to pass. */
  pendingAnnounce: TimerHandle | undefined;
  lastAnnounceMs = -Infinity;
  /** Open connections by remote peer id, so a re-announce does not duplicate one. */
  readonly transports = new Map<string, MemoryTransport>();
  private readonly events = new EventEmitter<TrackerClientEvents>();
  private readonly hub: MemoryTrackerHub;

  constructor(hub: MemoryTrackerHub, options: TrackerClientOptions, index: number) {
    this.hub = hub;
    this.peerId = options.peerId.toLowerCase();
    this.infoHashHex = options.infoHashHex.toLowerCase();
    this.wanted = options.wantedPeers;
    this.index = index;
    this.announceUrls = options.announceUrls.length > 0 ? [...options.announceUrls] : ['sim://tracker'];
    if (hub.reportsSwarmSize) this.swarmSize = () => (this.started ? hub.listedCount(this.infoHashHex) : undefined);
  }

  on<E extends keyof TrackerClientEvents>(event: E, listener: TrackerClientEvents[E]): this {
    this.events.on(event, listener as never);
    return this;
  }

  off<E extends keyof TrackerClientEvents>(event: E, listener?: TrackerClientEvents[E]): this {
    this.events.off(event, listener as never);
    return this;
  }

  emitPeer(transport: MemoryTransport): void {
    this.events.emit('peer', transport);
  }

  /** Once; never after `destroy()` (as the real client, which ignores both). */
  start(): void {
    if (this.started || this.destroyed) return;
    this.started = true;
    this.hub.list(this);
    this.hub.connect(this);
  }

  /** Like a re-announce: more peers wanted after start connects to that many not connected yet. */
  setWantedPeers(count: number): void {
    const more = count > this.wanted;
    this.wanted = count;
    if (more && this.started && !this.destroyed) this.hub.requestAnnounce(this);
  }

  /** Leaves the transports it handed out open: their receiver owns them (as with the real client). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.events.removeAllListeners();
    this.hub.unlist(this);
  }

  /** Only under a model that reports counts: the engine treats a client with it as a counting tracker. */
  readonly swarmSize?: () => number | undefined;
}

export class MemoryTrackerHub {
  private readonly options: MemoryTrackerHubOptions;
  private readonly clients: MemoryTrackerClient[] = [];
  /** Started clients by info-hash, in start order (vanished ones until they expire). */
  private readonly listed = new Map<string, MemoryTrackerClient[]>();
  private readonly byPeerId = new Map<string, MemoryTrackerClient>();
  readonly messages: TrackerMessageCounts = { announces: 0, offers: 0, answers: 0, total: 0, byUrl: {} };

  constructor(options: MemoryTrackerHubOptions = {}) {
    this.options = options;
    this.random = mulberry32(options.seed ?? 0x5eed);
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /** The peer left without goodbye (a closed tab): no `stopped` announce; the server lists it until it expires. */
  vanish(peerId: string): void {
    const client = this.byPeerId.get(peerId.toLowerCase());
    if (!client) return;
    client.vanished = true;
    // The tab is gone: its connections drop without a goodbye (the other ends learn it one latency later).
    for (const transport of [...client.transports.values()]) transport.destroy();
  }

  /** @internal A started client enters the server's list, and announces periodically under `model`. */
  list(client: MemoryTrackerClient): void {
    let clients = this.listed.get(client.infoHashHex);
    if (!clients) this.listed.set(client.infoHashHex, (clients = []));
    clients.push(client);
    this.byPeerId.set(client.peerId, client);
    const model = this.options.model;
    if (!model) return;
    const reannounce = (): void => {
      client.announceTimer = this.clock.setTimeout(() => {
        client.announceTimer = undefined;
        if (client.destroyed) return;
        if (client.wanted > 0) this.connect(client);
        else this.count(client, 'announces', 2);
        reannounce();
      }, model.announceIntervalMs);
    };
    reannounce();
  }

  /**
   * @internal A client wants more peers: without a model it connects at once; under `model` it announces
   * when `MIN_ANNOUNCE_GAP_MS` has passed since its last announce (one waiting announce at most).
   */
  requestAnnounce(client: MemoryTrackerClient): void {
    if (!this.options.model) return this.connect(client);
    if (client.pendingAnnounce !== undefined) return;
    const waitMs = Math.max(0, client.lastAnnounceMs + MIN_ANNOUNCE_GAP_MS - this.clock.now());
    client.pendingAnnounce = this.clock.setTimeout(() => {
      client.pendingAnnounce = undefined;
      if (!client.destroyed && client.wanted > 0) this.connect(client);
    }, waitMs);
  }

  /** @internal Destroyed: a `stopped` announce takes it off the list, unless it vanished (then it expires). */
  unlist(client: MemoryTrackerClient): void {
    if (client.announceTimer !== undefined) this.clock.clearTimeout(client.announceTimer);
    client.announceTimer = undefined;
    if (client.pendingAnnounce !== undefined) this.clock.clearTimeout(client.pendingAnnounce);
    client.pendingAnnounce = undefined;
    if (!client.started) return;
    if (client.vanished && this.options.model) {
      client.expiresAtMs = this.clock.now() + this.options.model.peerTtlMs;
      return;
    }
    if (this.options.model) this.count(client, 'announces', 2);
    const clients = this.listed.get(client.infoHashHex);
    const at = clients?.indexOf(client) ?? -1;
    if (clients && at >= 0) clients.splice(at, 1);
    this.byPeerId.delete(client.peerId);
  }

  get reportsSwarmSize(): boolean {
    return this.options.model?.reportSwarmSize === true;
  }

  /** @internal Listed clients of an info-hash, when the model reports swarm sizes. */
  listedCount(infoHashHex: string): number | undefined {
    if (!this.options.model?.reportSwarmSize) return undefined;
    return this.fresh(infoHashHex).length;
  }

  /** The listed clients, expired ones dropped. */
  private fresh(infoHashHex: string): MemoryTrackerClient[] {
    const clients = this.listed.get(infoHashHex) ?? [];
    const nowMs = this.clock.now();
    if (clients.some((c) => c.expiresAtMs <= nowMs)) {
      const kept = clients.filter((c) => c.expiresAtMs > nowMs);
      for (const c of clients) if (c.expiresAtMs <= nowMs) this.byPeerId.delete(c.peerId);
      this.listed.set(infoHashHex, kept);
      return kept;
    }
    return clients;
  }

  private count(client: MemoryTrackerClient, kind: 'announces' | 'offers' | 'answers', messages: number): void {
    this.messages[kind] += kind === 'announces' ? 1 : messages / 2;
    this.messages.total += messages * (kind === 'announces' ? client.announceUrls.length : 1);
    const urls = kind === 'announces' ? client.announceUrls : [client.announceUrls[0]!];
    for (const url of urls) this.messages.byUrl[url] = (this.messages.byUrl[url] ?? 0) + messages;
  }

  /** Pass as `platform.createTrackerClient`. */
  readonly createClient = (options: TrackerClientOptions): TrackerClient => {
    const client = new MemoryTrackerClient(this, options, this.clients.length);
    this.clients.push(client);
    return client;
  };

  /**
   * Like a WebTorrent tracker: a newly started client gets connections to up to `wanted` random other
   * clients of its info-hash, whether or not they are full or want peers themselves (a full one refuses
   * in its Swarm, as with a real tracker); a re-announce, to up to `wanted` it has no open connection to.
   */
  connect(client: MemoryTrackerClient): void {
    if (this.options.model) return this.connectModelled(client, this.options.model);
    const others = this.clients.filter(
      (other) =>
        other !== client &&
        other.infoHashHex === client.infoHashHex &&
        other.started &&
        !other.destroyed &&
        !client.transports.has(other.peerId),
    );
    for (let i = others.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [others[i], others[j]] = [others[j]!, others[i]!];
    }
    for (const other of others.slice(0, Math.max(0, client.wanted))) {
      if (this.options.canConnect && !this.options.canConnect(client.index, other.index)) continue;
      const [mine, theirs] = createMemoryTransportPair({
        clock: this.options.clock ?? systemClock,
        peerIds: [client.peerId, other.peerId],
        ...(this.options.link ?? DEFAULT_MEMORY_LINK),
      });
      client.transports.set(other.peerId, mine);
      other.transports.set(client.peerId, theirs);
      mine.on('close', () => client.transports.delete(other.peerId));
      theirs.on('close', () => other.transports.delete(client.peerId));
      client.emitPeer(mine);
      other.emitPeer(theirs);
    }
  }

  /** An announce under the tracker model: a random subset of the listed peers, sampled without a scan. */
  private connectModelled(client: MemoryTrackerClient, model: TrackerModel): void {
    this.count(client, 'announces', 2);
    client.lastAnnounceMs = this.clock.now();
    const listed = this.fresh(client.infoHashHex);
    const wanted = Math.min(Math.max(0, client.wanted), model.maxNumwant, OFFERS_PER_ANNOUNCE);
    const picked = new Set<MemoryTrackerClient>();
    // Random draws (with a bound on attempts), as the server's random peer selection: O(wanted), not O(listed).
    for (let attempt = 0; attempt < wanted * 4 && picked.size < Math.min(wanted, listed.length - 1); attempt++) {
      const other = listed[Math.floor(this.random() * listed.length)]!;
      if (other === client || picked.has(other)) continue;
      picked.add(other);
    }
    for (const other of picked) {
      if (client.transports.has(other.peerId)) continue;
      this.count(client, 'offers', 2);
      if (other.vanished || other.destroyed) continue; // the offer goes unanswered
      this.count(client, 'answers', 2);
      const pairing = this.options.pairing?.(client.peerId, other.peerId);
      if (pairing && !pairing.connectable) continue; // ICE fails: no transport
      this.pair(client, other, pairing?.link);
    }
  }

  private pair(client: MemoryTrackerClient, other: MemoryTrackerClient, link: MemoryLinkConditions | undefined): void {
    const [mine, theirs] = createMemoryTransportPair({
      clock: this.clock,
      peerIds: [client.peerId, other.peerId],
      ...(link ?? this.options.link ?? DEFAULT_MEMORY_LINK),
      access: [this.options.accessOf?.(client.peerId), this.options.accessOf?.(other.peerId)],
    });
    client.transports.set(other.peerId, mine);
    other.transports.set(client.peerId, theirs);
    mine.on('close', () => client.transports.delete(other.peerId));
    theirs.on('close', () => other.transports.delete(client.peerId));
    client.emitPeer(mine);
    other.emitPeer(theirs);
  }

  /** Seeded, so every simulation run is the same. */
  private readonly random: () => number;
}
