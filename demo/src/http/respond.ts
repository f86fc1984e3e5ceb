/**
 * Sending one response the way a CDN would: CORS for players on other origins, a single `Range`
 * (206 + Content-Range, 416 when unsatisfiable), HEAD, and optional throttling (a first-byte delay and a
 * bandwidth cap per response) so a loopback origin doesn't answer in microseconds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bytes of a body, both ends inclusive, as in `Range: bytes=startByte-endByte`. */
export interface ByteRange {
  startByte: number;
  /** Inclusive. */
  endByte: number;
}

export interface Throttle {
  /** Wait before the status line and headers go out (time to first byte). 0 = none. */
  firstByteDelayMs: number;
  /** Body bandwidth cap of one response in bytes per second. 0 = unlimited. */
  bytesPerSec: number;
}

export const NO_THROTTLE: Throttle = { firstByteDelayMs: 0, bytesPerSec: 0 };

/** Pacing granularity of a throttled body: 20 writes a second keep the rate smooth without busy timers. */
const THROTTLE_TICKS_PER_SEC = 20;
/** Smallest throttled write: below 1 KiB, per-write overhead dominates. */
const MIN_THROTTLED_CHUNK_BYTES = 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.mpd': 'application/dash+xml',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && CONTENT_TYPES[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/** CORS headers every response carries: players fetch segments cross-origin, with `Range`. */
export function setCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Range, Content-Type');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges');
  res.setHeader('Access-Control-Max-Age', '600');
}

/**
 * One `Range` header against a body of `sizeBytes`. Undefined means "send it all" (no header, or a form
 * we ignore, such as several ranges: allowed by RFC 9110); 'unsatisfiable' means 416.
 */
export function parseRangeHeader(header: string | undefined, sizeBytes: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, startText = '', endText = ''] = match;
  if (startText === '' && endText === '') return undefined;
  if (startText === '') {
    const suffixBytes = Number(endText);
    if (suffixBytes === 0 || sizeBytes === 0) return 'unsatisfiable';
    return { startByte: Math.max(0, sizeBytes - suffixBytes), endByte: sizeBytes - 1 };
  }
  const startByte = Number(startText);
  const endByte = endText === '' ? sizeBytes - 1 : Math.min(Number(endText), sizeBytes - 1);
  if (startByte >= sizeBytes || endByte < startByte) return 'unsatisfiable';
  return { startByte, endByte };
}

export function rangeLengthBytes(range: ByteRange): number {
  return range.endByte - range.startByte + 1;
}

/** Resolves after `ms`, or as soon as the response closes (the client went away). */
function waitUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  if (ms <= 0 || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function writeThrottled(res: ServerResponse, body: Buffer, bytesPerSec: number, onBytes: (n: number) => void) {
  const chunkBytes = Math.max(MIN_THROTTLED_CHUNK_BYTES, Math.floor(bytesPerSec / THROTTLE_TICKS_PER_SEC));
  const startMs = Date.now();
  let sentBytes = 0;
  while (sentBytes < body.length && !res.destroyed) {
    const chunk = body.subarray(sentBytes, sentBytes + chunkBytes);
    sentBytes += chunk.length;
    onBytes(chunk.length);
    if (!res.write(chunk)) await waitForDrain(res);
    const dueMs = startMs + (sentBytes / bytesPerSec) * 1000;
    await waitUnlessClosed(res, dueMs - Date.now());
  }
  if (!res.destroyed) res.end();
}

export interface SendOptions {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  throttle?: Throttle;
  /** Called with each count of body bytes handed to the socket. */
  onBytes?: (bytes: number) => void;
  /** Status when the whole body is sent. @default 200 */
  status?: number;
}

/** Sends `body` (or the requested range of it). Resolves when done or when the client went away. */
export async function sendBody(req: IncomingMessage, res: ServerResponse, options: SendOptions): Promise<void> {
  const throttle = options.throttle ?? NO_THROTTLE;
  const onBytes = options.onBytes ?? (() => {});
  await waitUnlessClosed(res, throttle.firstByteDelayMs);
  if (res.destroyed) return;
  setCorsHeaders(res);
  res.setHeader('Content-Type', options.contentType);
  res.setHeader('Cache-Control', options.cacheControl);
  res.setHeader('Accept-Ranges', 'bytes');
  const sizeBytes = options.body.length;
  const range = parseRangeHeader(req.headers.range, sizeBytes);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${sizeBytes}`, 'Content-Length': 0 }).end();
    return;
  }
  let body = options.body;
  if (range) {
    body = body.subarray(range.startByte, range.endByte + 1);
    res.setHeader('Content-Range', `bytes ${range.startByte}-${range.endByte}/${sizeBytes}`);
  }
  res.writeHead(range ? 206 : (options.status ?? 200), { 'Content-Length': body.length });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (throttle.bytesPerSec > 0) {
    await writeThrottled(res, body, throttle.bytesPerSec, onBytes);
    return;
  }
  onBytes(body.length);
  res.end(body);
}

/** A small plain-text or JSON answer (errors, stats): CORS, no caching, never throttled. */
export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8') {
  if (res.headersSent || res.destroyed) return;
  setCorsHeaders(res);
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
