/**
 * A scripted hostile peer for the hostile-peer suite: a real victim engine on the in-memory transport,
 * its tracker client handing it transports whose other end the test drives frame by frame (a raw peer:
 * it answers the victim's handshake with its own, then sends whatever the test scripts).
 */
import EventEmitter from 'eventemitter3';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import type { ShoalConfig } from '../../src/config';
import type { ShoalError } from '../../src/errors';
import type { Swarm } from '../../src/swarm/swarm';
import type { Peer } from '../../src/swarm/peer';
import type { TrackerClient, TrackerClientEvents, TrackerClientOptions } from '../../src/tracker/tracker-client';
import { createMemoryTransportPair, type MemoryTransport } from '../../src/transport/memory-transport';
import type { Segment } from '../../src/types';
import { decodeMessage, encodeHoldings, encodeMessage } from '../../src/wire/codec';
import { PROTOCOL_VERSION, type HeldSegment, type WireMessage } from '../../src/wire/messages';
import { SimOrigin } from '../../sim/sim-origin';
import { waitVirtual } from '../sim/virtual-wait';

export const SEGMENT_BYTES = 1_000_000;
export const SEGMENTS: Array<Segment & { durationSec: number; startTimeSec: number }> = [0, 1, 2].map((id) => ({ renditionId: 'r', segmentId: id, url: `sim://origin/vod/${id}.ts`, durationSec: 2, startTimeSec: 2 * id }));

class ScriptedTrackerClient implements TrackerClient {
  readonly peerId: string;
  readonly events = new EventEmitter<TrackerClientEvents>();
  constructor(options: TrackerClientOptions) {
    this.peerId = options.peerId;
  }
  on<E extends keyof TrackerClientEvents>(event: E, listener: TrackerClientEvents[E]): this {
    this.events.on(event, listener as never);
    return this;
  }
  off<E extends keyof TrackerClientEvents>(event: E, listener?: TrackerClientEvents[E]): this {
    this.events.off(event, listener as never);
    return this;
  }
  start(): void {}
  setWantedPeers(): void {}
  destroy(): void {
    this.events.removeAllListeners();
  }
}

/** One hostile session: `send` raw messages or frames; `received` is what the victim sent it. */
export interface HostileSession {
  peerId: string;
  transport: MemoryTransport;
  received: WireMessage[];
  send(message: WireMessage): void;
  sendFrame(frame: Uint8Array): void;
  announce(type: 'have' | 'haveSet', renditionId: string, segments: HeldSegment[]): void;
}

export function hostileSetup(config: Partial<ShoalConfig> = {}) {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 20, bandwidthBytesPerSec: 10_000_000, sizeOf: () => SEGMENT_BYTES });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  let tracker: ScriptedTrackerClient | undefined;
  const victim = new ShoalEngine(
    { trackerUrls: ['sim://tracker'], ...config },
    { clock, fetch: origin.fetch, createTrackerClient: (options) => (tracker = new ScriptedTrackerClient(options)) },
  );
  const closed = new Map<string, ShoalError | undefined>();
  const engineErrors: ShoalError[] = [];
  const failures: ShoalError[] = [];
  victim.on('peer:closed', ({ peerId, reason }) => closed.set(peerId, reason));
  victim.on('engine:error', ({ error }) => engineErrors.push(error));
  victim.on('segment:failed', ({ error }) => failures.push(error));
  victim.setStreams({ manifestUrl: 'sim://origin/vod/master.m3u8', live: false, renditions: [{ id: 'r', metadata: {}, segments: SEGMENTS }] });
  victim.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 0, activeRenditions: ['r'] });
  let sessions = 0;
  const swarm = (): Swarm => (victim as unknown as { swarm: Swarm }).swarm;

  /** A new hostile peer, handshaken and ready at the victim. */
  async function connect(options: { holdings?: HeldSegment[]; linkBytesPerSec?: number } = {}): Promise<HostileSession> {
    const peerId = (++sessions).toString(16).padStart(40, 'f');
    const link = options.linkBytesPerSec === undefined ? {} : { bandwidthBytesPerSec: options.linkBytesPerSec };
    const [mine, theirs] = createMemoryTransportPair({ clock, peerIds: [victim.peerId, peerId], latencyMs: 5, ...link });
    const session: HostileSession = {
      peerId,
      transport: theirs,
      received: [],
      send: (message) => {
        if (!theirs.closed) theirs.send(encodeMessage(message));
      },
      sendFrame: (frame) => {
        if (!theirs.closed) theirs.send(frame);
      },
      announce: (type, renditionId, segments) => {
        for (const frame of encodeHoldings(type, [{ renditionId, segments }])) session.sendFrame(frame);
      },
    };
    theirs.on('frame', (frame) => {
      const decoded = decodeMessage(frame);
      if (!decoded.ok || decoded.message.type === 'unknown') return;
      session.received.push(decoded.message);
      if (decoded.message.type === 'handshake') {
        session.send({ type: 'handshake', version: PROTOCOL_VERSION, swarmHashHex: decoded.message.swarmHashHex, uploadEnabled: true, playing: ['r'] });
        session.announce('haveSet', 'r', options.holdings ?? []);
      }
    });
    tracker!.events.emit('peer', mine);
    await waitVirtual(clock, () => swarm().peer(peerId) !== undefined);
    return session;
  }

  return {
    clock,
    origin,
    victim,
    closed,
    engineErrors,
    failures,
    connect,
    /** The victim's session with this peer while it lasts. */
    peerOf: (session: HostileSession): Peer | undefined => swarm().peer(session.peerId),
    outstandingUploads: (peer: Peer) => swarm().outstandingUploadsOf(peer),
    /** Every segment loads, with the origin's bytes. */
    async loadAll(): Promise<void> {
      for (const segment of SEGMENTS) {
        const result = await victim.loadSegment(segment);
        if (!Buffer.from(result.bytes).equals(Buffer.from(origin.bytesOf(segment.url)))) throw new Error(`wrong bytes for ${segment.segmentId}`);
      }
    },
    destroy(): void {
      victim.destroy();
      stop();
    },
  };
}
