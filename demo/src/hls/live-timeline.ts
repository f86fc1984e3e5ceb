/**
 * A live stream made from a VOD rendition played in a loop: live segment k (its media sequence number)
 * is VOD segment k mod N of loop floor(k / N), published once its end time on the live clock has passed.
 * Pure functions of (VOD playlist, stream time): no clock, no I/O.
 *
 * Live URIs are unique per media sequence number, so the same bytes at different times are different
 * URLs, as on a real live origin:
 *   - a segment with its own file becomes `seg-<k>.<ext>` (ext of the VOD file);
 *   - a byte-range segment becomes `loop-<loop>/<vod file>` with the VOD byte range: each loop gets its own
 *     file URL, and (URL, range) is unique per k.
 * Where the loop wraps, the live playlist carries `#EXT-X-DISCONTINUITY` (timestamps restart);
 * `#EXT-X-DISCONTINUITY-SEQUENCE` is the number of wraps before the window's first segment.
 */
import { posix } from 'node:path';
import type { VodMediaPlaylist } from './vod-playlist';

export interface LiveTimeline {
  playlist: VodMediaPlaylist;
  /** N: VOD segments per loop. */
  segmentsPerLoop: number;
  loopDurationMs: number;
  /** End of VOD segment i, from the start of its loop, in whole milliseconds. */
  segmentEndsMs: number[];
}

export function createLiveTimeline(playlist: VodMediaPlaylist): LiveTimeline {
  const segmentEndsMs: number[] = [];
  let endMs = 0;
  for (const segment of playlist.segments) {
    endMs += Math.round(segment.durationSec * 1000);
    segmentEndsMs.push(endMs);
  }
  if (endMs <= 0) throw new Error('a live loop needs a positive duration');
  return { playlist, segmentsPerLoop: playlist.segments.length, loopDurationMs: endMs, segmentEndsMs };
}

export function loopOfSequence(timeline: LiveTimeline, mediaSequence: number): number {
  return Math.floor(mediaSequence / timeline.segmentsPerLoop);
}

export function vodIndexOfSequence(timeline: LiveTimeline, mediaSequence: number): number {
  return mediaSequence % timeline.segmentsPerLoop;
}

/** End of live segment k on the stream clock, in ms. */
export function liveSegmentEndMs(timeline: LiveTimeline, mediaSequence: number): number {
  const loop = loopOfSequence(timeline, mediaSequence);
  return loop * timeline.loopDurationMs + (timeline.segmentEndsMs[vodIndexOfSequence(timeline, mediaSequence)] ?? 0);
}

/** How many live segments (0..count-1) have ended by stream time `streamTimeMs`. */
export function publishedCountAt(timeline: LiveTimeline, streamTimeMs: number): number {
  if (streamTimeMs <= 0) return 0;
  const loops = Math.floor(streamTimeMs / timeline.loopDurationMs);
  const intoLoopMs = streamTimeMs - loops * timeline.loopDurationMs;
  let ended = 0;
  while (ended < timeline.segmentsPerLoop && (timeline.segmentEndsMs[ended] ?? Infinity) <= intoLoopMs) ended++;
  return loops * timeline.segmentsPerLoop + ended;
}

/**
 * Stream time after `elapsedMs` of wall time when `headStartSegments` segments were already published at
 * time 0 (the stream "has been running a while", so a player can start at once).
 */
export function streamTimeMs(timeline: LiveTimeline, elapsedMs: number, headStartSegments: number): number {
  const headStartMs = headStartSegments > 0 ? liveSegmentEndMs(timeline, headStartSegments - 1) : 0;
  return headStartMs + Math.max(0, elapsedMs);
}

/** The live URI of segment k, relative to the live media playlist's folder. */
export function liveSegmentUri(timeline: LiveTimeline, mediaSequence: number): string {
  const segment = timeline.playlist.segments[vodIndexOfSequence(timeline, mediaSequence)];
  if (!segment) throw new Error(`no VOD segment for live segment ${mediaSequence}`);
  if (segment.byteRange) return `loop-${loopOfSequence(timeline, mediaSequence)}/${segment.uri}`;
  return `seg-${mediaSequence}${posix.extname(segment.uri)}`;
}

/** What a live file name (relative to the live media playlist's folder) stands for. */
export type LiveFileRef =
  | { kind: 'segment'; mediaSequence: number }
  | { kind: 'loop-file'; loop: number; vodUri: string };

export function parseLiveFileName(name: string): LiveFileRef | undefined {
  const segment = /^seg-(\d+)\.[A-Za-z0-9]+$/.exec(name);
  if (segment) return { kind: 'segment', mediaSequence: Number(segment[1]) };
  const loopFile = /^loop-(\d+)\/(.+)$/.exec(name);
  if (loopFile) return { kind: 'loop-file', loop: Number(loopFile[1]), vodUri: loopFile[2] ?? '' };
  return undefined;
}

export interface LivePlaylistWindow {
  /** Segments published so far: the window ends at segment publishedCount - 1. */
  publishedCount: number;
  windowSegments: number;
}

/** The live media playlist: a sliding window of the last `windowSegments` published segments. */
export function renderLivePlaylist(timeline: LiveTimeline, window: LivePlaylistWindow): string {
  const { playlist } = timeline;
  const first = Math.max(0, window.publishedCount - window.windowSegments);
  const targetDurationSec = Math.max(1, ...playlist.segments.map((s) => Math.ceil(s.durationSec - 0.001)));
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${playlist.version}`,
    `#EXT-X-TARGETDURATION:${targetDurationSec}`,
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${loopOfSequence(timeline, first)}`,
  ];
  if (playlist.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  if (playlist.mapLine) lines.push(playlist.mapLine);
  for (let k = first; k < window.publishedCount; k++) {
    const index = vodIndexOfSequence(timeline, k);
    const segment = playlist.segments[index];
    if (!segment) continue;
    if (index === 0 && k > first) {
      lines.push('#EXT-X-DISCONTINUITY');
      if (playlist.mapLine) lines.push(playlist.mapLine);
    }
    lines.push(`#EXTINF:${segment.durationSec.toFixed(6)},`);
    if (segment.byteRange) lines.push(`#EXT-X-BYTERANGE:${segment.byteRange.lengthBytes}@${segment.byteRange.offsetBytes}`);
    lines.push(liveSegmentUri(timeline, k));
  }
  return `${lines.join('\n')}\n`;
}
