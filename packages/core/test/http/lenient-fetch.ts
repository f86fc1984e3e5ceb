/**
 * A lenient `fetch` for tests: it yields whatever body it is given under whatever headers it is given,
 * without checking one against the other — as a fetch implementation that does not enforce
 * `Content-Length` (the p2p-media-loader #522/#532 poisoning: a short body became a zero-filled segment).
 */
import type { FetchLike } from '../../src/http/http-fetcher';

export interface LenientResponse {
  status: number;
  headers: Record<string, string>;
  /** The body, in these chunks. */
  chunks: Uint8Array[];
}

export function lenientFetch(answer: (url: string, headers: Record<string, string>) => LenientResponse): FetchLike {
  return async (url, init) => {
    const { status, headers, chunks } = answer(url, init.headers);
    let next = 0;
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
      body: {
        getReader: () => ({
          read: async () => (next < chunks.length ? { done: false, value: chunks[next++]! } : { done: true }),
          cancel: async () => {},
        }),
      },
      arrayBuffer: async () => Buffer.concat(chunks).buffer,
    };
  };
}

/** `length` deterministic bytes. */
export function bytesOfLength(length: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}
