/**
 * `HttpDownload` with ranges (the bytes a peer download left missing): one request per range, all sent
 * at once rather than one after another, each chunk reported at its offset within the segment, and the
 * first range to fail aborts the others.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { HttpDownload, type HttpChunk } from '../../src/download/http-download';
import { ShoalError } from '../../src/errors';
import type { HttpFetcher, HttpFetchRequest, HttpFetchResult } from '../../src/http/http-fetcher';
import { HttpEstimator } from '../../src/scheduler/bandwidth-estimator';

/** A fetcher whose requests the test answers by hand; it records each one as it is sent. */
class ManualFetcher {
  readonly sent: Array<{ request: HttpFetchRequest; answer: (bytes: Uint8Array) => void; fail: (error: ShoalError) => void }> = [];

  fetch(request: HttpFetchRequest): Promise<HttpFetchResult> {
    return new Promise((resolve, reject) => {
      request.signal?.addEventListener('abort', () => reject(new ShoalError('aborted', 'aborted', { source: 'http' })));
      this.sent.push({
        request,
        answer: (bytes) => {
          request.onProgress?.(bytes.byteLength, bytes.byteLength, bytes);
          resolve({ bytes, sizeBytes: bytes.byteLength, firstByteAtMs: 0 });
        },
        fail: reject,
      });
    });
  }
}

function download(fetcher: ManualFetcher, chunks: HttpChunk[], segment = { url: 'https://origin.example/s.ts' }): HttpDownload {
  return new HttpDownload({
    segment,
    ranges: [
      { startByte: 0, endByte: 9 },
      { startByte: 100, endByte: 119 },
      { startByte: 500, endByte: 503 },
    ],
    fetcher: fetcher as unknown as HttpFetcher,
    clock: new VirtualClock(),
    timeoutMs: 10_000,
    estimator: new HttpEstimator(),
    onChunk: (chunk) => chunks.push(chunk),
  });
}

describe('HttpDownload: the missing ranges side by side', () => {
  it('sends every range before any answers, and places each at its offset', async () => {
    const fetcher = new ManualFetcher();
    const chunks: HttpChunk[] = [];
    const running = download(fetcher, chunks).run();
    await Promise.resolve();
    assert.deepEqual(
      fetcher.sent.map(({ request }) => request.byteRange),
      [
        { startByte: 0, endByte: 9 },
        { startByte: 100, endByte: 119 },
        { startByte: 500, endByte: 503 },
      ],
      'all three requests are out at once',
    );
    // Answered out of order: each chunk still lands where its range starts.
    fetcher.sent[2]!.answer(new Uint8Array(4).fill(3));
    fetcher.sent[0]!.answer(new Uint8Array(10).fill(1));
    fetcher.sent[1]!.answer(new Uint8Array(20).fill(2));
    assert.equal(await running, undefined, 'ranges resolve with no whole body');
    assert.deepEqual(
      chunks.map(({ offsetBytes, bytes }) => [offsetBytes, bytes.byteLength, bytes[0]]),
      [
        [500, 4, 3],
        [0, 10, 1],
        [100, 20, 2],
      ],
    );
  });

  it('a segment that is a byte range of a file: each range shifted by its first byte', async () => {
    const fetcher = new ManualFetcher();
    const running = download(fetcher, [], { url: 'https://origin.example/all.ts', byteRange: { startByte: 1_000, endByte: 1_999 } } as never).run();
    await Promise.resolve();
    assert.deepEqual(
      fetcher.sent.map(({ request }) => request.byteRange),
      [
        { startByte: 1_000, endByte: 1_009 },
        { startByte: 1_100, endByte: 1_119 },
        { startByte: 1_500, endByte: 1_503 },
      ],
    );
    for (const { answer, request } of fetcher.sent) answer(new Uint8Array(request.byteRange!.endByte - request.byteRange!.startByte + 1));
    await running;
  });

  it('the first range to fail fails the download and aborts the others', async () => {
    const fetcher = new ManualFetcher();
    const running = download(fetcher, []).run();
    await Promise.resolve();
    fetcher.sent[1]!.fail(new ShoalError('http-status', 'HTTP 503', { source: 'http' }));
    await assert.rejects(running, (error: unknown) => error instanceof ShoalError && error.code === 'http-status');
    assert.ok(fetcher.sent[0]!.request.signal?.aborted, 'the first range is aborted');
    assert.ok(fetcher.sent[2]!.request.signal?.aborted, 'the third range is aborted');
  });
});
