/** Fetches segment bytes from the HTTP origin: byte ranges, a timeout on the injected clock, abort. */
import type { Clock } from '../clock/clock';
import { ShoalError } from '../errors';
import { byteRangeLength, rangeHeader } from '../segment-key';
import type { ByteRange } from '../types';

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
  /** Called as bytes arrive (`loadedBytes` so far, `totalBytes` when known). */
  onProgress?: (loadedBytes: number, totalBytes: number | undefined, chunk: Uint8Array) => void;
}

export interface HttpFetchResult {
  bytes: Uint8Array;
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
      if (!response.ok) {
        throw new ShoalError('http-status', `HTTP ${response.status} for ${request.url}`, {
          source: 'http',
          fatal: true,
          status: response.status,
        });
      }
      const bytes = await readBody(response, request);
      if (request.byteRange && response.status === 206 && bytes.byteLength !== byteRangeLength(request.byteRange)) {
        throw new ShoalError('http-network', `Range response of ${bytes.byteLength} bytes, expected ${byteRangeLength(request.byteRange)}`, {
          source: 'http',
          fatal: true,
        });
      }
      // A server that ignores Range answers 200 with the whole resource: cut out what was asked.
      const result = request.byteRange && response.status === 200
        ? bytes.subarray(request.byteRange.startByte, request.byteRange.endByte + 1)
        : bytes;
      return { bytes: result, firstByteAtMs };
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

async function readBody(response: Awaited<ReturnType<FetchLike>>, request: HttpFetchRequest): Promise<Uint8Array> {
  const lengthHeader = response.headers.get('content-length');
  const totalBytes = lengthHeader === null ? undefined : Number(lengthHeader);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    request.onProgress?.(bytes.byteLength, totalBytes, bytes);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value) continue;
    chunks.push(value);
    loaded += value.byteLength;
    request.onProgress?.(loaded, totalBytes, value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
