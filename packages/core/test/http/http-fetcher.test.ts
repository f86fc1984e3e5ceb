/**
 * The origin fetcher delivers a body only at the length its headers declare (issue 16, requirement 4): a
 * body shorter or longer than its `Content-Length` / `Content-Range` span is `http-length-mismatch`, and
 * no byte past the declared length reaches `onProgress`. It reports the resource's size (a 200's
 * `Content-Length`, a 206's or 416's `Content-Range` total) and hands on only the asked bytes of a 200 to
 * a Range request. Lenient fakes for the bodies a real fetch would refuse; a real node:http server on
 * loopback for what Node's own fetch does with a lying `Content-Length`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { isShoalError } from '../../src/errors';
import { HttpFetcher, type HttpFetchRequest } from '../../src/http/http-fetcher';
import { bytesOfLength, lenientFetch, type LenientResponse } from './lenient-fetch';

const URL_ = 'https://origin.example/seg.ts';

function fetcherAnswering(response: LenientResponse): HttpFetcher {
  return new HttpFetcher({ clock: new VirtualClock(), fetch: lenientFetch(() => response) });
}

/** Runs a fetch, recording what reached `onProgress` and `onResponse`. */
async function run(fetcher: HttpFetcher, request: Partial<HttpFetchRequest> = {}) {
  const delivered: Uint8Array[] = [];
  const responses: Array<{ status: number; resourceSizeBytes: number | undefined }> = [];
  const outcome = await fetcher
    .fetch({
      url: URL_,
      timeoutMs: 10_000,
      onProgress: (_loaded, _total, chunk) => delivered.push(chunk.slice()),
      onResponse: (response) => responses.push(response),
      ...request,
    })
    .then(
      (result) => ({ ok: true as const, bytes: result.bytes }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  return { outcome, deliveredBytes: Buffer.concat(delivered), responses };
}

function assertCode(outcome: { ok: boolean; error?: unknown }, code: string): void {
  assert.equal(outcome.ok, false, 'the fetch fails');
  assert.ok(isShoalError(outcome.error), 'with a ShoalError');
  assert.equal(outcome.error.code, code, outcome.error.message);
}

describe('HttpFetcher: bodies at their declared length only', () => {
  it('a body shorter than its Content-Length fails (a lenient fetch would yield it)', async () => {
    const body = bytesOfLength(500);
    const { outcome } = await run(fetcherAnswering({ status: 200, headers: { 'content-length': '1000' }, chunks: [body] }));
    assertCode(outcome, 'http-length-mismatch');
  });

  it('a body longer than its Content-Length fails at the first byte too many, which never reaches onProgress', async () => {
    const chunks = [bytesOfLength(600), bytesOfLength(600, 2)];
    const { outcome, deliveredBytes } = await run(fetcherAnswering({ status: 200, headers: { 'content-length': '1000' }, chunks }));
    assertCode(outcome, 'http-length-mismatch');
    assert.ok(deliveredBytes.byteLength <= 1000, `${deliveredBytes.byteLength} bytes delivered`);
  });

  it('a 206 shorter than its Content-Range span fails; one as long as asked passes and reports the total', async () => {
    const range = { startByte: 100, endByte: 199 };
    const short = await run(
      fetcherAnswering({ status: 206, headers: { 'content-range': 'bytes 100-199/5000', 'content-length': '100' }, chunks: [bytesOfLength(60)] }),
      { byteRange: range },
    );
    assertCode(short.outcome, 'http-length-mismatch');
    const whole = await run(
      fetcherAnswering({ status: 206, headers: { 'content-range': 'bytes 100-199/5000', 'content-length': '100' }, chunks: [bytesOfLength(100)] }),
      { byteRange: range },
    );
    assert.equal(whole.outcome.ok, true);
    assert.deepEqual(whole.responses, [{ status: 206, resourceSizeBytes: 5000 }]);
  });

  it('a 206 cut at the resource end reports the true total, then fails: the range asked was longer than the resource', async () => {
    const { outcome, responses } = await run(
      fetcherAnswering({ status: 206, headers: { 'content-range': 'bytes 900-999/1000', 'content-length': '100' }, chunks: [bytesOfLength(100)] }),
      { byteRange: { startByte: 900, endByte: 1000 } },
    );
    assert.deepEqual(responses, [{ status: 206, resourceSizeBytes: 1000 }]);
    assertCode(outcome, 'http-length-mismatch');
  });

  it('a 206 for other bytes than asked fails before any byte is delivered', async () => {
    const { outcome, deliveredBytes } = await run(
      fetcherAnswering({ status: 206, headers: { 'content-range': 'bytes 0-99/1000' }, chunks: [bytesOfLength(100)] }),
      { byteRange: { startByte: 100, endByte: 199 } },
    );
    assertCode(outcome, 'http-length-mismatch');
    assert.equal(deliveredBytes.byteLength, 0);
  });

  it('a 416 reports the resource size from its Content-Range, then fails with its status', async () => {
    const { outcome, responses } = await run(fetcherAnswering({ status: 416, headers: { 'content-range': 'bytes */1000' }, chunks: [] }), {
      byteRange: { startByte: 1000, endByte: 1063 },
    });
    assert.deepEqual(responses, [{ status: 416, resourceSizeBytes: 1000 }]);
    assertCode(outcome, 'http-status');
  });

  it('an error page says nothing of the resource size', async () => {
    const { responses } = await run(fetcherAnswering({ status: 404, headers: { 'content-length': '9' }, chunks: [bytesOfLength(9)] }));
    assert.deepEqual(responses, [{ status: 404, resourceSizeBytes: undefined }]);
  });

  it('a 200 to a Range request hands on only the asked bytes, at their length', async () => {
    const resource = bytesOfLength(1000);
    const chunks = [resource.subarray(0, 150), resource.subarray(150, 420), resource.subarray(420)];
    const { outcome, deliveredBytes, responses } = await run(fetcherAnswering({ status: 200, headers: { 'content-length': '1000' }, chunks }), {
      byteRange: { startByte: 100, endByte: 399 },
    });
    assert.equal(outcome.ok, true);
    assert.deepEqual(deliveredBytes, Buffer.from(resource.subarray(100, 400)));
    assert.deepEqual(outcome.ok && Buffer.from(outcome.bytes), Buffer.from(resource.subarray(100, 400)));
    assert.deepEqual(responses, [{ status: 200, resourceSizeBytes: 1000 }]);
  });

  it('a 200 to a Range request for bytes past the resource end fails', async () => {
    const { outcome } = await run(fetcherAnswering({ status: 200, headers: {}, chunks: [bytesOfLength(300)] }), {
      byteRange: { startByte: 200, endByte: 399 },
    });
    assertCode(outcome, 'http-length-mismatch');
  });

  it('a compressed body is not checked against Content-Length (it counts the encoded bytes)', async () => {
    const { outcome } = await run(
      fetcherAnswering({ status: 200, headers: { 'content-length': '400', 'content-encoding': 'gzip' }, chunks: [bytesOfLength(1000)] }),
    );
    assert.equal(outcome.ok, true);
  });

  it('a body without Content-Length is taken as it comes (nothing declared to check)', async () => {
    const { outcome, responses } = await run(fetcherAnswering({ status: 200, headers: {}, chunks: [bytesOfLength(700)] }));
    assert.equal(outcome.ok && outcome.bytes.byteLength, 700);
    assert.deepEqual(responses, [{ status: 200, resourceSizeBytes: undefined }]);
  });
});

describe('HttpFetcher over Node fetch and a real HTTP server that lies about Content-Length', () => {
  async function withServer(handler: Parameters<typeof createServer>[1], body: (url: string) => Promise<void>): Promise<void> {
    const server: Server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}/seg.ts`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('a body cut short of its Content-Length fails with a ShoalError, never a short segment', async () => {
    await withServer(
      (_request, response) => {
        response.writeHead(200, { 'Content-Length': '1000', 'Content-Type': 'video/mp2t' });
        response.write(Buffer.from(bytesOfLength(500)));
        // The connection ends with 500 of the 1,000 declared bytes sent.
        setTimeout(() => response.socket?.destroy(), 20);
      },
      async (url) => {
        const fetcher = new HttpFetcher({ clock: new VirtualClock() });
        const outcome = await fetcher.fetch({ url, timeoutMs: 10_000 }).then(
          () => ({ ok: true }),
          (error: unknown) => ({ ok: false, error }),
        );
        assert.equal(outcome.ok, false);
        assert.ok(isShoalError((outcome as { error: unknown }).error));
      },
    );
  });

  it('a body longer than its Content-Length yields the declared bytes and no more', async () => {
    await withServer(
      (_request, response) => {
        response.writeHead(200, { 'Content-Length': '500', 'Content-Type': 'video/mp2t', Connection: 'close' });
        // node:http refuses to write past Content-Length; the raw socket does not.
        response.socket?.write(Buffer.from(bytesOfLength(1000)));
        response.socket?.end();
      },
      async (url) => {
        const fetcher = new HttpFetcher({ clock: new VirtualClock() });
        const outcome = await fetcher.fetch({ url, timeoutMs: 10_000 }).then(
          (result) => ({ ok: true as const, bytes: result.bytes }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        if (outcome.ok) assert.deepEqual(Buffer.from(outcome.bytes), Buffer.from(bytesOfLength(1000).subarray(0, 500)));
        else assert.ok(isShoalError(outcome.error), 'or a ShoalError');
      },
    );
  });
});
