/**
 * Engines for the specs: real `ShoalEngine`s whose tracker is an in-page hub (the simulator's
 * `MemoryTrackerHub`, the one fake tracker, which passes core's TrackerClient contract) instead of a
 * WebSocket tracker, and spies on the calls the adapter makes.
 */
import {
  ShoalEngine,
  type LoadSegmentResult,
  type PlaybackState,
  type Segment,
  type ShoalConfig,
  type ShoalPlatform,
  type StreamsDescription,
} from '@shoal/core';
import { MemoryTrackerHub } from '../../../core/sim/memory-tracker';

/**
 * Connects the engines created through one hub with in-memory transports on the system clock: a swarm
 * inside one page, no network. Each hub is its own tracker: an engine on a hub of its own is alone.
 */
export { MemoryTrackerHub };

/** Everything the adapter asked of an engine, in order. */
export interface EngineCalls {
  setStreams: StreamsDescription[];
  updateStream: Array<{ renditionId: string; segmentCount: number; segmentIds: number[]; byteRanges: number; live: boolean | undefined }>;
  setPlayback: PlaybackState[];
  loadSegment: Segment[];
  loaded: Array<{ segment: Segment; result: LoadSegmentResult }>;
}

/** A real engine (alone on an in-page hub unless `platform` says otherwise) with its adapter-facing calls recorded. */
export function createSpiedEngine(
  config: Partial<ShoalConfig> = {},
  platform: ShoalPlatform = {},
): { engine: ShoalEngine; calls: EngineCalls } {
  const engine = new ShoalEngine(
    { trackerUrls: ['wss://tracker.invalid'], ...config },
    { createTrackerClient: new MemoryTrackerHub().createClient, ...platform },
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
