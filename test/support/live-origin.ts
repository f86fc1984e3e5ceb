/**
 * A real HTTP origin for a live stream on 127.0.0.1, in real time. Segment n covers stream time
 * [n·d, (n+1)·d) and is published when the stream clock passes its end: before that its URL answers 404.
 * `/live/index.m3u8` is a sliding-window HLS media playlist of the published segments. Segment bytes are
 * deterministic (`segmentBytes`), `Range` is honoured, and requests are counted per segment.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { segmentBytes, sendBytes } from './origin';

export interface LiveOriginOptions {
  segmentDurationSec: number;
  /** Size of segment n in bytes. @default 500 000 */
  sizeOf?: (segmentId: number) => number;
  /** Segments already published when the origin starts: the stream has been running a while. @default 6 */
  publishedAtStart?: number;
  /** Segments listed in the playlist (hls.js starts 3 behind the edge, so at least that many). @default 6 */
  windowSegments?: number;
}

export interface LiveOrigin {
  baseUrl: string;
  /** The media playlist a player polls. */
  playlistUrl: string;
  segmentDurationSec: number;
  /** When the origin started, on the `performance.now()` clock. */
  startedAtMs: number;
  /** The last published segment now. */
  liveEdge(): number;
  /** When segment n was (or will be) published, on the `performance.now()` clock. */
  publishedAtMs(segmentId: number): number;
  /** Bytes of segment n (the same bytes the server sends). */
  bytesOf(segmentId: number): Uint8Array;
  /** Requests answered with segment bytes (200 or 206), per segment id; Range completions count too. */
  segmentRequests: Map<number, number>;
  /** Requests for a segment before it was published (answered 404). */
  unpublishedRequests: number;
  servedBytes: number;
  close(): Promise<void>;
}

const SEGMENT_PATH = /^\/live\/seg-(\d+)\.bin$/;

export async function startLiveOrigin(options: LiveOriginOptions): Promise<LiveOrigin> {
  const durationSec = options.segmentDurationSec;
  const sizeOf = options.sizeOf ?? (() => 500_000);
  const windowSegments = options.windowSegments ?? 6;
  // Stream time 0 lies `publishedAtStart` segments in the past, so that many are complete already.
  const startedAtMs = performance.now();
  const streamStartMs = startedAtMs - (options.publishedAtStart ?? 6) * durationSec * 1000;
  const liveEdge = (): number => Math.floor((performance.now() - streamStartMs) / 1000 / durationSec) - 1;
  const cache = new Map<number, Uint8Array>();
  const bytesOf = (segmentId: number): Uint8Array => {
    let bytes = cache.get(segmentId);
    if (!bytes) cache.set(segmentId, (bytes = segmentBytes(`live-${segmentId}`, sizeOf(segmentId))));
    return bytes;
  };
  const playlist = (): string => {
    const edge = liveEdge();
    const first = Math.max(0, edge - windowSegments + 1);
    const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.ceil(durationSec)}`, `#EXT-X-MEDIA-SEQUENCE:${first}`];
    for (let n = first; n <= edge; n++) lines.push(`#EXTINF:${durationSec.toFixed(3)},`, `seg-${n}.bin`);
    return `${lines.join('\n')}\n`;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://origin').pathname;
    if (path === '/live/index.m3u8') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-cache' }).end(playlist());
      return;
    }
    const match = SEGMENT_PATH.exec(path);
    const segmentId = match ? Number(match[1]) : NaN;
    if (!match || segmentId > liveEdge()) {
      if (match) origin.unpublishedRequests++;
      res.writeHead(404).end();
      return;
    }
    origin.segmentRequests.set(segmentId, (origin.segmentRequests.get(segmentId) ?? 0) + 1);
    origin.servedBytes += sendBytes(req, res, bytesOf(segmentId));
  });

  const origin: LiveOrigin = {
    baseUrl: '',
    playlistUrl: '',
    segmentDurationSec: durationSec,
    startedAtMs,
    liveEdge,
    publishedAtMs: (segmentId) => streamStartMs + (segmentId + 1) * durationSec * 1000,
    bytesOf,
    segmentRequests: new Map(),
    unpublishedRequests: 0,
    servedBytes: 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // fetch keeps connections alive
      }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin.playlistUrl = `${origin.baseUrl}/live/index.m3u8`;
  return origin;
}
