/**
 * The live side of the demo origin: every VOD rendition looped as a live stream on one clock that starts
 * when the origin does. HLS media playlists are a sliding window over a live timeline
 * (`hls/live-timeline.ts`); a SegmentTemplate MPD runs as a dynamic MPD whose segments' media times move
 * on by whole loops (`dash/live-mpd.ts`). Maps every live path to the VOD file whose bytes it serves.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import {
  createLiveTimeline, parseLiveFileName, publishedCountAt, streamTimeMs, vodIndexOfSequence, type LiveTimeline,
} from '../hls/live-timeline';
import { isMediaPlaylist, parseVodMediaPlaylist } from '../hls/vod-playlist';
import { shiftSegmentTime, trackTimescale } from '../dash/fmp4-time';
import {
  initFileName, parseDashVodTemplate, parseLiveSegmentName, publishedSegmentCount, renderLiveMpd, type DashVodTemplate,
} from '../dash/live-mpd';
import { safeRelativePath } from '../http/safe-path';

/** Where DASH players start: as far behind the live edge as hls.js (three segments). */
const DASH_DELAY_SEGMENTS = 3;

export interface LivePlaylistState {
  /** `#EXT-X-MEDIA-SEQUENCE` of the playlist now. */
  firstMediaSequence: number;
  /** Segments 0..publishedCount-1 are out; the live edge is publishedCount - 1. */
  publishedCount: number;
}

/** Where a live path's bytes come from. `published: false` answers 404, as a live origin would. */
export interface LiveResolution {
  /** Relative to the media folder, posix separators. */
  vodPath: string;
  published: boolean;
  /** Set when the path is a generated live media playlist rather than a file. */
  livePlaylist?: LiveTimeline;
  /** Set when the path is a generated dynamic MPD. */
  liveMpd?: DashVodTemplate;
  /** Set for a live DASH segment: its VOD bytes' media times move on by `shiftSec` (init: the track's timescale). */
  timeShift?: { shiftSec: number; initPath: string };
}

export interface LiveStreamsOptions {
  mediaDir: string;
  /** The live clock, in ms. */
  nowMs: () => number;
  /** Segments in each live media playlist. */
  windowSegments: number;
  /** Segments already published when the clock starts. */
  headStartSegments: number;
}

export interface LiveStreams {
  /** When the live clock started (`nowMs()` once the media was read). */
  readonly startedAtMs: number;
  /** Live media playlists keyed by path in the media folder (`hls-ts/v0/index.m3u8`). */
  readonly timelines: Map<string, LiveTimeline>;
  /** Live DASH MPDs keyed by path in the media folder (`dash/manifest.mpd`). */
  readonly dashTemplates: Map<string, DashVodTemplate>;
  /** Live segments of a timeline published now (0..count-1). */
  publishedCount(timeline: LiveTimeline): number;
  /** Live DASH segments published now. */
  dashPublishedCount(template: DashVodTemplate): number;
  /** The dynamic MPD of `template` now. */
  liveMpdText(template: DashVodTemplate): string;
  /** The track timescale of a DASH init segment (read once). */
  timescaleOf(initPath: string): Promise<number>;
  /** Maps a path under /live/ (without the `/live/` prefix) to its VOD file, or undefined if unknown. */
  resolveLivePath(livePath: string): LiveResolution | undefined;
  livePlaylistState(livePlaylistPath: string): LivePlaylistState | undefined;
  /** The bytes served at a live segment path (a DASH one with its media times moved on). */
  liveBytes(liveRel: string): Promise<Uint8Array | undefined>;
}

/** Files under `dir` whose name ends with `extension`, relative to `dir`. */
async function listFiles(dir: string, extension: string, relDir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), extension, rel)));
    else if (entry.name.endsWith(extension)) out.push(rel);
  }
  return out;
}

/** Live timelines keyed by media playlist path; one media playlist per folder (live URIs name no playlist). */
async function loadTimelines(mediaDir: string): Promise<Map<string, LiveTimeline>> {
  const timelines = new Map<string, LiveTimeline>();
  const folders = new Set<string>();
  for (const rel of await listFiles(mediaDir, '.m3u8')) {
    const text = await readFile(join(mediaDir, rel), 'utf8');
    if (!isMediaPlaylist(text)) continue;
    const folder = posix.dirname(rel);
    if (folders.has(folder)) throw new Error(`origin: two media playlists in ${folder}; live needs one per folder`);
    folders.add(folder);
    timelines.set(rel, createLiveTimeline(parseVodMediaPlaylist(text)));
  }
  return timelines;
}

/** MPDs that can run live (SegmentTemplate with $Number$), keyed by path; at most one per folder. */
async function loadDashTemplates(mediaDir: string): Promise<Map<string, DashVodTemplate>> {
  const templates = new Map<string, DashVodTemplate>();
  for (const rel of await listFiles(mediaDir, '.mpd')) {
    const template = parseDashVodTemplate(await readFile(join(mediaDir, rel), 'utf8'));
    if (template) templates.set(rel, template);
  }
  return templates;
}

