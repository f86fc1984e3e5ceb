/**
 * The demo's HTTP origin (Node http, no framework). Serves `demo/media` as:
 *   /vod/<variant>/...   the files as they are (VOD);
 *   /live/<variant>/...  the same renditions looped as a live stream: master playlists as they are, media
 *                        playlists as a sliding window that advances in real time from server start, and
 *                        segment URLs unique per media sequence (see `hls/live-timeline.ts`) that resolve
 *                        deterministically to VOD files (`resolveLivePath`); a SegmentTemplate MPD as a
 *                        dynamic MPD on the same clock, its segments' media times moved on by whole loops
 *                        (see `dash/live-mpd.ts`); all of it in `live/live-streams.ts`;
 *   .../<playlist>.integrity.json  the integrity manifest of a VOD or live stream (`integrity/integrity-manifests.ts`);
 *   GET /stats           requests and bytes served, in total, per `/<vod|live>/<variant>`, per path, and per
 *                        path and byte range of media `Range` requests (`http/traffic-stats.ts`);
 *   POST /stats/reset    zeroes the counters.
 * Every answer has CORS headers; `Range` gives 206; playlists are `no-cache`. Optional throttling per
 * response (first-byte delay, bandwidth), from options, `setThrottle()`, or the query string of one
 * request (`?delayMs=150&bytesPerSec=500000`). Fault tests script an outage with `failWith()` (code only).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderLivePlaylist } from './hls/live-timeline';
import { shiftSegmentTime } from './dash/fmp4-time';
import { createIntegrityManifests, INTEGRITY_FILE_SUFFIX } from './integrity/integrity-manifests';
import { contentTypeOf, NO_THROTTLE, parseRangeHeader, sendBody, sendText, setCorsHeaders, type Throttle } from './http/respond';
import type { RangeTraffic } from './http/range-counts';
import { OriginOutage, type OriginOutageOptions, type OutageStats } from './http/origin-outage';
import { safeRelativePath } from './http/safe-path';
import { TrafficStats, type TrafficCounter } from './http/traffic-stats';
import { createLiveStreams, type LivePlaylistState, type LiveResolution } from './live/live-streams';

export type { TrafficCounter } from './http/traffic-stats';
export type { LivePlaylistState, LiveResolution } from './live/live-streams';

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
  const live = await createLiveStreams({ mediaDir, nowMs, windowSegments, headStartSegments });
  const { startedAtMs, timelines, resolveLivePath, livePlaylistState } = live;
  let throttle: Throttle = { ...NO_THROTTLE, ...options.throttle };
  const traffic = new TrafficStats(MAX_TRACKED_PATHS);
  const outage = new OriginOutage(nowMs);

  const integrity = createIntegrityManifests({
    mediaDir, timelines, publishedCount: live.publishedCount, windowSegments, dashTemplates: live.dashTemplates, liveBytes: live.liveBytes,
    dashPublishedCount: live.dashPublishedCount,
  });

  async function serveMedia(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, mode = '', ...rest] = url.pathname.split('/');
    const restPath = rest.join('/');
    const variant = rest[0] ?? '';
    const prefix = `/${mode}/${variant}`;
    traffic.count(prefix, url.pathname, 1, 0);
    const outageStatus = outage.statusFor(url.pathname);
    if (outageStatus !== undefined) return sendText(res, outageStatus, 'origin outage (test)\n');
    const onBytes = (bytes: number) => traffic.count(prefix, url.pathname, 0, bytes);
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
        const text = renderLivePlaylist(resolution.livePlaylist, { publishedCount: live.publishedCount(resolution.livePlaylist), windowSegments });
        body = Buffer.from(text, 'utf8');
      } else if (resolution?.liveMpd) body = Buffer.from(live.liveMpdText(resolution.liveMpd), 'utf8');
      vodPath = resolution?.vodPath;
    }
    if (!vodPath) return sendText(res, 404, 'not found\n');
    if (!body) {
      try {
        body = await readFile(join(mediaDir, ...vodPath.split('/')));
        const shift = resolution?.timeShift;
        if (shift) body = shiftSegmentTime(body, shift.shiftSec, await live.timescaleOf(shift.initPath));
      } catch {
        return sendText(res, 404, 'not found\n');
      }
    }
    const isPlaylist = vodPath.endsWith('.m3u8') || vodPath.endsWith('.mpd');
    const range = isPlaylist ? undefined : parseRangeHeader(req.headers.range, body.length);
    const servedRange = typeof range === 'object' ? range : undefined;
    if (servedRange) traffic.countRange(url.pathname, servedRange, 1, 0);
    await sendBody(req, res, {
      body,
      contentType: contentTypeOf(vodPath),
      cacheControl: isPlaylist ? PLAYLIST_CACHE_CONTROL : SEGMENT_CACHE_CONTROL,
      throttle: responseThrottle,
      onBytes: (bytes) => {
        onBytes(bytes);
        if (servedRange) traffic.countRange(url.pathname, servedRange, 0, bytes);
      },
    });
  }

  function stats(): OriginStats {
    const livePlaylists: Record<string, LivePlaylistState> = {};
    for (const rel of timelines.keys()) livePlaylists[`/live/${rel}`] = livePlaylistState(rel) as LivePlaylistState;
    return {
      uptimeMs: nowMs() - startedAtMs,
      ...traffic.snapshot(),
      live: livePlaylists,
      throttle: { ...throttle },
      outage: outage.stats(),
    };
  }

  function resetStats(): void {
    traffic.reset();
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
