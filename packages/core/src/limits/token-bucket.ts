/**
 * A token bucket on the injected clock: `rateBytesPerSec` tokens a second, holding at most one second's
 * worth (and at least one wire block, so any block can pass). The uploader asks it how long to wait
 * before sending a block; `Infinity` rate means no limit.
 */
import type { Clock } from '../clock/clock';
import { BLOCK_BYTES } from '../wire/messages';

export class TokenBucket {
  private readonly clock: Clock;
  private readonly rateBytesPerSec: number;
  private readonly capacityBytes: number;
  private tokens: number;
  private lastMs: number;

  constructor(clock: Clock, rateBytesPerSec: number) {
    this.clock = clock;
    this.rateBytesPerSec = rateBytesPerSec;
    this.capacityBytes = Math.max(BLOCK_BYTES, rateBytesPerSec);
    this.tokens = this.capacityBytes;
    this.lastMs = clock.now();
  }

  get unlimited(): boolean {
    return !Number.isFinite(this.rateBytesPerSec);
  }

  /** Milliseconds until `sizeBytes` tokens are there (0: now). */
  waitMsFor(sizeBytes: number): number {
    if (this.unlimited) return 0;
    this.refill();
    const missing = Math.min(sizeBytes, this.capacityBytes) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.rateBytesPerSec) * 1000);
  }

  /** Spend `sizeBytes` (the balance may go below zero: the next sender then waits longer). */
  take(sizeBytes: number): void {
    if (this.unlimited) return;
    this.refill();
    this.tokens -= sizeBytes;
  }

  private refill(): void {
    const nowMs = this.clock.now();
    this.tokens = Math.min(this.capacityBytes, this.tokens + ((nowMs - this.lastMs) / 1000) * this.rateBytesPerSec);
    this.lastMs = nowMs;
  }
}
