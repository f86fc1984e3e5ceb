/**
 * A scripted origin outage, for fault tests: for `durationMs` from the call, the origin answers media
 * requests (`/vod/`, `/live/`) with an error status instead of their bytes, as a CDN edge in trouble does.
 * A test control only: it is set from code holding the `Origin` object (`origin.failWith(...)`), never
 * from a request — no path, header or query string reaches it.
 */

/** What an outage fails: every media request (playlists, MPDs, integrity manifests, segments) or segments only. */
export type OutageScope = 'all' | 'segments';

export interface OriginOutageOptions {
  /** The status of every failed answer, 500–599. */
  status: number;
  /** How long from `failWith()` the outage lasts, on the origin's clock. */
  durationMs: number;
  /** @default 'all' */
  scope?: OutageScope;
}

export interface OutageStats {
  /** Media requests answered with the outage's status since the origin started (or its stats were reset). */
  failedRequests: number;
  /** Whether an outage is on now. */
  active: boolean;
}

/** Paths an outage of scope `segments` leaves alone: playlists, manifests and integrity manifests. */
const NOT_SEGMENT = /\.(m3u8|mpd|json)$/;

export class OriginOutage {
  #fault: { status: number; untilMs: number; scope: OutageScope } | undefined;
  #failedRequests = 0;

  constructor(private readonly nowMs: () => number) {}

  /** Start an outage now (replacing any other); `durationMs: 0` ends the one going on. */
  start(options: OriginOutageOptions): void {
    const { status, durationMs, scope = 'all' } = options;
    if (!Number.isInteger(status) || status < 500 || status > 599) throw new RangeError(`an outage answers 5xx, got ${status}`);
    if (!Number.isFinite(durationMs) || durationMs < 0) throw new RangeError(`durationMs must be ≥ 0, got ${durationMs}`);
    this.#fault = durationMs === 0 ? undefined : { status, untilMs: this.nowMs() + durationMs, scope };
  }

  /** The status to answer `pathname` with now, or undefined to serve it; counts the failures. */
  statusFor(pathname: string): number | undefined {
    const fault = this.#fault;
    if (!fault) return undefined;
    if (this.nowMs() >= fault.untilMs) {
      this.#fault = undefined;
      return undefined;
    }
    if (fault.scope === 'segments' && NOT_SEGMENT.test(pathname)) return undefined;
    this.#failedRequests++;
    return fault.status;
  }

  stats(): OutageStats {
    return { failedRequests: this.#failedRequests, active: this.#fault !== undefined && this.nowMs() < this.#fault.untilMs };
  }

  resetStats(): void {
    this.#failedRequests = 0;
  }
}
