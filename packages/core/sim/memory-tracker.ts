/**
 * The simulator's tracker: an in-process hub that connects engines of the same info-hash with
 * in-memory transport pairs (latency and bandwidth per link on the virtual clock). A fake by design:
 * real tests use a real bittorrent-tracker server.
 */
import EventEmitter from 'eventemitter3';
import type { Clock } from '../src/clock/clock';
import type { TrackerClient, TrackerClientEvents, TrackerClientOptions } from '../src/tracker/tracker-client';
import { mulberry32 } from './prng';
import { createMemoryTransportPair, type MemoryLinkConditions, type MemoryTransport } from '../src/transport/memory-transport';

export interface MemoryTrackerHubOptions {
  clock: Clock;
  link: MemoryLinkConditions;
  /** Whether two clients (by join order) may connect; default: everyone. */
  canConnect?: (a: number, b: number) => boolean;
}

class MemoryTrackerClient implements TrackerClient {
  readonly peerId: string;
  readonly index: number;
  wanted: number;
  started = false;
  destroyed = false;
  /** Open connections by remote peer id, so a re-announce does not duplicate one. */
  readonly transports = new Map<string, MemoryTransport>();
  private readonly events = new EventEmitter<TrackerClientEvents>();
  private readonly hub: MemoryTrackerHub;

  constructor(hub: MemoryTrackerHub, options: TrackerClientOptions, index: number) {
    this.hub = hub;
    this.peerId = options.peerId;
    this.wanted = options.wantedPeers;
    this.index = index;
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

  start(): void {
    this.started = true;
    this.hub.connect(this);
  }

  /** Like a re-announce: more peers wanted after start connects to that many not connected yet. */
  setWantedPeers(count: number): void {
    const more = count > this.wanted;
    this.wanted = count;
    if (more && this.started && !this.destroyed) this.hub.connect(this);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.events.removeAllListeners();
  }
}

export class MemoryTrackerHub {
  private readonly options: MemoryTrackerHubOptions;
  private readonly clients: MemoryTrackerClient[] = [];

  constructor(options: MemoryTrackerHubOptions) {
    this.options = options;
  }

  /** Pass as `platform.createTrackerClient`. */
  readonly createClient = (options: TrackerClientOptions): TrackerClient => {
    const client = new MemoryTrackerClient(this, options, this.clients.length);
    this.clients.push(client);
    return client;
  };

  /**
   * Like a WebTorrent tracker: a newly started client gets connections to up to `wanted` random other
   * clients, whether or not they are full (a full one refuses in its Swarm, as with a real tracker);
   * a re-announce, to up to `wanted` it has no open connection to.
   */
  connect(client: MemoryTrackerClient): void {
    const others = this.clients.filter(
      (other) => other !== client && other.started && !other.destroyed && !client.transports.has(other.peerId),
    );
    for (let i = others.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [others[i], others[j]] = [others[j]!, others[i]!];
    }
    for (const other of others.slice(0, Math.max(0, client.wanted))) {
      if (this.options.canConnect && !this.options.canConnect(client.index, other.index)) continue;
      const [mine, theirs] = createMemoryTransportPair({
        clock: this.options.clock,
        peerIds: [client.peerId, other.peerId],
        ...this.options.link,
      });
      client.transports.set(other.peerId, mine);
      other.transports.set(client.peerId, theirs);
      mine.on('close', () => client.transports.delete(other.peerId));
      theirs.on('close', () => other.transports.delete(client.peerId));
      client.emitPeer(mine);
      other.emitPeer(theirs);
    }
  }

  /** Seeded, so every simulation run is the same. */
  private readonly random = mulberry32(0x5eed);
}
