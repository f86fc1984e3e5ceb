/**
 * Which held segments to evict: a pure function of a snapshot (what is held, the cap, the segment being
 * stored, where playback is), with no clock, timer or I/O inside. Every storage applies it on `put` and
 * on a playback update, so they all evict alike.
 *
 * Each held segment falls in one class; classes go in this order, and within a class in the order given:
 *
 * | class     | which segments                                         | order within        | when evicted     |
 * |-----------|--------------------------------------------------------|---------------------|------------------|
 * | stale     | live only: more than `liveKeepBehindSec` behind         | farthest behind     | always           |
 * | unplaced  | live only: rendition with no known playhead            | least recently used | over the cap     |
 * | behind    | live: within the keep-behind window                    | farthest behind     | over the cap     |
 * |           | VOD (or no context): behind the playhead, or unplaced  | least recently used | over the cap     |
 * | ahead     | the segment playing and everything after it            | farthest ahead      | over the cap     |
 *
 * The segment being stored is never chosen. Over the cap, segments go one by one in that order until the
 * rest plus the incoming segment fit; an incoming segment larger than the whole cap evicts nothing for
 * itself (it cannot fit, so the caller does not store it). Ties break by least recently used, then by key,
 * so the choice is deterministic.
 *
 * Why live evicts stale segments even under the cap: live viewers cluster within a few target durations
 * of the live edge, so peers ask us for segments near our own playhead, not minutes behind it; the live
 * playlist slides past old segments, so soon nobody can ask for them at all; a rare viewer that far behind
 * still has the origin. Holding them would only cost memory (256 MiB matters on phones and TVs) and
 * bloat the holdings we announce to every peer.
 */
import { segmentKeyString } from '../segment-key';
import type { SegmentKey } from '../types';
import type { PlaybackContext, StoredSegmentInfo } from './segment-storage';

/**
 * Live: media seconds kept behind the playhead. Players sit 3+ target durations behind the live edge and
 * viewers drift apart by up to tens of seconds (join time, stalls, low-latency vs standard players); 30 s
 * covers peers that far behind us and costs ~20 MB at 5 Mbit/s.
 */
export const DEFAULT_LIVE_KEEP_BEHIND_SEC = 30;

export interface IncomingSegment extends SegmentKey {
  sizeBytes: number;
}

export interface EvictionInput {
  /** Segments held now. An entry with the incoming segment's key is the copy it replaces: not counted. */
  stored: readonly StoredSegmentInfo[];
  capBytes: number;
  /** The segment being stored: counts against the cap and is never evicted. */
  incoming?: IncomingSegment;
  /** Where playback is; without it, eviction is plain least-recently-used over the cap. */
  playback?: PlaybackContext;
  /** Live: media seconds kept behind the playhead. @default DEFAULT_LIVE_KEEP_BEHIND_SEC */
  liveKeepBehindSec?: number;
}

/** Eviction classes, in the order they go. */
export type EvictionClass = 'stale' | 'unplaced' | 'behind' | 'ahead';

const CLASS_ORDER: Record<EvictionClass, number> = { stale: 0, unplaced: 1, behind: 2, ahead: 3 };

interface Candidate {
  info: StoredSegmentInfo;
  evictionClass: EvictionClass;
  /** Smaller goes first within the class. */
  orderKey: number;
}

/**
 * Seconds from the playhead to the start of `key`'s segment (negative behind, 0 playing, positive ahead),
 * or `undefined` when its rendition's playhead is unknown.
 */
export function secondsFromPlayhead(key: SegmentKey, playback: PlaybackContext): number | undefined {
  const playheadSegmentId = Object.hasOwn(playback.playheadSegmentIds, key.renditionId)
    ? playback.playheadSegmentIds[key.renditionId]
    : playback.defaultPlayheadSegmentId;
  if (playheadSegmentId === undefined) return undefined;
  const seconds = (key.segmentId - playheadSegmentId) * playback.secondsPerSegmentId;
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** The class of a held segment under `playback` (see the table at the top of this file). */
export function classifySegment(
  info: StoredSegmentInfo,
  playback: PlaybackContext | undefined,
  liveKeepBehindSec: number = DEFAULT_LIVE_KEEP_BEHIND_SEC,
): EvictionClass {
  const offsetSec = playback ? secondsFromPlayhead(info, playback) : undefined;
  if (offsetSec === undefined) return playback?.live ? 'unplaced' : 'behind';
  if (offsetSec >= 0) return 'ahead';
  if (playback?.live && offsetSec < -liveKeepBehindSec) return 'stale';
  return 'behind';
}

/** The keys to evict, in eviction order (see the rules at the top of this file). */
export function chooseEvictions(input: EvictionInput): SegmentKey[] {
  const { playback, incoming, capBytes } = input;
  const liveKeepBehindSec = input.liveKeepBehindSec ?? DEFAULT_LIVE_KEEP_BEHIND_SEC;
  const incomingId = incoming ? segmentKeyString(incoming) : undefined;
  const incomingFits = incoming === undefined || incoming.sizeBytes <= capBytes;

  let usedBytes = incomingFits ? (incoming?.sizeBytes ?? 0) : 0;
  const candidates: Candidate[] = [];
  for (const info of input.stored) {
    if (incomingId !== undefined && segmentKeyString(info) === incomingId) continue;
    usedBytes += info.sizeBytes;
    const evictionClass = classifySegment(info, playback, liveKeepBehindSec);
    candidates.push({ info, evictionClass, orderKey: orderKeyOf(info, evictionClass, playback) });
  }
  candidates.sort(compareCandidates);

  const evicted: SegmentKey[] = [];
  for (const { info, evictionClass } of candidates) {
    const overCap = usedBytes > capBytes && incomingFits;
    if (evictionClass !== 'stale' && !overCap) break;
    evicted.push({ renditionId: info.renditionId, segmentId: info.segmentId });
    usedBytes -= info.sizeBytes;
  }
  return evicted;
}

function orderKeyOf(info: StoredSegmentInfo, evictionClass: EvictionClass, playback: PlaybackContext | undefined): number {
  const offsetSec = playback ? secondsFromPlayhead(info, playback) : undefined;
  switch (evictionClass) {
    case 'stale':
      return offsetSec ?? 0; // most negative (farthest behind) first
    case 'unplaced':
      return info.lastUsedAtMs;
    case 'behind':
      // Live keeps the segments right behind the playhead longest; VOD viewers are spread over the whole
      // timeline, so recency of use is the better signal there.
      return playback?.live ? (offsetSec ?? 0) : info.lastUsedAtMs;
    case 'ahead':
      return -(offsetSec ?? 0); // farthest ahead first; the segment playing last
  }
}

function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    CLASS_ORDER[a.evictionClass] - CLASS_ORDER[b.evictionClass] ||
    a.orderKey - b.orderKey ||
    a.info.lastUsedAtMs - b.info.lastUsedAtMs ||
    (a.info.renditionId < b.info.renditionId ? -1 : a.info.renditionId > b.info.renditionId ? 1 : 0) ||
    a.info.segmentId - b.info.segmentId
  );
}
