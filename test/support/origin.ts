/**
 * A small real HTTP origin for tests: serves deterministic pseudo-random "segments" at
 * `/seg/<name>.bin`, honours `Range`, counts requests and bytes per path, and can be slowed down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface TestOrigin {
  baseUrl: string;
  /** Bytes of a segment by name (the same bytes the server sends). */
  bytesOf(name: string): Uint8Array;
  /** Requests served per path. */
  requests: Map<string, number>;
  servedBytes: number;
  close(): Promise<void>;
}

/** Deterministic bytes for a name: SHA-256 counter stream. */
export function segmentBytes(name: string, sizeBytes: number): Uint8Array {
  const out = new Uint8Array(sizeBytes);
  let offset = 0;
  for (let counter = 0; offset < sizeBytes; counter++) {
    const block = createHash('sha256').update(`${name}:${counter}`).digest();
    out.set(block.subarray(0, Math.min(block.length, sizeBytes - offset)), offset);
    offset += block.length;
  }
  return out;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Answer with `bytes`, or the part a `Range: bytes=a-b` header asks for (206). Returns the body size. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, headers: Record<string, string> = {}): number {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let body = bytes;
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    body = bytes.subarray(start, end + 1);
    res.writeHead(206, { ...headers, 'Content-Length': body.length, 'Content-Range': `bytes ${start}-${end}/${bytes.length}` });
  } else {
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
  }
  res.end(body);
  return body.length;
}

export async function startOrigin(options: { sizeOf?: (name: string) => number } = {}): Promise<TestOrigin> {
  const sizeOf = options.sizeOf ?? (() => 1024 * 1024);
  const cache = new Map<string, Uint8Array>();
  const bytesOf = (name: string): Uint8Array => {
    let bytes = cache.get(name);
    if (!bytes) cache.set(name, (bytes = segmentBytes(name, sizeOf(name))));
    return bytes;
  };
  const origin: TestOrigin = {
    baseUrl: '',
    bytesOf,
    requests: new Map(),
    servedBytes: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://origin');
    origin.requests.set(url.pathname, (origin.requests.get(url.pathname) ?? 0) + 1);
    const match = /^\/seg\/([\w.-]+)\.bin$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    origin.servedBytes += sendBytes(req, res, bytesOf(match[1]!), { 'Access-Control-Allow-Origin': '*' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return origin;
}
