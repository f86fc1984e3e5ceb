/**
 * The HTTP download of one segment: the whole of it, or only given ranges of it (the bytes peers could not
 * deliver), one request per range. It owns the Range arithmetic — a segment may itself be a byte range of
 * the origin's file, so ranges within the segment are shifted by the segment's first byte — reports every
 * chunk at its offset within the segment, gives the HTTP estimator one sample per request, and can be
 * aborted. The timeout is the fetcher's (`HttpFetcher`, on the injected clock).
 */
import type { Clock } from '../clock/clock';
import { ShoalError } from '../errors';
import type { HttpFetcher } from '../http/http-fetcher';
import type { HttpEstimator } from '../scheduler/bandwidth-estimator';
import { byteRangeLength } from '../segment-key';
import type { ByteRange, Segment } from '../types';

/** Bytes of a response as they arrive. */
export interface HttpChunk {
  /** Where `bytes` start within the segment. */
  offsetBytes: number;
  bytes: Uint8Array;
}

/** The segment's size as an origin response stated it, before its body. */
export interface HttpSegmentSize {
  sizeBytes: number;
  /** `content-length`: a 200 for the whole segment; `content-range`: the total of a 206 or 416. */
  source: 'content-length' | 'content-range';
}

export interface HttpDownloadOptions {
  segment: Pick<Segment, 'url' | 'byteRange'>;
  /** Only these bytes (inclusive, within the segment), in order; the whole segment when absent. */
  ranges?: ByteRange[];
  fetcher: HttpFetcher;
  clock: Clock;
  /** A request not complete within this time fails with `http-timeout`. */
  timeoutMs: number;
  estimator: HttpEstimator;
  /**
   * A response's headers said the segment's size (only for a segment that is a whole resource: one that
   * is a byte range of a file has its size from the playlist). Called before that response's chunks.
   */
  onSegmentSize?(size: HttpSegmentSize): void;
  onChunk(chunk: HttpChunk): void;
  /**
   * Asked once the whole segment's response is in: whether `run()` should resolve with its body. Answer
   * false when every chunk went somewhere already (`onChunk`), and the body is not joined into a second
   * copy. Default: true.
   */
  wantsWholeBody?(): boolean;
}

/** The segment's size when the manifest says it (the segment is a byte range of a file); else undefined. */
export function segmentSizeFromByteRange(segment: Pick<Segment, 'byteRange'>): number | undefined {
  return segment.byteRange ? byteRangeLength(segment.byteRange) : undefined;
}

/** The bytes of the origin's resource (inclusive) that hold `range` (inclusive, within the segment). */
export function resourceRangeOf(segment: Pick<Segment, 'byteRange'>, range: ByteRange): ByteRange {
  const segmentStartByte = segment.byteRange?.startByte ?? 0;
  return { startByte: segmentStartByte + range.startByte, endByte: segmentStartByte + range.endByte };
}

export class HttpDownload {
  private readonly options: HttpDownloadOptions;
  private readonly abortController = new AbortController();

  constructor(options: HttpDownloadOptions) {
    this.options = options;
  }

  /**
   * Runs the requests one after another. Resolves with the response body when the whole segment was
   * fetched and `wantsWholeBody` allows (undefined for ranges); rejects with a `ShoalError` (`aborted`
   * after `abort()`).
   */
  async run(): Promise<Uint8Array | undefined> {
    const { segment, ranges, fetcher, clock, timeoutMs, estimator, onChunk, onSegmentSize } = this.options;
    let wholeBody: Uint8Array | undefined;
    try {
      for (const range of ranges ?? [undefined]) {
        const startedAtMs = clock.now();
        let offsetBytes = range?.startByte ?? 0;
        const byteRange = range ? resourceRangeOf(segment, range) : segment.byteRange;
        const result = await fetcher.fetch({
          url: segment.url,
          ...(byteRange ? { byteRange } : {}),
          signal: this.abortController.signal,
          timeoutMs,
          onResponse: ({ status, resourceSizeBytes }) => {
            if (segment.byteRange || resourceSizeBytes === undefined || !onSegmentSize) return;
            onSegmentSize({ sizeBytes: resourceSizeBytes, source: status === 200 ? 'content-length' : 'content-range' });
          },
          onProgress: (_loadedBytes, _totalBytes, chunk) => {
            onChunk({ offsetBytes, bytes: chunk });
            offsetBytes += chunk.byteLength;
          },
        });
        estimator.addSample({
          bytes: result.sizeBytes,
          durationMs: clock.now() - startedAtMs,
          ttfbMs: result.firstByteAtMs - startedAtMs,
        });
        if (!range && (this.options.wantsWholeBody?.() ?? true)) wholeBody = result.bytes;
      }
    } catch (error) {
      throw error instanceof ShoalError ? error : new ShoalError('http-network', String(error), { source: 'http', fatal: true, cause: error });
    }
    return wholeBody;
  }

  /** Stop the request in flight; `run()` rejects with `aborted`. Idempotent. */
  abort(): void {
    this.abortController.abort();
  }
}
