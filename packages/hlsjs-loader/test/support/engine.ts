/**
 * Engines for the specs: real `ShoalEngine`s whose tracker is an in-page hub (`InPageTracker`) instead
 * of a WebSocket tracker, and spies on the calls the adapter makes.
 */
import {
  ShoalEngine,
  systemClock,
  type LoadSegmentResult,
  type PlaybackState,
  type Segment,
  type ShoalConfig,
  type ShoalPlatform,
  type StreamsDescription,
  type TrackerClient,
  type TrackerClientEvents,
  type TrackerClientOptions,
  type Transport,
} from '@shoal/core';
import { createMemoryTransportPair } from '@shoal/core/testing';

/**
 * Connects every engine created through it to every other one with in-memory transports: a swarm
 * inside one page, no network.
 */
export class InPageTracker {
  private readonly clients: InPageTrackerClient[] = [];

  readonly createClient = (options: TrackerClientOptions): TrackerClient => {
    const client = new InPageTrackerClient(options.peerId, this);
    this.clients.push(client);
    return client;
  };

  started(client: InPageTrackerClient): void {
    for (const other of this.clients) {
      if (other === client || !other.running) continue;
      const [mine, theirs] = createMemoryTransportPair({ clock: systemClock, peerIds: [client.peerId, other.peerId] });
      client.emitPeer(mine);
      other.emitPeer(theirs);
    }
  }
}

class InPageTrackerClient implements TrackerClient {
  running = false;
  private readonly listeners: { [E in keyof TrackerClientEvents]: Set<TrackerClientEvents[E]> } = {
    peer: new Set(),
    warning: new Set(),
  };

  constructor(
    readonly peerId: string,
    private readonly tracker: InPageTracker,
  ) {}

  on<E extends keyof TrackerClientEvents>(event: E, listener: TrackerClientEvents[E]): this {
    (this.listeners[event] as Set<TrackerClientEvents[E]>).add(listener);
    return this;
  }

  off<E extends keyof TrackerClientEvents>(event: E, listener?: TrackerClientEvents[E]): this {
    if (listener) (this.listeners[event] as Set<TrackerClientEvents[E]>).delete(listener);
    else this.listeners[event].clear();
    return this;
  }

  emitPeer(transport: Transport): void {
    for (const listener of this.listeners.peer) listener(transport);
  }

  start(): void {
    this.running = true;
    this.tracker.started(this);
  }

  setWantedPeers(): void {}

  destroy(): void {
    this.running = false;
    this.listeners.peer.clear();
    this.listeners.warning.clear();
  }
}

/** Everything the adapter asked of an engine, in order. */
export interface EngineCalls {
  setStreams: StreamsDescription[];
  updateStream: Array<{ renditionId: string; segmentCount: number; segmentIds: number[]; byteRanges: number; live: boolean | undefined }>;
  setPlayback: PlaybackState[];
  loadSegment: Segment[];
  loaded: Array<{ segment: Segment; result: LoadSegmentResult }>;
}

/** A real engine (in-page tracker unless `platform` says otherwise) with its adapter-facing calls recorded. */
export function createSpiedEngine(
  config: Partial<ShoalConfig> = {},
  platform: ShoalPlatform = {},
): { engine: ShoalEngine; calls: EngineCalls } {
  const engine = new ShoalEngine(
    { trackerUrls: ['wss://tracker.invalid'], ...config },
    { createTrackerClient: new InPageTracker().createClient, ...platform },
  );
  const calls: EngineCalls = { setStreams: [], updateStream: [], setPlayback: [], loadSegment: [], loaded: [] };
  const setStreams = engine.setStreams.bind(engine);
  engine.setStreams = (streams) => {
    calls.setStreams.push(streams);
    return setStreams(streams);
  };
  const updateStream = engine.updateStream.bind(engine);
  engine.updateStream = (renditionId, segments, options) => {
    calls.updateStream.push({
      renditionId,
      segmentCount: segments.length,
      segmentIds: segments.map((s) => s.segmentId),
      byteRanges: segments.filter((s) => s.byteRange).length,
      live: options?.live,
    });
    updateStream(renditionId, segments, options);
  };
  const setPlayback = engine.setPlayback.bind(engine);
  engine.setPlayback = (playback) => {
    calls.setPlayback.push(playback);
    setPlayback(playback);
  };
  const loadSegment = engine.loadSegment.bind(engine);
  engine.loadSegment = async (segment, options) => {
    calls.loadSegment.push(segment);
    const result = await loadSegment(segment, options);
    calls.loaded.push({ segment, result });
    return result;
  };
  return { engine, calls };
}

/** A fetch that waits `delayMs` before asking the network (abortable meanwhile): a slow origin. */
export function slowFetch(delayMs: number): NonNullable<ShoalPlatform['fetch']> {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(fetch(url, init)), delayMs);
      init.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new DOMException('Aborted', 'AbortError'));
      });
    });
}
