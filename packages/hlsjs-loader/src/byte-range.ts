/**
 * hls.js and the engine count byte ranges differently: hls.js with an exclusive end (`rangeStart` /
 * `rangeEnd` of a loader context, `Fragment.byteRange`), the engine with an inclusive one, as in an HTTP
 * `Range: bytes=start-end` header. This is the one place that converts.
 */
import type { ByteRange } from '@shoal/core';

/**
 * The engine's inclusive range for hls.js's `[startByte, endByteExclusive)`, or undefined when hls.js
 * asks for the whole resource: an end of 0 or absent (hls.js's loaders send no `Range` header then), or
 * an empty range.
 */
export function inclusiveByteRange(
  startByte: number | undefined,
  endByteExclusive: number | undefined,
): ByteRange | undefined {
  if (!endByteExclusive) return undefined;
  const start = startByte ?? 0;
  if (!(endByteExclusive > start)) return undefined;
  return { startByte: start, endByte: endByteExclusive - 1 };
}
