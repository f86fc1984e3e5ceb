/**
 * Contracts of the swarm benchmark: what a scenario takes, what each viewer reports, and the figures.
 * Type-only: no code here, so a test can import the shapes without the browser machinery.
 */

export type StreamKind = 'live' | 'vod';
export type PlayerName = 'hlsjs' | 'shaka';

export interface OriginThrottle {
  /** Delay before the first byte of every origin response, in ms. */
  firstByteDelayMs: number;
  /** Per-response bandwidth, in bytes per second (0 = unlimited). */
  bytesPerSec: number;
}

export interface SwarmScenarioOptions {
  /** Viewers watching at once. @default 4 */
  viewers?: number;
  /** Length of each phase (Shoal, then plain hls.js), from the first join, in seconds. @default 60 */
  seconds?: number;
  /**
   * Live or VOD. With `streamName` its kind follows the name (`vod…` / `live…`) and this, if set, must
   * agree; without, it picks the default stream's kind. @default 'live'
   */
  stream?: StreamKind;
  /** The demo page's player (`?player=`). @default 'hlsjs' */
  player?: PlayerName;
  /**
   * The demo stream (a key of its /config.json). @default liveTs / vodTs; for Shaka liveDash / vodDash
   * when the demo offers them
   */
  streamName?: string;
  /**
   * VOD: viewer i starts at (i × this) mod `vodStartWrapSec` media seconds, so viewers watch different
   * parts of the video. 0: everyone from the start. @default 4
   */
  vodStartStepSec?: number;
  /**
   * VOD viewers minutes apart, scaled to the 30 s demo VOD: joins `VOD_APART_STAGGER_MS` (20 s) apart
   * unless `staggerMs` says otherwise, every viewer from 0 s, phase long enough for the last one to
   * watch it all (unless `seconds` says otherwise). Earlier viewers' pages stay open to the end. Without:
   * viewers a few seconds apart (a push notification). @default false
   */
  vodApart?: boolean;
  /** @default { firstByteDelayMs: 100, bytesPerSec: 1_000_000 } */
  throttle?: OriginThrottle;
  /** A third of the viewers (at least one) leave halfway and as many new ones join. @default false */
  churn?: boolean;
  /** Time between two joins, in ms. @default 2000 */
  staggerMs?: number;
  /** Fetch every segment that came from peers from the origin and compare SHA-256. @default false */
  checkPeerBytes?: boolean;
  /**
   * Shoal's pages check every peer block against the stream's integrity manifest (the demo page's default);
   * false opens them with `&integrity=0`, to measure what verification costs. @default true
   */
  integrity?: boolean;
  /**
   * Rounds of the two phases, their order alternating (Shoal, plain, plain, Shoal, …): the figures pool
   * every round, so neither side always runs first on a machine that is still warming up. @default 2
   */
  rounds?: number;
  /**
   * The arm order of the first round, as a rotation (0: Shoal first; with `p2pml`, 1: p2p-media-loader
   * first, 2: the plain player first); later rounds rotate on from it. A sweep of one-round runs passes
   * its row number, so no arm runs first in every row. @default 0
   */
  firstRound?: number;
  /**
   * `p2pml`: a third arm, p2p-media-loader 2.x on the same pages (`&anchor=p2pml`: its hls.js or Shaka
   * integration with its documented defaults, our tracker, no ICE servers), in every round with Shoal and
   * the plain player, the order rotating. @default 'none'
   */
  compare?: 'p2pml' | 'none';
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One segment that a Shoal page got from peers (or its cache), as the demo page records it. */
export interface PeerSegment {
  url: string;
  startByte?: number;
  endByte?: number;
  sha256: string;
  /** Set when `checkPeerBytes`: the bytes are identical to the origin's. */
  matchesOrigin?: boolean;
}

/** Sampled once a second from each page. Byte counters are cumulative since the page loaded. */
export interface ViewerSample {
  /** Since the phase started. */
  tMs: number;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  peers: number;
  /** Seconds behind the live edge (`hls.latency`); null for VOD or before the first playlist. */
  latencySec: number | null;
  /** e.g. `360p 408 kbit/s`; null before a level is chosen. */
  level: string | null;
  playing: boolean;
}

export interface ViewerReport {
  id: number;
  /** The round of the scenario it played in, from 0. */
  round: number;
  p2p: boolean;
  joinedAtMs: number;
  leftAtMs: number;
  /** True when the viewer left before the end (churn). */
  churned: boolean;
  errors: string[];
  startupMs: number | null;
  stalls: number;
  stallSeconds: number;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  p2pShare: number;
  peersAtEnd: number;
  /** Mean over samples taken while playing; null for VOD. */
  meanLatencySec: number | null;
  /** Seconds sampled on each rendition (ABR may move a viewer between renditions). */
  renditions: Record<string, number>;
  /** V8 heap in use at the end (CDP `Runtime.getHeapUsage`). */
  heapUsedBytes: number | null;
  /** utime + stime of the viewer's Chromium process tree (browser, zygote, renderers, GPU, utility), from its join (its launch left out). */
  cpuSeconds: number | null;
  p2pSegments: PeerSegment[];
  samples: ViewerSample[];
}

export interface OriginSegmentCounts {
  /**
   * Media segments requested: distinct paths (file per segment) plus distinct byte ranges of single-file
   * media, init and `sidx` left out (bench/swarm/origin-counts.ts says how ranges are grouped).
   */
  segments: number;
  requests: number;
  bytes: number;
  /** What the origin serves if each segment goes out once: one response per path, the union of ranges. */
  distinctBytes: number;
  requestsPerSegment: number;
}

/** One pass of the scenario, Shoal (`p2p: true`) or plain hls.js; or several rounds of it pooled. */
export interface PhaseReport {
  p2p: boolean;
  /** Set on the p2p-media-loader arm's phases (`compare: 'p2pml'`). */
  anchor?: 'p2pml';
  wallSeconds: number;
  viewers: ViewerReport[];
  origin: {
    totalBytes: number;
    totalRequests: number;
    segments: OriginSegmentCounts;
    /** Origin body bytes sent in each second of the phase. */
    bytesPerSecond: number[];
    /** Media segment paths the origin served more than once, with their request counts (pooled: `round N path`). */
    repeatedSegments: Record<string, number>;
  };
  /** Summed over viewers, per second of the phase. */
  timeline: Array<{ second: number; httpBytes: number; p2pBytes: number }>;
  /** Of this bench process (origin, tracker, playwright driver), in seconds. */
  nodeCpuSeconds: number;
}

export interface PhaseFigures {
  loadedBytes: number;
  httpBytes: number;
  p2pBytes: number;
  /** Bytes from peers / bytes loaded, over every viewer. */
  p2pShare: number;
  /** 1 − origin segment bytes / bytes loaded: the share as the origin sees it. */
  originImpliedShare: number;
  /**
   * 1 − bytes of the distinct segments requested / bytes loaded: the share if the origin had served every
   * segment played exactly once. Below 1 − 1/N when viewers do not all play the same segments (staggered
   * joins, VOD start positions, churn).
   */
  p2pShareBound: number;
  originSegmentBytes: number;
  originRequestsPerSegment: number;
  stalls: number;
  stallSeconds: number;
  meanStartupMs: number | null;
  meanLatencySec: number | null;
  /** Open peer connections at the end (each counted once, i.e. Σ peers / 2). */
  peerConnectionsAtEnd: number;
  meanHeapBytes: number | null;
  maxHeapBytes: number | null;
  browserCpuSeconds: number;
  /** Browser CPU seconds per wall second: how many of the machine's cores the viewers kept busy. */
  browserCores: number;
  nodeCpuSeconds: number;
  errors: number;
}

export interface ComparisonFigures {
  /** 1 − 1/N: the most a swarm of N viewers of one rendition can take off the origin. */
  p2pShareLimit: number;
  /** Shoal's P2P share / the limit. */
  shareOfLimit: number;
  /** Shoal's P2P share / its phase's `p2pShareBound` (what this exact run allowed). */
  shareOfBound: number;
  /** Origin segment bytes with Shoal / without. */
  originBytesRatio: number;
  /** Mean startup with Shoal / without. */
  startupRatio: number | null;
  /** Mean seconds behind the live edge, Shoal − plain (positive = Shoal further behind). */
  latencyDifferenceSec: number | null;
}

export interface SwarmScenarioResult {
  options: Required<Omit<SwarmScenarioOptions, 'log'>>;
  startedAt: string;
  machine: { cpus: number; loadAverage: number[] };
  /** Every round's Shoal phase pooled (viewers of all rounds; origin counts summed; timelines averaged). */
  shoal: PhaseReport;
  plain: PhaseReport;
  figures: { shoal: PhaseFigures; plain: PhaseFigures; comparison: ComparisonFigures };
  /** The p2p-media-loader arm pooled, and its figures against the plain player (`compare: 'p2pml'`). */
  anchor?: PhaseReport;
  anchorFigures?: { anchor: PhaseFigures; comparison: ComparisonFigures };
  /** Each round's comparison on its own, in order: the spread behind the pooled figures. */
  roundComparisons: ComparisonFigures[];
  notes: string[];
}
