/**
 * The demo's HTTP origin (Node http, no framework). Serves `demo/media` as:
 *   /vod/<variant>/...   the files as they are (VOD);
 *   /live/<variant>/...  the same renditions looped as a live stream: master playlists as they are, media
 *                        playlists as a sliding window that advances in real time from server start, and
 *                        segment URLs unique per media sequence (see `hls/live-timeline.ts`) that resolve
 *                        deterministically to VOD files (`resolveLivePath`); a SegmentTemplate MPD as a
 *                        dynamic MPD on the same clock, its segments' media times moved on by whole loops
 *                        (see `dash/live-mpd.ts`);
 *   .../<playlist>.integrity.json  the integrity manifest of a VOD or live stream (`integrity/integrity-manifests.ts`);
 *   GET /stats           requests and bytes served, in total, per `/<vod|live>/<variant>`, per path, and per
 *                        path and byte range of media `Range` requests;
 *   POST /stats/reset    zeroes the counters.
 * Every answer has CORS headers; `Range` gives 206; playlists are `no-cache`. Optional throttling per
 * response (first-byte delay, bandwidth), from options, `setThrottle()`, or the query string of one
 * request (`?delayMs=150&bytesPerSec=500000`). Fault tests script an outage with `failWith()` (code only).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLiveTimeline, parseLiveFileName, publishedCountAt, renderLivePlaylist, streamTimeMs,
  vodIndexOfSequence, type LiveTimeline,
} from './hls/live-timeline';
import { isMediaPlaylist, parseVodMediaPlaylist } from './hls/vod-playlist';
import { shiftSegmentTime, trackTimescale } from './dash/fmp4-time';
import {
  initFileName, parseDashVodTemplate, parseLiveSegmentName, publishedSegmentCount, renderLiveMpd, type DashVodTemplate,
} from './dash/live-mpd';
import { createIntegrityManifests, INTEGRITY_FILE_SUFFIX } from './integrity/integrity-manifests';
import { contentTypeOf, NO_THROTTLE, parseRangeHeader, sendBody, sendText, setCorsHeaders, type Throttle } from './http/respond';
import { RangeCounts, type RangeTraffic } from './http/range-counts';
import { OriginOutage, type OriginOutageOptions, type OutageStats } from './http/origin-outage';

export const DEFAULT_MEDIA_DIR = fileURLToPath(new URL('../media', import.meta.url));
/** hls.js starts three target durations behind the live edge: six segments leave it room to seek back. */
const DEFAULT_LIVE_WINDOW_SEGMENTS = 6;
/** Playlists change (live) or may be regenerated (VOD): players and browsers must not reuse them. */
const PLAYLIST_CACHE_CONTROL = 'no-cache';
/**
 * Segments are not cached by browsers either: two tabs of one browser share its HTTP cache, which would
 * hide origin traffic that the demo is there to measure.
 */
const SEGMENT_CACHE_CONTROL = 'no-cache';
/** Where DASH players start: as far behind the live edge as hls.js (three segments). */
const DASH_DELAY_SEGMENTS = 3;
/** Per-path counters kept at most (oldest dropped): a live demo mints a new segment URL every 2 s. */
const MAX_TRACKED_PATHS = 10_000;

export interface LiveOptions {
  /** Segments in each live media playlist. @default 6 */
  windowSegments?: number;
  /** Segments already published at server start, so players can start at once. @default windowSegments */
  headStartSegments?: number;
}

export interface OriginOptions {
  /** @default demo/media */
  mediaDir?: string;
  /** @default '127.0.0.1' (startOrigin only) */
  host?: string;
  /** 0 picks a free port. @default 0 (startOrigin only) */
  port?: number;
  /** @default no throttling */
  throttle?: Partial<Throttle>;
  live?: LiveOptions;
  /** The live clock, in ms. Tests inject a fake one. @default Date.now */
  nowMs?: () => number;
}

export interface TrafficCounter {
  requests: number;
  /** Body bytes handed to sockets (a throttled response cut short counts what was sent). */
  bytes: number;
}

export interface LivePlaylistState {
  /** `#EXT-X-MEDIA-SEQUENCE` of the playlist now. */
  firstMediaSequence: number;
  /** Segments 0..publishedCount-1 are out; the live edge is publishedCount - 1. */
  publishedCount: number;
}

