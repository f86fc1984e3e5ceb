/**
 * What an origin response says of its own length and of the resource's size, read from its headers: the
 * one place that parses `Content-Length` and `Content-Range`. An origin body is only ever trusted for the
 * length its headers declare (a body cut short or padded is an error, never a segment); the resource's
 * total size is what makes a segment's size authoritative (see `sizes/origin-sizes.ts`).
 */
import { byteRangeLength } from '../segment-key';
import type { ByteRange } from '../types';

/** The headers a response exposes (cross-origin, browsers expose `Content-Range` only when allowed). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface ResponseLength {
  /**
   * Bytes the body must have, when the headers say: the `Content-Range` span of a 206, else its
   * `Content-Length`. Undefined when unknown (chunked, no headers) or not checkable (a compressed body:
   * `Content-Length` then counts the encoded bytes, not the ones fetch yields).
   */
  declaredBytes: number | undefined;
  /** The whole resource's size: a 200's declared length, a 206's or 416's `Content-Range` total. */
  resourceSizeBytes: number | undefined;
  /** The inclusive range a 206 says it carries (`Content-Range: bytes a-b/…`), when it says. */
  contentRange: ByteRange | undefined;
}

/** `Content-Range: bytes a-b/total` (the total may be a star), or a star for `a-b` then the total (a 416). */
const CONTENT_RANGE = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i;

/** The lengths a response's status and headers declare. */
export function responseLength(status: number, headers: ResponseHeaders): ResponseLength {
  const encoding = headers.get('content-encoding')?.trim().toLowerCase();
  const encoded = encoding !== undefined && encoding !== '' && encoding !== 'identity';
  const contentLength = encoded ? undefined : parseLength(headers.get('content-length'));
  const range = CONTENT_RANGE.exec(headers.get('content-range')?.trim() ?? '');
  const totalBytes = range && range[3] !== '*' ? Number(range[3]) : undefined;
  const contentRange = range && range[1] !== undefined ? { startByte: Number(range[1]), endByte: Number(range[2]) } : undefined;
  if (status === 206) {
    const spanBytes = contentRange ? byteRangeLength(contentRange) : undefined;
    return { declaredBytes: spanBytes ?? contentLength, resourceSizeBytes: totalBytes, contentRange };
  }
  if (status === 416) return { declaredBytes: undefined, resourceSizeBytes: totalBytes, contentRange: undefined };
  if (status === 200) return { declaredBytes: contentLength, resourceSizeBytes: contentLength, contentRange: undefined };
  // Another status (an error page): its body says nothing of the resource.
  return { declaredBytes: undefined, resourceSizeBytes: undefined, contentRange: undefined };
}

function parseLength(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : undefined;
}
