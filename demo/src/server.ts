/**
 * The one-command demo (`npm start` at the repository root): on 127.0.0.1, one HTTP server for the page
 * and the origin, and the `@shoal/tracker` WebSocket tracker that Shoal viewers announce to.
 *
 *   http://127.0.0.1:8080/                 the page (demo/public, then demo/dist), /dist/ = demo/dist
 *   http://127.0.0.1:8080/vod/..., /live/  the origin (see origin.ts), GET /stats for its counters
 *   http://127.0.0.1:8080/config.json      tracker URL and stream URLs (HLS and DASH), for the page
 *   http://127.0.0.1:8080/script-tag.html  hls.js and Shoal from script tags only, /npm/<package>/dist/<file>
 *                                          = installed packages' builds (see http/package-files.ts)
 *   ws://127.0.0.1:8000                    the tracker
 *
 * Environment: SHOAL_HOST (127.0.0.1), SHOAL_PORT (8080), SHOAL_TRACKER_PORT (8000),
 * SHOAL_ORIGIN_DELAY_MS (0: first-byte delay per response), SHOAL_ORIGIN_BYTES_PER_SEC (0 = unlimited),
 * SHOAL_TRACKER_LOG=1 (the tracker's JSON log lines on stdout).
 * Ctrl-C closes everything.
 */
import { startTracker, type TrackerOptions } from '@shoal/tracker';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createOrigin, type Origin, type OriginOptions } from './origin';
import { sendText } from './http/respond';
import { serveStatic, type StaticRoot } from './http/static-files';
import { packageDistRoots } from './http/package-files';

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
const DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;
const DEFAULT_TRACKER_PORT = 8000;
/** Give up waiting for open connections on close after this long (a page left open keeps them). */
const CLOSE_TIMEOUT_MS = 2000;

export const STREAM_PATHS = {
  vodTs: '/vod/hls-ts/master.m3u8',
  vodFmp4: '/vod/hls-fmp4/master.m3u8',
  vodTsByteRange: '/vod/hls-ts-byterange/master.m3u8',
  vodFmp4ByteRange: '/vod/hls-fmp4-byterange/master.m3u8',
  vodTs6s: '/vod/hls-ts-6s/master.m3u8',
  vodTsAudioGroup: '/vod/hls-ts-audio-group/master.m3u8',
  liveTs: '/live/hls-ts/master.m3u8',
  liveFmp4: '/live/hls-fmp4/master.m3u8',
  liveTsByteRange: '/live/hls-ts-byterange/master.m3u8',
  liveFmp4ByteRange: '/live/hls-fmp4-byterange/master.m3u8',
  liveTs6s: '/live/hls-ts-6s/master.m3u8',
  liveTsAudioGroup: '/live/hls-ts-audio-group/master.m3u8',
  vodDash: '/vod/dash/manifest.mpd',
  vodDashTime: '/vod/dash-time/manifest.mpd',
  vodDashSegmentBase: '/vod/dash-single/segmentbase.mpd',
  vodDashSegmentList: '/vod/dash-single/segmentlist.mpd',
  liveDash: '/live/dash/manifest.mpd',
} as const;

export interface DemoOptions extends Omit<OriginOptions, 'host' | 'port'> {
  /** @default '127.0.0.1' */
  host?: string;
  /** Page and origin. 0 picks a free port. @default 8080 */
  port?: number;
  /** 0 picks a free port. @default 8000 */
  trackerPort?: number;
  /**
   * More `@shoal/tracker` options. The demo's own: any page origin (test apps serve pages from other
   * ports), `maxConnectionsPerIp` raised (every local viewer is 127.0.0.1), no log lines.
   */
  tracker?: TrackerOptions;
}

/** Every viewer of the local demo shares 127.0.0.1: the per-IP cap is per viewer here, and generous. */
const DEMO_MAX_CONNECTIONS_PER_IP = 1000;

export interface DemoConfig {
  trackerUrl: string;
  originUrl: string;
  /** Absolute master playlist URLs, keyed as in STREAM_PATHS. */
  streams: Record<keyof typeof STREAM_PATHS, string>;
}

