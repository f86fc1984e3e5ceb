/**
 * What the Shaka specs share: page globals, waiting, engines with spies (on loads, on what the adapter
 * tells the engine, and on the origin fetches) and Shaka players on their own video elements.
 */
import { renditionIdOf, ShoalEngine, type LoadSegmentResult, type Segment, type SegmentDescription, type StreamsDescription, type TrackerClient, type TrackerClientOptions } from '@shoal/core';
import shaka from 'shaka-player';
import { MemoryTrackerHub } from '../../../core/sim/memory-tracker';

/** The page globals the specs use, typed structurally (the root tsconfig checks specs without the DOM lib). */
export interface PageVideo {
  muted: boolean;
  readonly currentTime: number;
  play(): Promise<void>;
  remove(): void;
}
export const page = globalThis as unknown as {
  document: { createElement(tag: 'video'): PageVideo; body: { appendChild(node: PageVideo): void } };
  location: { href: string };
};

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}

/**
 * A tracker that finds no one: a client alone on an in-page hub of its own (the simulator's
 * `MemoryTrackerHub`, the one fake tracker). The engine runs alone (cache and HTTP), no network besides
 * the origin.
 */
export function lonelyTracker(options: TrackerClientOptions): TrackerClient {
  return new MemoryTrackerHub().createClient(options);
}

export interface SpiedEngine {
  engine: ShoalEngine;
  loads: Segment[];
  /** While set, origin fetches hang until aborted. */
  hang: { on: boolean };
  fetchSignals: (AbortSignal | undefined)[];
  /** The last `setStreams` call. */
  streams: { value: StreamsDescription | undefined };
  /** Every segment the adapter described, by rendition id and segment id. */
  described: Map<string, Map<number, SegmentDescription>>;
}

export function createEngine(): SpiedEngine {
  const hang = { on: false };
  const fetchSignals: (AbortSignal | undefined)[] = [];
  const fetchLike = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    fetchSignals.push(init?.signal ?? undefined);
    if (!hang.on) return fetch(input, init);
    return new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
    });
  }) as typeof fetch;
  const engine = new ShoalEngine({ trackerUrls: [] }, { fetch: fetchLike, createTrackerClient: lonelyTracker });
  const loads: Segment[] = [];
  const original = engine.loadSegment.bind(engine);
  engine.loadSegment = (segment, options): Promise<LoadSegmentResult> => {
    loads.push(segment);
    return original(segment, options);
  };
  const streams: SpiedEngine['streams'] = { value: undefined };
  const described: SpiedEngine['described'] = new Map();
  const describe = (renditionId: string, segments: readonly SegmentDescription[] | undefined): void => {
    let byId = described.get(renditionId);
    if (!byId) described.set(renditionId, (byId = new Map()));
    for (const segment of segments ?? []) byId.set(segment.segmentId, segment);
  };
  const setStreams = engine.setStreams.bind(engine);
  engine.setStreams = (description) => {
    streams.value = description;
    for (const rendition of description.renditions ?? []) describe(rendition.id ?? renditionIdOf(rendition.metadata), rendition.segments);
    return setStreams(description);
  };
  const updateStream = engine.updateStream.bind(engine);
  engine.updateStream = (renditionId, segments, options) => {
    describe(renditionId, segments);
    return updateStream(renditionId, segments, options);
  };
  return { engine, loads, hang, fetchSignals, streams, described };
}

export interface SeenRequest {
  uri: string;
  type: number;
  advanced: number | undefined;
}

/** A player on its own (muted, not playing) video element: Shaka 5 loads nothing without one. */
export function newPlayer(video: PageVideo = newVideo()): { player: shaka.Player; seen: SeenRequest[] } {
  const player = new shaka.Player();
  const seen: SeenRequest[] = [];
  player.getNetworkingEngine()!.registerRequestFilter((type, request, context) => {
    seen.push({ uri: request.uris[0]!, type, advanced: context?.type });
  });
  void player.attach(video as unknown as Parameters<shaka.Player["attach"]>[0]);
  return { player, seen };
}

export function newVideo(): PageVideo {
  const video = page.document.createElement('video');
  video.muted = true;
  page.document.body.appendChild(video);
  return video;
}

/** One media segment request through the player's networking engine, as StreamingEngine makes it. */
export function requestSegment(player: shaka.Player, uri: string, startTimeSec: number) {
  const manifest = player.getManifest()!;
  const stream = manifest.variants[0]!.video!;
  const reference = new shaka.media.SegmentReference(startTimeSec, startTimeSec + 2, () => [uri], 0, null, null, 0, 0, Infinity);
  const { NetworkingEngine } = shaka.net;
  const retry = { ...NetworkingEngine.defaultRetryParameters(), maxAttempts: 1 };
  const request = NetworkingEngine.makeRequest([uri], retry);
  return player.getNetworkingEngine()!.request(NetworkingEngine.RequestType.SEGMENT, request, {
    type: NetworkingEngine.AdvancedRequestType.MEDIA_SEGMENT,
    segment: reference,
    stream,
  });
}

export async function shakaErrorOf(promise: Promise<unknown>): Promise<shaka.util.Error> {
  try {
    await promise;
  } catch (error) {
    assert(error instanceof shaka.util.Error, `a shaka.util.Error, got ${String(error)}`);
    return error;
  }
  throw new Error('expected a failure');
}

