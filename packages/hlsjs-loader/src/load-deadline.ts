/**
 * hls.js's two load limits (`loadPolicy.maxTimeToFirstByteMs`, `maxLoadTimeMs`) for a load through the
 * engine. The engine hands a segment over whole and tells no per-request first byte, so "no first byte"
 * reads as "not one byte reached the engine since the load began" (its byte counters stood still): a
 * dead link times out as early as with hls.js's own loaders, and a slow but moving transfer gets the
 * full `maxLoadTimeMs`, as hls.js's loaders give it once headers arrive.
 */
import type { LoaderConfig } from 'hls.js';

export type LoadLimits = Pick<LoaderConfig, 'maxTimeToFirstByteMs' | 'maxLoadTimeMs'>;

/** The first limit to arm, as hls.js's XhrLoader and FetchLoader do: the first-byte one when set. */
export function firstByteLimitMs(limits: LoadLimits): number {
  const { maxTimeToFirstByteMs, maxLoadTimeMs } = limits;
  return maxTimeToFirstByteMs && Number.isFinite(maxTimeToFirstByteMs)
    ? Math.min(maxTimeToFirstByteMs, maxLoadTimeMs)
    : maxLoadTimeMs;
}

export interface LoadDeadlineOptions {
  limits: LoadLimits;
  /** Whether any byte may have arrived for this load since it started. */
  hasProgressed: () => boolean;
  /** Called once, with the limit (ms) that ran out. */
  onTimeout: (limitMs: number) => void;
}

/** Arms on construction; `clear()` disarms and may be called any number of times. */
export class LoadDeadline {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LoadDeadlineOptions) {
    const firstByteMs = firstByteLimitMs(options.limits);
    this.arm(firstByteMs, () => {
      const { maxLoadTimeMs } = options.limits;
      if (firstByteMs < maxLoadTimeMs && options.hasProgressed()) {
        this.arm(maxLoadTimeMs - firstByteMs, () => options.onTimeout(maxLoadTimeMs));
      } else {
        options.onTimeout(firstByteMs);
      }
    });
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number, fire: () => void): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fire();
    }, Math.max(0, delayMs));
  }
}
