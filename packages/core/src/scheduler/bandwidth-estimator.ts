/**
 * Bandwidth and time-to-first-byte estimators, one per source (HTTP, peers), and what the player's ABR is
 * told. Pure bookkeeping: samples in, estimates out; no clock, no timers.
 *
 * The estimator is the one Shaka (`lib/abr/ewma_bandwidth_estimator.js`) and hls.js
 * (`src/utils/ewma-bandwidth-estimator.ts`) use: two exponentially weighted moving averages of throughput,
 * weighted by transfer seconds, a fast one (reacts to drops within a segment or two) and a slow one
 * (ignores single lucky bursts), and the estimate is the lower of the two. Time to first byte gets the same
 * pair, weighted per request, and the estimate is the higher of the two: both choices err on the side of
 * "this source is slower than it looked".
 */

export type EstimateSource = 'http' | 'p2p';

/** What a source is expected to deliver: a request waits `ttfbMs`, then bytes flow at `bytesPerSec`. */
export interface TransferEstimate {
  bytesPerSec: number;
  ttfbMs: number;
}

/** One finished (or partly finished) transfer. */
export interface TransferSample {
  bytes: number;
  /** From sending the request to the last byte. */
  durationMs: number;
  /**
   * From sending the request to the first byte, when known. It is taken out of `durationMs` before the
   * throughput is computed, so `ttfbMs + bytes / bytesPerSec` (the scheduler's model) does not count the
   * wait twice. Without it the whole duration counts as transfer time (a pessimistic rate).
   */
  ttfbMs?: number;
}

export interface BandwidthEstimatorOptions {
  /** Estimate until `minTotalBytes` have been sampled. */
  defaultBytesPerSec: number;
  /** Estimate until the first sample with a `ttfbMs`. */
  defaultTtfbMs: number;
  /** Half-life of the fast throughput average, in seconds of transfer. */
  fastHalfLifeSec: number;
  /** Half-life of the slow throughput average, in seconds of transfer. */
  slowHalfLifeSec: number;
  /** Half-life of the fast time-to-first-byte average, in requests. */
  ttfbFastHalfLifeRequests: number;
  /** Half-life of the slow time-to-first-byte average, in requests. */
  ttfbSlowHalfLifeRequests: number;
  /** Samples smaller than this say more about latency than throughput: they update only the TTFB. */
  minSampleBytes: number;
  /** Bytes sampled before the throughput average replaces `defaultBytesPerSec`. */
  minTotalBytes: number;
  /** Transfer times are clamped up to this, so a response served from a local cache is not "infinitely fast". */
  minTransferMs: number;
}

/**
 * Shared by both sources. Half-lives are hls.js's (`abrEwmaFastLive: 3`, `abrEwmaSlowLive: 9`); the byte
 * thresholds are Shaka's (`minBytes_ = 16e3`, `minTotalBytes_ = 128e3`), so a Range completion of a few
 * kilobytes never drags the rate down and one small segment never sets it; the 50 ms floor is hls.js's
 * `minDelayMs_`.
 */
const COMMON_OPTIONS = {
  fastHalfLifeSec: 3,
  slowHalfLifeSec: 9,
  ttfbFastHalfLifeRequests: 3,
  ttfbSlowHalfLifeRequests: 9,
  minSampleBytes: 16_000,
  minTotalBytes: 128_000,
  minTransferMs: 50,
} as const;

/**
 * HTTP starts pessimistic: 125,000 B/s is Shaka's 1 Mbit/s default bandwidth estimate and 200 ms a CDN
 * edge's round trip plus a cache lookup. Too low only means waiting viewers fall back to HTTP a little
 * early and the player starts on a lower rendition until real samples arrive; too high would mean stalls.
 */
export const HTTP_ESTIMATOR_DEFAULTS: Readonly<BandwidthEstimatorOptions> = Object.freeze({
  ...COMMON_OPTIONS,
  defaultBytesPerSec: 125_000,
  defaultTtfbMs: 200,
});

/**
 * Peers start optimistic on purpose: 2,000,000 B/s (16 Mbit/s, a few uplinks serving one segment together;
 * Chromium moves 9–23 MiB/s page to page on one host) and 100 ms (one data-channel round trip, the holder
 * answers from memory). The P2P estimate is only learnt from P2P downloads, so a pessimistic default would
 * keep a new viewer's segments on HTTP and never learn; an optimistic one costs at most a Range request
 * for the bytes peers did not deliver in time.
 */
export const P2P_ESTIMATOR_DEFAULTS: Readonly<BandwidthEstimatorOptions> = Object.freeze({
  ...COMMON_OPTIONS,
  defaultBytesPerSec: 2_000_000,
  defaultTtfbMs: 100,
});

/** An exponentially weighted moving average with zero-bias correction (Shaka's `Ewma`). */
class Ewma {
  /** Decay per unit of weight: half the influence is gone after `halfLife` units. */
  private readonly alpha: number;
  private average = 0;
  private totalWeight = 0;

  constructor(halfLife: number) {
    this.alpha = Math.exp(Math.log(0.5) / halfLife);
  }

  sample(weight: number, value: number): void {
    const decay = Math.pow(this.alpha, weight);
    this.average = value * (1 - decay) + decay * this.average;
    this.totalWeight += weight;
  }

  /** The average, corrected for having started at 0. Meaningless before the first sample. */
  value(): number {
    const zeroFactor = 1 - Math.pow(this.alpha, this.totalWeight);
    return zeroFactor > 0 ? this.average / zeroFactor : 0;
  }

  get sampled(): boolean {
    return this.totalWeight > 0;
  }
}

