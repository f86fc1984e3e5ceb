/**
 * The simulator's tracker, and the one fake tracker of the tests (node and karma specs alike): an
 * in-process hub that connects clients of the same info-hash with in-memory transport pairs (latency and
 * bandwidth per link on the given clock). It passes the `TrackerClient` contract
 * (`test/tracker-contract.ts`, run by `test/sim/memory-tracker.contract.test.ts`). A fake by design:
 * real tests use a real bittorrent-tracker server. It reports no `swarmSize` (the engine then waits for
 * no announced viewer), and never a `warning` (it has no URL to fail).
 */
import EventEmitter from 'eventemitter3';
import type { Clock } from '../src/clock/clock';
import { systemClock } from '../src/clock/system-clock';
import type { TrackerClient, TrackerClientEvents, TrackerClientOptions } from '../src/tracker/tracker-client';
import { mulberry32 } from './prng';
import {
  createMemoryTransportPair,
  DEFAULT_MEMORY_LINK,
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
}

class MemoryTrackerClient implements TrackerClient {
  readonly peerId: string;
  readonly infoHashHex: string;
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
    this.peerId = options.peerId.toLowerCase();
    this.infoHashHex = options.infoHashHex.toLowerCase();
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

  /** Once; never after `destroy()` (as the real client, which ignores both). */
  start(): void {
    if (this.started || this.destroyed) return;
    this.started = true;
    this.hub.connect(this);
  }

  /** Like a re-announce: more peers wanted after start connects to that many not connected yet. */
  setWantedPeers(count: number): void {
    const more = count > this.wanted;
    this.wanted = count;
    if (more && this.started && !this.destroyed) this.hub.connect(this);
  }

  /** Leaves the transports it handed out open: their receiver owns them (as with the real client). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.events.removeAllListeners();
  }
}

export class MemoryTrackerHub {
  private readonly options: MemoryTrackerHubOptions;
  private readonly clients: MemoryTrackerClient[] = [];

  constructor(options: MemoryTrackerHubOptions = {}) {
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
   * clients of its info-hash, whether or not they are full or want peers themselves (a full one refuses
   * in its Swarm, as with a real tracker); a re-announce, to up to `wanted` it has no open connection to.
   */
  connect(client: MemoryTrackerClient): void {
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

  /** Seeded, so every simulation run is the same. */
  private readonly random = mulberry32(0x5eed);
}
