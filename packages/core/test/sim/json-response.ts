/** A `FetchLike` response carrying a JSON document whole: an integrity manifest served in a test. */
import type { FetchLike } from '../../src/http/http-fetcher';

export function jsonResponse(document: unknown): ReturnType<FetchLike> {
  const body = new TextEncoder().encode(JSON.stringify(document));
  return Promise.resolve({
    ok: true,
    status: 200,
    body: null,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-length' ? String(body.byteLength) : null) },
    arrayBuffer: async () => body.slice().buffer,
  });
}