export class BandwidthEstimator<S extends EstimateSource = EstimateSource> {
  readonly source: S;
  readonly options: Readonly<BandwidthEstimatorOptions>;
  private averages: Averages;

  constructor(source: S, options: BandwidthEstimatorOptions) {
    this.source = source;
    this.options = Object.freeze({ ...options });
    this.averages = freshAverages(this.options);
  }

  /** Record a transfer. Samples with a non-finite or negative field are ignored. */
  addSample(sample: TransferSample): void {
    const { bytes, durationMs, ttfbMs } = sample;
    if (!isNonNegative(bytes) || !isNonNegative(durationMs)) return;
    if (ttfbMs !== undefined && !isNonNegative(ttfbMs)) return;
    const averages = this.averages;
    if (ttfbMs !== undefined) {
      averages.fastTtfb.sample(1, ttfbMs);
      averages.slowTtfb.sample(1, ttfbMs);
    }
    if (bytes < this.options.minSampleBytes) return;
    const transferMs = Math.max(durationMs - (ttfbMs ?? 0), this.options.minTransferMs);
    const transferSec = transferMs / 1000;
    const bytesPerSec = bytes / transferSec;
    averages.fastRate.sample(transferSec, bytesPerSec);
    averages.slowRate.sample(transferSec, bytesPerSec);
    averages.sampledBytes += bytes;
  }

  /** Whether enough bytes were sampled for the throughput to be measured rather than the default. */
  get hasGoodEstimate(): boolean {
    return this.averages.sampledBytes >= this.options.minTotalBytes;
  }

  /** The conservative estimate: the lower throughput and the higher time to first byte of the two averages. */
  estimate(): TransferEstimate {
    const { fastRate, slowRate, fastTtfb, slowTtfb } = this.averages;
    const bytesPerSec = this.hasGoodEstimate
      ? Math.min(fastRate.value(), slowRate.value())
      : this.options.defaultBytesPerSec;
    const ttfbMs = fastTtfb.sampled
      ? Math.max(fastTtfb.value(), slowTtfb.value())
      : this.options.defaultTtfbMs;
    return { bytesPerSec, ttfbMs };
  }

  /** Forget every sample (a network change, e.g. Wi-Fi to cellular). */
  reset(): void {
    this.averages = freshAverages(this.options);
  }
}

interface Averages {
  fastRate: Ewma;
  slowRate: Ewma;
  fastTtfb: Ewma;
  slowTtfb: Ewma;
  /** Bytes of the samples that went into the throughput averages. */
  sampledBytes: number;
}

function freshAverages(options: BandwidthEstimatorOptions): Averages {
  return {
    fastRate: new Ewma(options.fastHalfLifeSec),
    slowRate: new Ewma(options.slowHalfLifeSec),
    fastTtfb: new Ewma(options.ttfbFastHalfLifeRequests),
    slowTtfb: new Ewma(options.ttfbSlowHalfLifeRequests),
    sampledBytes: 0,
  };
}

/**
 * Fed with every origin request, Range completions included (those below `minSampleBytes` only update the
 * TTFB). HTTP samples taken while peer downloads share the link come out low: safe for the player.
 */
export class HttpEstimator extends BandwidthEstimator<'http'> {
  constructor(options: Partial<BandwidthEstimatorOptions> = {}) {
    super('http', { ...HTTP_ESTIMATOR_DEFAULTS, ...options });
  }
}

/**
 * Fed with every peer download, measured as one transfer across all the peers that served it. Cut-through
 * downloads from a holder that was itself still downloading measure the holder's origin, not the peers:
 * the engine should not feed those.
 */
export class P2PEstimator extends BandwidthEstimator<'p2p'> {
  constructor(options: Partial<BandwidthEstimatorOptions> = {}) {
    super('p2p', { ...P2P_ESTIMATOR_DEFAULTS, ...options });
  }
}

/**
 * The bandwidth the player's ABR is told, in bits per second: the HTTP estimate alone.
 *
 * - Never more than HTTP: peers can leave at any moment (a tab closes, a NAT rebinds), and then every
 *   segment comes from the origin. A rendition chosen on the strength of a fast peer (often a neighbour on
 *   the same LAN) would stall as soon as that peer is gone. So P2P speed never raises the estimate.
 * - Never less because of peers: the scheduler only uses peers when they fit the deadline and completes a
 *   falling-behind peer download over HTTP (Range for the missing bytes), so a slow peer costs at most a
 *   late switch to HTTP, never a late segment. Lowering the estimate because a peer answered slowly would
 *   switch the player down for nothing. So P2P speed never lowers it either.
 * - Hence `p2p` is taken but deliberately not used: the signature states that both estimates were
 *   considered and P2P was ruled out, and keeps callers stable if a P2P-aware rule is ever justified.
 * - Known biases, both on the safe side: HTTP samples taken while peer downloads share the downlink are
 *   low; with high offload HTTP samples are rare and the estimate is older. Without enough HTTP samples the
 *   HTTP default is reported (configure it to the player's own default, e.g. Shaka's 1 Mbit/s).
 * - No extra safety factor: players apply their own (hls.js `abrBandWidthFactor`, Shaka
 *   `bandwidthUpgradeTarget`); applying one here too would bias every viewer down.
 *
 * Adapters must also make the player's own measurements agree: a segment that came from peers or the
 * cache in 5 ms must not be reported to the player as a 5 ms load.
 */
export function playerBandwidthEstimateBps(http: HttpEstimator, _p2p: P2PEstimator): number {
  return http.estimate().bytesPerSec * 8;
}

function isNonNegative(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
