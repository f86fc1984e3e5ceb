/**
 * Origins that misbehave, through the whole engine, on a real node:http server on 127.0.0.1 (unit tier:
 * loopback only) and the in-memory swarm: a gzip-encoded body (its Content-Length counts encoded bytes),
 * a server that ignores Range (200 with the whole file), a 5xx and a refused connection. Each either
 * yields the right bytes — to the player and, through the swarm, to a second viewer — or fails with the
 * typed error the player's own loader would see (`http-status`, `http-network`), and nothing is shared.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { systemClock } from '../../src/clock/system-clock';
import { ShoalEngine } from '../../src/engine';
import { isShoalError } from '../../src/errors';
import { MemoryTrackerHub } from '../../sim/memory-tracker';

const FILE_BYTES = 300_000;
/** Deterministic, incompressible-enough content of the origin's one file. */
const FILE = Uint8Array.from({ length: FILE_BYTES }, (_, i) => (i * 7919 + (i >> 8)) & 0xff);

let server: Server;
let base: string;
const requests: string[] = [];

before(async () => {
  server = createServer((request, response) => {
    requests.push(`${request.url} ${request.headers.range ?? ''}`);
    if (request.url?.startsWith('/gzip/')) {
      const encoded = gzipSync(FILE);
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': encoded.byteLength });
      response.end(encoded);
    } else if (request.url?.startsWith('/no-range/')) {
      response.writeHead(200, { 'content-length': FILE_BYTES });
      response.end(FILE);
    } else {
      response.writeHead(503, { 'content-length': 11 });
      response.end('unavailable');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Two viewers on one in-memory swarm, fetching from the real origin. */
function viewers(): { a: ShoalEngine; b: ShoalEngine; close(): void } {
  const hub = new MemoryTrackerHub({ clock: systemClock, link: { latencyMs: 5, bandwidthBytesPerSec: 50_000_000 } });
  const make = (): ShoalEngine => {
    const engine = new ShoalEngine({ trackerUrls: ['sim://tracker'] }, { createTrackerClient: hub.createClient });
    engine.setStreams({ manifestUrl: `${base}/master.m3u8` });
    return engine;
  };
  const a = make();
  const b = make();
  return { a, b, close: () => (a.destroy(), b.destroy()) };
}

describe('origin faults, through the engine', () => {
  const cases = [
    { name: 'a gzip-encoded whole segment', url: '/gzip/whole.ts', byteRange: undefined },
    { name: 'a byte-range segment from a server that ignores Range', url: '/no-range/file.ts', byteRange: { startByte: 1_000, endByte: 150_999 } },
    { name: 'a byte-range segment from a gzip server that ignores Range', url: '/gzip/file.ts', byteRange: { startByte: 7, endByte: 99_999 } },
  ];
  for (const [index, { name, url, byteRange }] of cases.entries()) {
    it(`${name}: the right bytes, to the player and to a second viewer`, async () => {
      const { a, b, close } = viewers();
      try {
        const segment = { renditionId: 'r', segmentId: index, url: `${base}${url}`, ...(byteRange ? { byteRange } : {}) };
        const expected = byteRange ? FILE.slice(byteRange.startByte, byteRange.endByte + 1) : FILE;
        const first = await a.loadSegment(segment);
        assert.deepEqual(first.bytes, expected);
        const second = await b.loadSegment(segment);
        assert.deepEqual(second.bytes, expected, 'the second viewer gets the same, right bytes (peer or origin)');
      } finally {
        close();
      }
    });
  }

  it('a 5xx fails with http-status, as the player would; nothing is announced to the swarm', async () => {
    const { a, b, close } = viewers();
    try {
      const segment = { renditionId: 'r', segmentId: 10, url: `${base}/error/10.ts` };
      await assert.rejects(a.loadSegment(segment), (error: unknown) => isShoalError(error) && error.code === 'http-status');
      assert.equal(b.availability(segment), 0);
      await assert.rejects(b.loadSegment(segment), (error: unknown) => isShoalError(error) && error.code === 'http-status');
    } finally {
      close();
    }
  });

  it('a refused connection fails with http-network', async () => {
    const { a, close } = viewers();
    try {
      const segment = { renditionId: 'r', segmentId: 11, url: 'http://127.0.0.1:1/11.ts' };
      await assert.rejects(a.loadSegment(segment), (error: unknown) => isShoalError(error) && error.code === 'http-network');
    } finally {
      close();
    }
  });
});