export interface OriginStats {
  uptimeMs: number;
  total: TrafficCounter;
  /** Keyed `/vod/<variant>` or `/live/<variant>`. */
  byPrefix: Record<string, TrafficCounter>;
  /** Keyed by request path without query, e.g. `/live/hls-ts/v0/seg-12.ts`. */
  byPath: Record<string, TrafficCounter>;
  /**
   * Media (not playlist) requests with a satisfiable `Range`, by path then served range `start-end`
   * (inclusive): the segments of single-file layouts. Their requests and bytes are in `byPath` too.
   */
  byRange: RangeTraffic;
  /** Keyed by live media playlist path, e.g. `/live/hls-ts/v0/index.m3u8`. */
  live: Record<string, LivePlaylistState>;
  throttle: Throttle;
  /** Media requests failed by `failWith()` outages. */
  outage: OutageStats;
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

export interface Origin {
  /** Answers `/vod/`, `/live/`, `/stats` and OPTIONS; returns false (untouched) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  stats(): OriginStats;
  resetStats(): void;
  setThrottle(throttle: Partial<Throttle>): void;
  /**
   * TEST CONTROL: answer media requests with `status` (5xx) for `durationMs` from now (`http/origin-outage.ts`).
   * Only code holding this object can call it; no request can.
   */
  failWith(outage: OriginOutageOptions): void;
  /** Maps a path under /live/ (without the `/live/` prefix) to its VOD file, or undefined if unknown. */
  resolveLivePath(livePath: string): LiveResolution | undefined;
  livePlaylistState(livePlaylistPath: string): LivePlaylistState | undefined;
}

export interface RunningOrigin extends Origin {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** Closes the server and every open connection. Safe to call twice. */
  close(): Promise<void>;
}

/** Relative path inside the media folder, or undefined when it tries to leave it. */
function safeRelativePath(raw: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const normalized = posix.normalize(decoded).replace(/^\/+/, '');
  if (normalized === '' || normalized === '.' || normalized.startsWith('..')) return undefined;
  return normalized;
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

function throttleFromQuery(base: Throttle, query: URLSearchParams): Throttle {
  const delayMs = Number(query.get('delayMs') ?? Number.NaN);
  const bytesPerSec = Number(query.get('bytesPerSec') ?? Number.NaN);
  return {
    firstByteDelayMs: Number.isFinite(delayMs) && delayMs >= 0 ? delayMs : base.firstByteDelayMs,
    bytesPerSec: Number.isFinite(bytesPerSec) && bytesPerSec >= 0 ? bytesPerSec : base.bytesPerSec,
  };
}

/** The origin as a request handler, to mount on any Node http server. */
export async function createOrigin(options: OriginOptions = {}): Promise<Origin> {
  const mediaDir = resolve(options.mediaDir ?? DEFAULT_MEDIA_DIR);
  const nowMs = options.nowMs ?? Date.now;
  const windowSegments = options.live?.windowSegments ?? DEFAULT_LIVE_WINDOW_SEGMENTS;
  const headStartSegments = options.live?.headStartSegments ?? windowSegments;
  const timelines = await loadTimelines(mediaDir);
  const timelineByFolder = new Map([...timelines].map(([rel, timeline]) => [posix.dirname(rel), timeline]));
  const dashTemplates = await loadDashTemplates(mediaDir);
  const dashByFolder = new Map([...dashTemplates].map(([rel, template]) => [posix.dirname(rel), template]));
  const timescales = new Map<string, Promise<number>>();
  const startedAtMs = nowMs();
  let throttle: Throttle = { ...NO_THROTTLE, ...options.throttle };
  let total: TrafficCounter = { requests: 0, bytes: 0 };
  let byPrefix = new Map<string, TrafficCounter>();
  let byPath = new Map<string, TrafficCounter>();
  let byRange = new RangeCounts(MAX_TRACKED_PATHS);
  const outage = new OriginOutage(nowMs);

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

  const integrity = createIntegrityManifests({
    mediaDir, timelines, publishedCount, windowSegments, dashTemplates, liveBytes,
    dashPublishedCount: (template) => publishedSegmentCount(template, dashStreamTimeMs(template)),
  });

  function count(prefix: string, path: string, requests: number, bytes: number): void {
    total.requests += requests;
    total.bytes += bytes;
    for (const [map, key] of [[byPrefix, prefix], [byPath, path]] as const) {
      let counter = map.get(key);
      if (!counter) {
        counter = { requests: 0, bytes: 0 };
        map.set(key, counter);
        if (map === byPath && map.size > MAX_TRACKED_PATHS) map.delete(map.keys().next().value as string);
      }
      counter.requests += requests;
      counter.bytes += bytes;
    }
  }

  async function serveMedia(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, mode = '', ...rest] = url.pathname.split('/');
    const restPath = rest.join('/');
    const variant = rest[0] ?? '';
    const prefix = `/${mode}/${variant}`;
    count(prefix, url.pathname, 1, 0);
    const outageStatus = outage.statusFor(url.pathname);
    if (outageStatus !== undefined) return sendText(res, outageStatus, 'origin outage (test)\n');
    const onBytes = (bytes: number) => count(prefix, url.pathname, 0, bytes);
    const responseThrottle = throttleFromQuery(throttle, url.searchParams);
    let vodPath: string | undefined;
    let body: Buffer | undefined;
    let resolution: LiveResolution | undefined;
    if (restPath.endsWith(INTEGRITY_FILE_SUFFIX)) {
      const manifest = await integrity.manifestFor(mode === 'vod' ? 'vod' : 'live', safeRelativePath(restPath) ?? '');
      if (!manifest) return sendText(res, 404, 'not found\n');
      const json = Buffer.from(JSON.stringify(manifest), 'utf8');
      return sendBody(req, res, { body: json, contentType: 'application/json', cacheControl: PLAYLIST_CACHE_CONTROL, throttle: NO_THROTTLE, onBytes });
    }
    if (mode === 'vod') vodPath = safeRelativePath(restPath);
    else {
      resolution = resolveLivePath(restPath);
      if (resolution && !resolution.published) return sendText(res, 404, 'not published yet\n');
      if (resolution?.livePlaylist) {
        const text = renderLivePlaylist(resolution.livePlaylist, { publishedCount: publishedCount(resolution.livePlaylist), windowSegments });
        body = Buffer.from(text, 'utf8');
      } else if (resolution?.liveMpd) body = Buffer.from(liveMpdText(resolution.liveMpd), 'utf8');
      vodPath = resolution?.vodPath;
    }
    if (!vodPath) return sendText(res, 404, 'not found\n');
    if (!body) {
      try {
        body = await readFile(join(mediaDir, ...vodPath.split('/')));
        const shift = resolution?.timeShift;
        if (shift) body = shiftSegmentTime(body, shift.shiftSec, await timescaleOf(shift.initPath));
      } catch {
        return sendText(res, 404, 'not found\n');
      }
    }
    const isPlaylist = vodPath.endsWith('.m3u8') || vodPath.endsWith('.mpd');
    const range = isPlaylist ? undefined : parseRangeHeader(req.headers.range, body.length);
    const servedRange = typeof range === 'object' ? range : undefined;
    if (servedRange) byRange.count(url.pathname, servedRange, 1, 0);
    await sendBody(req, res, {
      body,
      contentType: contentTypeOf(vodPath),
      cacheControl: isPlaylist ? PLAYLIST_CACHE_CONTROL : SEGMENT_CACHE_CONTROL,
      throttle: responseThrottle,
      onBytes: (bytes) => {
        onBytes(bytes);
        if (servedRange) byRange.count(url.pathname, servedRange, 0, bytes);
      },
    });
  }

  function stats(): OriginStats {
    const live: Record<string, LivePlaylistState> = {};
    for (const rel of timelines.keys()) live[`/live/${rel}`] = livePlaylistState(rel) as LivePlaylistState;
    const copy = (map: Map<string, TrafficCounter>) => Object.fromEntries([...map].map(([k, v]) => [k, { ...v }]));
    return {
      uptimeMs: nowMs() - startedAtMs,
      total: { ...total },
      byPrefix: copy(byPrefix),
      byPath: copy(byPath),
      byRange: byRange.snapshot(),
      live,
      throttle: { ...throttle },
      outage: outage.stats(),
    };
  }

  function resetStats(): void {
    total = { requests: 0, bytes: 0 };
    byPrefix = new Map();
    byPath = new Map();
    byRange = new RangeCounts(MAX_TRACKED_PATHS);
    outage.resetStats();
  }

  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://origin.invalid');
    const isMedia = /^\/(vod|live)\//.test(url.pathname);
    const isStats = url.pathname === '/stats' || url.pathname === '/stats/reset';
    if (!isMedia && !isStats) return false;
    if (req.method === 'OPTIONS') {
      setCorsHeaders(res);
      res.writeHead(204).end();
    } else if (url.pathname === '/stats/reset' && req.method === 'POST') {
      resetStats();
      sendText(res, 204, '');
    } else if (url.pathname === '/stats' && req.method === 'GET') {
      sendText(res, 200, `${JSON.stringify(stats(), null, 2)}\n`, 'application/json; charset=utf-8');
    } else if (isMedia && (req.method === 'GET' || req.method === 'HEAD')) {
      serveMedia(req, res, url).catch((error: Error) => sendText(res, 500, `origin error: ${error.message}\n`));
    } else {
      sendText(res, 405, 'method not allowed\n');
    }
    return true;
  }

  return {
    handle,
    stats,
    resetStats,
    setThrottle: (next) => {
      throttle = { ...throttle, ...next };
    },
    failWith: (options) => outage.start(options),
    resolveLivePath,
    livePlaylistState,
  };
}

/** The origin on its own HTTP server (127.0.0.1, a free port unless told otherwise). */
export async function startOrigin(options: OriginOptions = {}): Promise<RunningOrigin> {
  const origin = await createOrigin(options);
  const server = createServer((req, res) => {
    if (!origin.handle(req, res)) sendText(res, 404, 'not found\n');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    ...origin,
    url: `http://${host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