export interface RunningDemo {
  /** Page and origin, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  url: string;
  trackerUrl: string;
  /** The tracker's `/health` and `/metrics`, e.g. `http://127.0.0.1:8000`. */
  trackerHttpUrl: string;
  config: DemoConfig;
  origin: Origin;
  /** Closes the tracker, the HTTP server and every open connection. Safe to call twice. */
  close(): Promise<void>;
}

function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const host = options.host ?? DEFAULT_HOST;
  const origin = await createOrigin(options);
  const tracker = await startTracker({
    host,
    port: options.trackerPort ?? DEFAULT_TRACKER_PORT,
    shutdownGraceMs: CLOSE_TIMEOUT_MS,
    log: false,
    ...options.tracker,
    limits: { maxConnectionsPerIp: DEMO_MAX_CONNECTIONS_PER_IP, ...options.tracker?.limits },
  });
  let config: DemoConfig | undefined;
  const roots: StaticRoot[] = [
    { urlPrefix: '/dist/', dir: DIST_DIR },
    { urlPrefix: '/', dir: PUBLIC_DIR },
    { urlPrefix: '/', dir: DIST_DIR },
    ...packageDistRoots(),
  ];
  const server = createServer((req, res) => {
    if (origin.handle(req, res)) return;
    if (req.url === '/config.json') return sendText(res, 200, `${JSON.stringify(config, null, 2)}\n`, 'application/json');
    serveStatic(req, res, roots).catch((error: Error) => sendText(res, 500, `demo error: ${error.message}\n`));
  });
  try {
    await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (error) {
    await tracker.close();
    throw error;
  }
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const streams = Object.fromEntries(
    Object.entries(STREAM_PATHS).map(([name, path]) => [name, url + path]),
  ) as DemoConfig['streams'];
  config = { trackerUrl: tracker.url, originUrl: url, streams };
  let closing: Promise<void> | undefined;
  return {
    url,
    trackerUrl: tracker.url,
    trackerHttpUrl: tracker.httpUrl,
    config,
    origin,
    close() {
      closing ??= Promise.all([
        tracker.close(),
        withTimeout(new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }), CLOSE_TIMEOUT_MS),
      ]).then(() => {});
      return closing;
    },
  };
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const demo = await startDemo({
    host: process.env.SHOAL_HOST || DEFAULT_HOST,
    port: envNumber('SHOAL_PORT', DEFAULT_PORT),
    trackerPort: envNumber('SHOAL_TRACKER_PORT', DEFAULT_TRACKER_PORT),
    tracker: { log: process.env.SHOAL_TRACKER_LOG === '1' ? undefined : false },
    throttle: {
      firstByteDelayMs: envNumber('SHOAL_ORIGIN_DELAY_MS', 0),
      bytesPerSec: envNumber('SHOAL_ORIGIN_BYTES_PER_SEC', 0),
    },
  });
  const { streams } = demo.config;
  console.log(`Shoal demo page:  ${demo.url}/`);
  console.log(`Tracker:          ${demo.trackerUrl}`);
  console.log(`Tracker metrics:  ${demo.trackerHttpUrl}/metrics (and /health)`);
  console.log(`Origin stats:     ${demo.url}/stats`);
  console.log('Streams (HLS master playlists, DASH manifests):');
  for (const [name, streamUrl] of Object.entries(streams)) console.log(`  ${name.padEnd(16)} ${streamUrl}`);
  const { throttle } = demo.origin.stats();
  if (throttle.firstByteDelayMs || throttle.bytesPerSec) {
    console.log(`Origin throttle:  ${throttle.firstByteDelayMs} ms to first byte, ${throttle.bytesPerSec || 'unlimited'} bytes/s`);
  }
  console.log('Ctrl-C to stop.');
  let stopping = false;
  const stop = () => {
    if (stopping) return process.exit(1); // a second Ctrl-C: don't wait
    stopping = true;
    console.log('\nClosing...');
    void demo.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: Error) => {
    console.error(`Shoal demo failed to start: ${error.message}`);
    process.exit(1);
  });
}
