/**
 * The simulator's network: what each viewer's connection can carry, how far apart two viewers are, and
 * which pairs cannot connect at all. Deterministic for a seed. The engine never sees this model: it only
 * shapes the in-memory transports (`MemoryAccessLink`, per-pair latency) and the tracker hub's pairing.
 *
 * Capacities. A viewer is on a fixed line or on a mobile network (`mobileShare`). Its measured uplink and
 * downlink are drawn from a log-normal whose MEAN is the Ookla Speedtest Global Index figure for that
 * access kind, September 2020 (global means: fixed 85.73 Mbit/s down, 45.74 Mbit/s up, 21 ms latency;
 * mobile 35.96 Mbit/s down, 11.22 Mbit/s up, 40 ms latency; as reported at
 * https://my-financial-wealth.com/2020/10/25/the-global-mobile-and-broadband-internet-speed-ranking/).
 * Speed tests measure a line's peak with several parallel connections and skew towards fast lines, so only
 * `uplinkUsableShare` of the measured uplink is given to Shoal (the viewer's own traffic, a browser tab
 * that must not saturate the household's uplink, WebRTC congestion control on a shared link).
 *
 * Distances. One-way latency between two viewers: half of each one's access round trip (the Ookla latency
 * figure is a round trip to a nearby server) plus a backbone leg drawn per pair in [0, `backboneMaxMs`].
 *
 * Connectivity. A share `restrictiveNatShare` of viewers is behind a symmetric / carrier-grade NAT or a
 * UDP-blocking firewall; two such viewers cannot connect without TURN (Shoal's defaults carry only STUN).
 * The default (√0.2 ≈ 0.45 of viewers) makes 0.45² = 0.2 of all pairs fail: published WebRTC figures put the share of sessions
 * that need a relay at 15–22% (Twilio ~15%; callstats.io, via webrtcHacks, 22% of conferences), and
 * carrier-grade NAT is near-universal on mobile networks.
 */
import { mulberry32 } from './prng';

export interface AccessProfile {
  /** Mean of the measured rate, Mbit/s. */
  uplinkMeanMbps: number;
  downlinkMeanMbps: number;
  /** Access round trip to a nearby server, ms. */
  accessRttMs: number;
}

export interface NetworkModelOptions {
  seed: number;
  /** Share of viewers on a mobile network. */
  mobileShare: number;
  fixed: AccessProfile;
  mobile: AccessProfile;
  /** σ of the rates' log-normal (natural log); 1 puts the 10th–90th percentiles ~13× apart. */
  rateSpreadSigma: number;
  /** Share of the measured uplink Shoal gets. */
  uplinkUsableShare: number;
  /** Largest one-way backbone leg between two viewers, ms. */
  backboneMaxMs: number;
  /** Share of viewers behind a NAT or firewall that cannot reach another such viewer. */
  restrictiveNatShare: number;
}

/** Ookla Speedtest Global Index, September 2020 (see the file comment); the rest argued there. */
export const DEFAULT_NETWORK_MODEL: Readonly<NetworkModelOptions> = Object.freeze({
  seed: 1,
  /** Share: a rough split of video viewing between phones on cellular and everything on a fixed line. */
  mobileShare: 0.4,
  fixed: Object.freeze({ uplinkMeanMbps: 45.74, downlinkMeanMbps: 85.73, accessRttMs: 21 }),
  mobile: Object.freeze({ uplinkMeanMbps: 11.22, downlinkMeanMbps: 35.96, accessRttMs: 40 }),
  rateSpreadSigma: 1,
  /** A quarter of the measured uplink: speed tests are a peak, and the household keeps its own traffic. */
  uplinkUsableShare: 0.25,
  /** Ms: one continent's backbone (a ~6,000 km path at 2/3 c is ~30 ms). */
  backboneMaxMs: 30,
  /** √0.2: one pair in five cannot connect. */
  restrictiveNatShare: Math.sqrt(0.2),
});

export interface ViewerNetwork {
  mobile: boolean;
  uplinkBytesPerSec: number;
  downlinkBytesPerSec: number;
  accessRttMs: number;
  restrictiveNat: boolean;
}

const BYTES_PER_MBIT = 1e6 / 8;

export class NetworkModel {
  readonly options: NetworkModelOptions;
  private readonly random: () => number;

  constructor(options: Partial<NetworkModelOptions> = {}) {
    this.options = { ...DEFAULT_NETWORK_MODEL, ...options };
    this.random = mulberry32(this.options.seed ^ 0x6e657477);
  }

  /** The next viewer's network (draws in order: call once per viewer, in arrival order). */
  drawViewer(): ViewerNetwork {
    const { mobileShare, fixed, mobile, uplinkUsableShare, restrictiveNatShare } = this.options;
    const isMobile = this.random() < mobileShare;
    const profile = isMobile ? mobile : fixed;
    return {
      mobile: isMobile,
      uplinkBytesPerSec: this.logNormalAroundMean(profile.uplinkMeanMbps) * uplinkUsableShare * BYTES_PER_MBIT,
      downlinkBytesPerSec: this.logNormalAroundMean(profile.downlinkMeanMbps) * BYTES_PER_MBIT,
      accessRttMs: profile.accessRttMs,
      restrictiveNat: this.random() < restrictiveNatShare,
    };
  }

  /** One-way latency between two viewers, ms: the same for (a, b) and (b, a), whatever the draw order. */
  latencyMs(a: ViewerNetwork, b: ViewerNetwork, pairKey: number): number {
    return a.accessRttMs / 2 + b.accessRttMs / 2 + unitHash(pairKey ^ this.options.seed) * this.options.backboneMaxMs;
  }

  canConnect(a: ViewerNetwork, b: ViewerNetwork): boolean {
    return !(a.restrictiveNat && b.restrictiveNat);
  }

  /** A log-normal draw whose mean is `mean` (its median is mean · e^(−σ²/2)). */
  private logNormalAroundMean(mean: number): number {
    const sigma = this.options.rateSpreadSigma;
    const normal = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return mean * Math.exp(sigma * normal - (sigma * sigma) / 2);
  }
}

/** A stateless hash of an integer to [0, 1). */
export function unitHash(key: number): number {
  let t = (key + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
