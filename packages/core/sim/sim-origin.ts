/**
 * The simulator's HTTP origin: a `fetch` that answers on the virtual clock after a first-byte delay and
 * streams the body in chunks at a set bandwidth (so downloads progress and can be relayed). Counts
 * requests and bytes per URL. Deterministic bytes per URL.
 */
import type { Clock } from '../src/clock/clock';
import type { FetchLike } from '../src/http/http-fetcher';

export interface SimOriginOptions {
  clock: Clock;
  ttfbMs: number;
  bandwidthBytesPerSec: number;
  sizeOf(url: string): number;
  /** Refuse a URL not yet available (a live segment not produced yet): 404. */
  isAvailable?(url: string): boolean;
  /**
   * Where each URL's bytes come from: pass one `OriginContent` to every viewer's origin of a run so the
   * bytes of a URL are made (and held) once, not once per request. Default: this origin's own.
   */
  content?: OriginContent;
}

const CHUNK_BYTES = 16 * 1024;
/** URLs whose bytes `OriginContent` keeps: a live window of a few renditions, and VOD viewers close together. */
const CONTENT_CACHE_URLS = 64;

/**
 * The deterministic bytes of each URL (a function of the URL and its size), made once and kept for the
 * `CONTENT_CACHE_URLS` most recently asked. Handed out read-only: fetchers copy what they keep.
 */
export class OriginContent {
  private readonly cache = new Map<string, Uint8Array>();

  bytesOf(url: string, sizeBytes: number): Uint8Array {
    const cached = this.cache.get(url);
    if (cached && cached.byteLength === sizeBytes) {
      // Most recently used last: the first entry is the one to drop.
      this.cache.delete(url);
      this.cache.set(url, cached);
      return cached;
    }
    const bytes = makeBytes(url, sizeBytes);
    this.cache.delete(url);
    this.cache.set(url, bytes);
    if (this.cache.size > CONTENT_CACHE_URLS) this.cache.delete(this.cache.keys().next().value!);
    return bytes;
  }
}

function makeBytes(url: string, sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  let seed = 0;
  for (let i = 0; i < url.length; i++) seed = (Math.imul(seed, 31) + url.charCodeAt(i)) >>> 0;
  for (let i = 0; i < sizeBytes; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bytes[i] = seed >>> 24;
  }
  return bytes;
}

export class SimOrigin {
  readonly requests = new Map<string, number>();
  /** Clock ms of every request per URL. */
  readonly requestTimes = new Map<string, number[]>();
  servedBytes = 0;
  private readonly options: SimOriginOptions;
  private readonly content: OriginContent;

  constructor(options: SimOriginOptions) {
    this.options = options;
    this.content = options.content ?? new OriginContent();
  }

  /** The URL's bytes: shared, not to be written to (`slice()` them to keep a copy). */
  bytesOf(url: string): Uint8Array {
    return this.content.bytesOf(url, this.options.sizeOf(url));
  }

  readonly fetch: FetchLike = (url, init) => {
    const { clock, ttfbMs, bandwidthBytesPerSec } = this.options;
    this.requests.set(url, (this.requests.get(url) ?? 0) + 1);
    const times = this.requestTimes.get(url);
    if (times) times.push(clock.now());
    else this.requestTimes.set(url, [clock.now()]);
    const available = this.options.isAvailable?.(url) ?? true;
    const whole = available ? this.bytesOf(url) : new Uint8Array(0);
    // Ranges as a real server answers them: a 206 cut at the resource's end with its `Content-Range`, a 416
    // (with the resource's size) for a range that starts past the end.
    const range = /^bytes=(\d+)-(\d+)$/.exec(init.headers['Range'] ?? '');
    const startByte = range ? Number(range[1]) : 0;
    const unsatisfiable = available && range !== null && startByte >= whole.byteLength;
    const body = range ? whole.subarray(startByte, Number(range[2]) + 1) : whole;
    const status = !available ? 404 : unsatisfiable ? 416 : range ? 206 : 200;
    const responseHeaders: Record<string, string> = { 'content-length': String(unsatisfiable ? 0 : body.byteLength) };
    if (status === 206) responseHeaders['content-range'] = `bytes ${startByte}-${startByte + body.byteLength - 1}/${whole.byteLength}`;
    if (status === 416) responseHeaders['content-range'] = `bytes */${whole.byteLength}`;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new Error('aborted'));
      init.signal.addEventListener('abort', onAbort, { once: true });
      clock.setTimeout(() => {
        if (init.signal.aborted) return;
        let offset = 0;
        const reader = {
          read: () =>
            new Promise<{ done: boolean; value?: Uint8Array }>((resolveRead, rejectRead) => {
              if (init.signal.aborted) return rejectRead(new Error('aborted'));
              if (offset >= body.byteLength) return resolveRead({ done: true });
              const chunk = body.subarray(offset, Math.min(offset + CHUNK_BYTES, body.byteLength));
              offset += chunk.byteLength;
              clock.setTimeout(() => {
                if (init.signal.aborted) return rejectRead(new Error('aborted'));
                this.servedBytes += chunk.byteLength;
                resolveRead({ done: false, value: chunk });
              }, (chunk.byteLength / bandwidthBytesPerSec) * 1000);
            }),
          cancel: async () => {},
        };
        resolve({
          ok: status === 200 || status === 206,
          status,
          headers: { get: (name: string) => responseHeaders[name.toLowerCase()] ?? null },
          body: { getReader: () => reader },
          arrayBuffer: async () => body.slice().buffer,
        });
      }, ttfbMs);
    });
  };
}
