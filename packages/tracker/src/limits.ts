/** Per-connection message rate (a token bucket) and per-IP connection counting: pure bookkeeping, no I/O. */

/** A token bucket: `capacity` tokens, refilled at `perSec`; `take()` spends one if there is one. */
export class TokenBucket {
  #tokens: number;
  #lastMs: number;
  constructor(
    private readonly capacity: number,
    private readonly perSec: number,
    private readonly now: () => number,
  ) {
    this.#tokens = capacity;
    this.#lastMs = now();
  }

  take(): boolean {
    const nowMs = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((nowMs - this.#lastMs) / 1000) * this.perSec);
    this.#lastMs = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Open connections per IP address, with a cap. */
export class ConnectionsPerIp {
  readonly #counts = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Counts one more connection from `ip`, or returns false (and counts nothing) when `ip` is at the cap. */
  tryAdd(ip: string): boolean {
    const count = this.#counts.get(ip) ?? 0;
    if (count >= this.max) return false;
    this.#counts.set(ip, count + 1);
    return true;
  }

  remove(ip: string): void {
    const count = this.#counts.get(ip) ?? 0;
    if (count <= 1) this.#counts.delete(ip);
    else this.#counts.set(ip, count - 1);
  }

  /** Distinct addresses with an open connection. */
  get addressCount(): number {
    return this.#counts.size;
  }
}

/** The client address of an upgrade: the socket's, or with `trustProxy` the last `X-Forwarded-For` entry (the one our proxy appended). */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  if (trustProxy && header) {
    const last = header.split(',').map((part) => part.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  return (remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}
