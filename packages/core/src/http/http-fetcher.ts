/**
 * Fetches segment bytes from the HTTP origin: byte ranges, a timeout on the injected clock, abort. A body
 * is only ever delivered at the length its headers declare: a body longer than its `Content-Length` (or
 * `Content-Range` span) fails at the first byte too many, one cut short fails at its end — both
 * `http-length-mismatch`, like a network error — so a lenient fetch that pads or truncates (the
 * p2p-media-loader #522/#532 poisoning) never yields a segment to store or relay.
 */
import type { Clock } from '../clock/clock';
import { ShoalError } from '../errors';
import { byteRangeLength, rangeHeader } from '../segment-key';
import type { ByteRange } from '../types';
import { responseLength, type ResponseLength } from './response-length';

export type FetchLike = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  body: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } } | null;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface HttpFetchRequest {
  url: string;
  /** Fetch only these bytes (inclusive) of the resource. */
  byteRange?: ByteRange;
  signal?: AbortSignal;
  timeoutMs: number;
  /**
   * Called once the response headers are in (before any byte, and before a 416 fails): the whole
   * resource's size when they say it (a 200's `Content-Length`, a 206's or 416's `Content-Range` total).
   */
  onResponse?: (response: { status: number; resourceSizeBytes: number | undefined }) => void;
  /** Called as bytes arrive (`loadedBytes` so far, `totalBytes` when known). */
  onProgress?: (loadedBytes: number, totalBytes: number | undefined, chunk: Uint8Array) => void;
}

export interface HttpFetchResult {
  /**
   * The body (the asked bytes only). Assembled from its chunks when first read: a caller that took every
   * chunk through `onProgress` and never reads it costs no second copy of the body.
   */
  readonly bytes: Uint8Array;
  /** Length of `bytes`, known without assembling them. */
  sizeBytes: number;
  /** Clock time when the response headers arrived. */
  firstByteAtMs: number;
}

export class HttpFetcher {
  private readonly clock: Clock;
  private readonly fetchImpl: FetchLike;

  constructor(options: { clock: Clock; fetch?: FetchLike }) {
    this.clock = options.clock;
    // Browsers require `fetch` to be called on the global object ("Illegal invocation" otherwise).
    const global = globalThis as { fetch?: FetchLike };
    const fallback = global.fetch ? global.fetch.bind(globalThis) : undefined;
    const impl = options.fetch ?? fallback;
    if (!impl) throw new ShoalError('config-invalid', 'No fetch implementation available', { source: 'config', fatal: true });
    this.fetchImpl = impl;
  }

