/** Translates the player's position into the storage's eviction context (which segment each rendition plays). */
import type { PlaybackContext } from '../storage/segment-storage';
import type { PlaybackState } from './snapshot';
import type { StreamRegistry } from './stream-registry';

export function playbackContextFor(registry: StreamRegistry, playback: PlaybackState): PlaybackContext | undefined {
  const playheadSegmentIds: Record<string, number> = {};
  let secondsPerSegmentId: number | undefined;
  let defaultPlayheadSegmentId: number | undefined;
  for (const renditionId of registry.renditionIds()) {
    const segment = registry.segmentAt(renditionId, playback.positionSec);
    if (!segment) continue;
    playheadSegmentIds[renditionId] = segment.segmentId;
    if (playback.activeRenditions.includes(renditionId)) defaultPlayheadSegmentId ??= segment.segmentId;
    secondsPerSegmentId ??= segmentIdScaleSec(registry, renditionId);
  }
  if (secondsPerSegmentId === undefined) return undefined;
  return {
    live: registry.live,
    playheadSegmentIds,
    ...(defaultPlayheadSegmentId !== undefined ? { defaultPlayheadSegmentId } : {}),
    secondsPerSegmentId,
  };
}

/** Media seconds per unit of segment id: the segment duration for sequence numbers, 0.001 for ids in ms. */
function segmentIdScaleSec(registry: StreamRegistry, renditionId: string): number | undefined {
  const [first, second] = registry.segmentsBetween(renditionId, -Infinity, Infinity);
  if (!first) return undefined;
  if (!second || second.segmentId === first.segmentId) return registry.typicalDurationSec(renditionId);
  return (second.startTimeSec - first.startTimeSec) / (second.segmentId - first.segmentId);
}