/** Reads the media folder's playlists and MPDs, then starts the live clock. */
export async function createLiveStreams(options: LiveStreamsOptions): Promise<LiveStreams> {
  const { mediaDir, nowMs, windowSegments, headStartSegments } = options;
  const timelines = await loadTimelines(mediaDir);
  const timelineByFolder = new Map([...timelines].map(([rel, timeline]) => [posix.dirname(rel), timeline]));
  const dashTemplates = await loadDashTemplates(mediaDir);
  const dashByFolder = new Map([...dashTemplates].map(([rel, template]) => [posix.dirname(rel), template]));
  const timescales = new Map<string, Promise<number>>();
  const startedAtMs = nowMs();

  function publishedCount(timeline: LiveTimeline): number {
    return publishedCountAt(timeline, streamTimeMs(timeline, nowMs() - startedAtMs, headStartSegments));
  }

  /** Live DASH runs on the HLS clock's rule: `headStartSegments` segments are out at server start. */
  function dashStreamTimeMs(template: DashVodTemplate): number {
    return headStartSegments * template.segmentDurationMs + Math.max(0, nowMs() - startedAtMs);
  }

  function resolveLiveDash(rel: string): LiveResolution | undefined {
    const mpd = dashTemplates.get(rel);
    if (mpd) return { vodPath: rel, published: true, liveMpd: mpd };
    const folder = posix.dirname(rel);
    const template = dashByFolder.get(folder);
    const segment = template && parseLiveSegmentName(template, posix.basename(rel));
    if (!template || !segment) return undefined;
    return {
      vodPath: posix.join(folder, segment.vodFileName),
      published: segment.index < publishedSegmentCount(template, dashStreamTimeMs(template)),
      timeShift: { shiftSec: segment.shiftSec, initPath: posix.join(folder, initFileName(template, segment.representationId)) },
    };
  }

  function liveMpdText(template: DashVodTemplate): string {
    const availabilityStartMs = nowMs() - dashStreamTimeMs(template);
    return renderLiveMpd(template, { availabilityStartMs, nowMs: nowMs(), windowSegments, delaySegments: DASH_DELAY_SEGMENTS });
  }

  function timescaleOf(initPath: string): Promise<number> {
    let timescale = timescales.get(initPath);
    if (!timescale) timescales.set(initPath, (timescale = readFile(join(mediaDir, ...initPath.split('/'))).then(trackTimescale)));
    return timescale;
  }

  function livePlaylistState(livePlaylistPath: string): LivePlaylistState | undefined {
    const timeline = timelines.get(livePlaylistPath.replace(/^\/?live\//, ''));
    if (!timeline) return undefined;
    const count = publishedCount(timeline);
    return { firstMediaSequence: Math.max(0, count - windowSegments), publishedCount: count };
  }

  function resolveLivePath(livePath: string): LiveResolution | undefined {
    const rel = safeRelativePath(livePath);
    if (!rel) return undefined;
    const playlist = timelines.get(rel);
    if (playlist) return { vodPath: rel, published: true, livePlaylist: playlist };
    const dash = resolveLiveDash(rel);
    if (dash) return dash;
    const folder = posix.dirname(rel);
    const segmentRef = parseLiveFileName(posix.basename(rel));
    const segmentTimeline = timelineByFolder.get(folder);
    if (segmentRef?.kind === 'segment' && segmentTimeline) {
      const k = segmentRef.mediaSequence;
      const segment = segmentTimeline.playlist.segments[vodIndexOfSequence(segmentTimeline, k)];
      if (!segment || segment.byteRange) return undefined;
      return { vodPath: posix.join(folder, segment.uri), published: k < publishedCount(segmentTimeline) };
    }
    const loopMatch = /^(.*)\/(loop-\d+\/[^/]+)$/.exec(rel);
    const loopTimeline = loopMatch ? timelineByFolder.get(loopMatch[1] ?? '') : undefined;
    const loopRef = loopMatch ? parseLiveFileName(loopMatch[2] ?? '') : undefined;
    if (loopMatch && loopTimeline && loopRef?.kind === 'loop-file') {
      const firstOfLoop = loopRef.loop * loopTimeline.segmentsPerLoop;
      const published = firstOfLoop < publishedCount(loopTimeline);
      return { vodPath: posix.join(loopMatch[1] ?? '', loopRef.vodUri), published };
    }
    return { vodPath: rel, published: true }; // master playlists, init segments: as in VOD
  }

  /** The bytes served at a live segment path (a DASH one with its media times moved on). */
  async function liveBytes(liveRel: string): Promise<Uint8Array | undefined> {
    const resolution = resolveLivePath(liveRel);
    if (!resolution?.published || resolution.livePlaylist || resolution.liveMpd) return undefined;
    const body = await readFile(join(mediaDir, ...resolution.vodPath.split('/')));
    const shift = resolution.timeShift;
    return shift ? shiftSegmentTime(body, shift.shiftSec, await timescaleOf(shift.initPath)) : body;
  }

  return {
    startedAtMs,
    timelines,
    dashTemplates,
    publishedCount,
    dashPublishedCount: (template) => publishedSegmentCount(template, dashStreamTimeMs(template)),
    liveMpdText,
    timescaleOf,
    resolveLivePath,
    livePlaylistState,
    liveBytes,
  };
}