  async fetch(request: HttpFetchRequest): Promise<HttpFetchResult> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    const onAbort = (): void => controller.abort();
    if (request.signal?.aborted) controller.abort();
    request.signal?.addEventListener('abort', onAbort);
    try {
      const headers: Record<string, string> = {};
      if (request.byteRange) headers['Range'] = rangeHeader(request.byteRange);
      const response = await this.fetchImpl(request.url, { headers, signal: controller.signal });
      const firstByteAtMs = this.clock.now();
      const length = responseLength(response.status, response.headers);
      request.onResponse?.({ status: response.status, resourceSizeBytes: length.resourceSizeBytes });
      if (!response.ok) {
        throw new ShoalError('http-status', `HTTP ${response.status} for ${request.url}`, {
          source: 'http',
          fatal: true,
          status: response.status,
        });
      }
      const asked = request.byteRange;
      if (asked && response.status === 206 && length.contentRange && length.contentRange.startByte !== asked.startByte) {
        throw lengthMismatch(`Range response starts at byte ${length.contentRange.startByte}, asked ${rangeHeader(asked)}: ${request.url}`);
      }
      // A server that ignores Range answers 200 with the whole resource: only the asked bytes are handed on.
      const window = asked && response.status === 200 ? asked : undefined;
      const body = await readBody(response, request, length, window);
      const bodyBytes = body.sizeBytes;
      if (length.declaredBytes !== undefined && bodyBytes !== length.declaredBytes) {
        throw lengthMismatch(`Body of ${bodyBytes} bytes, declared ${length.declaredBytes}: ${request.url}`);
      }
      if (asked && response.status === 206 && bodyBytes !== byteRangeLength(asked)) {
        throw lengthMismatch(`Range response of ${bodyBytes} bytes, expected ${byteRangeLength(asked)}: ${request.url}`);
      }
      const sizeBytes = window ? Math.max(0, Math.min(bodyBytes, window.endByte + 1) - window.startByte) : bodyBytes;
      if (asked && sizeBytes !== byteRangeLength(asked)) {
        throw lengthMismatch(`Resource of ${bodyBytes} bytes ends before the range ${rangeHeader(asked)}: ${request.url}`);
      }
      let bytes: Uint8Array | undefined;
      return {
        get bytes(): Uint8Array {
          bytes ??= window ? body.assemble().subarray(window.startByte, window.endByte + 1) : body.assemble();
          return bytes;
        },
        sizeBytes,
        firstByteAtMs,
      };
    } catch (error) {
      if (error instanceof ShoalError) throw error;
      if (timedOut) {
        throw new ShoalError('http-timeout', `No complete response within ${request.timeoutMs} ms: ${request.url}`, { source: 'http', fatal: true });
      }
      if (request.signal?.aborted) throw new ShoalError('aborted', 'Aborted', { source: 'http', cause: error });
      throw new ShoalError('http-network', `Network error for ${request.url}: ${(error as Error)?.message ?? error}`, {
        source: 'http',
        fatal: true,
        cause: error,
      });
    } finally {
      this.clock.clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }
}

function lengthMismatch(message: string): ShoalError {
  return new ShoalError('http-length-mismatch', message, { source: 'http', fatal: true });
}

/**
 * The body, chunk by chunk to `onProgress` (only the bytes of `window`, inclusive, when given: a 200 to a
 * Range request). A chunk that would take the body past its declared length fails the read before it is
 * handed on: the bytes beyond never reach a segment. The chunks are kept, and joined only if `assemble` is
 * called.
 */
async function readBody(
  response: Awaited<ReturnType<FetchLike>>,
  request: HttpFetchRequest,
  length: ResponseLength,
  window: ByteRange | undefined,
): Promise<{ sizeBytes: number; assemble(): Uint8Array }> {
  const { declaredBytes } = length;
  const tooLong = (loadedBytes: number): ShoalError =>
    lengthMismatch(`Body longer than the declared ${declaredBytes} bytes (${loadedBytes} so far): ${request.url}`);
  let deliveredBytes = 0;
  const deliver = (startByte: number, chunk: Uint8Array): void => {
    if (!request.onProgress) return;
    const from = window ? Math.max(0, window.startByte - startByte) : 0;
    const to = window ? Math.min(chunk.byteLength, window.endByte + 1 - startByte) : chunk.byteLength;
    if (to <= from) return;
    const part = from === 0 && to === chunk.byteLength ? chunk : chunk.subarray(from, to);
    deliveredBytes += part.byteLength;
    request.onProgress(deliveredBytes, window ? byteRangeLength(window) : declaredBytes, part);
  };
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (declaredBytes !== undefined && bytes.byteLength > declaredBytes) throw tooLong(bytes.byteLength);
    deliver(0, bytes);
    return { sizeBytes: bytes.byteLength, assemble: () => bytes };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value) continue;
    if (declaredBytes !== undefined && loaded + value.byteLength > declaredBytes) {
      void reader.cancel().catch(() => {});
      throw tooLong(loaded + value.byteLength);
    }
    chunks.push(value);
    deliver(loaded, value);
    loaded += value.byteLength;
  }
  return { sizeBytes: loaded, assemble: () => concatenate(chunks, loaded) };
}

function concatenate(chunks: readonly Uint8Array[], totalBytes: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
