/**
 * What a swarm scenario runs: its options resolved and checked (live or VOD, the VOD audience, the stream),
 * where each viewer starts, who leaves with churn. Pure functions, no browser: the figures and tests use them.
 */
import type { StreamKind, SwarmScenarioOptions, SwarmScenarioResult } from './types';

/** ~100 ms to first byte and 1 MB/s per response: a CDN edge a few hundred km away, not loopback. */
export const DEFAULT_THROTTLE = { firstByteDelayMs: 100, bytesPerSec: 1_000_000 } as const;

export type ResolvedOptions = SwarmScenarioResult['options'];

/**
 * Live or VOD: a named stream's kind is its name's (`vodFmp4ByteRange` is VOD, `liveTs` live); `stream`
 * picks the default stream's kind and must agree with a named one.
 */
export function streamKindOf(streamName: string | undefined, stream: StreamKind | undefined): StreamKind {
  const named: StreamKind | undefined = streamName?.startsWith('vod') ? 'vod' : streamName?.startsWith('live') ? 'live' : undefined;
  if (named && stream && named !== stream) throw new Error(`stream "${streamName}" is ${named === 'vod' ? 'VOD' : 'live'}: drop --${stream} (or pick a ${stream} stream)`);
  return named ?? stream ?? 'live';
}

/**
 * VOD viewers minutes apart (`vodApart`): the demo VOD lasts 30 s, so joins this far apart are the
 * scaled-down case. Each viewer joins after the earlier ones watched two thirds of it and buffered all of
 * it (the engine prefetches 20 s ahead); their pages stay open, engine and segments alive, to the end.
 */
export const VOD_APART_STAGGER_MS = 20_000;
/** The demo VOD's length, plus room to start: how long the last viewer of a `vodApart` phase plays. */
const VOD_APART_LAST_VIEWER_SEC = 32;

export function resolveOptions(options: SwarmScenarioOptions): ResolvedOptions {
  const stream = streamKindOf(options.streamName, options.stream);
  const vodApart = options.vodApart ?? false;
  if (vodApart && stream !== 'vod') throw new Error('vodApart (--vod-apart) needs a VOD stream');
  if (vodApart && options.vodStartStepSec !== undefined && options.vodStartStepSec !== 0) throw new Error('vodApart starts every viewer at 0 s: drop vodStartStepSec (--vod-step)');
  const viewers = options.viewers ?? 4;
  const staggerMs = options.staggerMs ?? (vodApart ? VOD_APART_STAGGER_MS : 2000);
  const resolved: ResolvedOptions = {
    viewers,
    seconds: options.seconds ?? (vodApart ? ((viewers - 1) * staggerMs) / 1000 + VOD_APART_LAST_VIEWER_SEC : 60),
    stream,
    player: options.player ?? 'hlsjs',
    streamName: options.streamName ?? '',
    vodStartStepSec: options.vodStartStepSec ?? (vodApart ? 0 : 4),
    vodApart,
    throttle: options.throttle ?? { ...DEFAULT_THROTTLE },
    churn: options.churn ?? false,
    staggerMs,
    checkPeerBytes: options.checkPeerBytes ?? false,
    integrity: options.integrity ?? true,
    rounds: options.rounds ?? 2,
    firstRound: options.firstRound ?? 0,
    compare: options.compare ?? 'none',
  };
  if (resolved.player !== 'hlsjs' && resolved.player !== 'shaka') throw new Error(`player "${String(resolved.player)}": hlsjs or shaka`);
  if (!(resolved.vodStartStepSec >= 0)) throw new Error('vodStartStepSec must be ≥ 0');
  if (!Number.isInteger(resolved.viewers) || resolved.viewers < 1) throw new Error('viewers must be a positive integer');
  if (!(resolved.seconds > 0)) throw new Error('seconds must be positive');
  if (!Number.isInteger(resolved.rounds) || resolved.rounds < 1) throw new Error('rounds must be a positive integer');
  if (!Number.isInteger(resolved.firstRound) || resolved.firstRound < 0) throw new Error('firstRound must be a whole number ≥ 0');
  if (resolved.churn && resolved.viewers < 2) throw new Error('churn needs at least 2 viewers');
  if ((resolved.viewers - 1) * resolved.staggerMs >= resolved.seconds * 1000) throw new Error(`the last viewer would join at ${((resolved.viewers - 1) * resolved.staggerMs) / 1000} s, after the ${resolved.seconds} s phase`);
  return resolved;
}

/** VOD start positions wrap here: the demo VOD is 30 s, and a viewer starting later would see its end at once. */
export const VOD_START_WRAP_SEC = 16;

/** Where VOD viewer `id` starts, in media seconds; undefined for live (the player's live edge rule). */
export function startSecOf(options: ResolvedOptions, id: number): number | undefined {
  if (options.stream === 'live') return undefined;
  return (id * options.vodStartStepSec) % VOD_START_WRAP_SEC;
}

/**
 * The demo stream a scenario plays: `--stream`, else the kind's TS stream (Shaka: its DASH one when
 * offered). A named stream's URL must be of its kind (`/vod/…` for VOD): the name's prefix is a convention.
 */
export function streamNameOf(options: ResolvedOptions, offered: Record<string, string>): string {
  if (options.streamName) {
    if (!Object.hasOwn(offered, options.streamName)) throw new Error(`stream "${options.streamName}" is not one of the demo's: ${Object.keys(offered).join(', ')}`);
    const path = new URL(offered[options.streamName]!, 'http://demo.invalid').pathname;
    const served: StreamKind | undefined = path.startsWith('/vod/') ? 'vod' : path.startsWith('/live/') ? 'live' : undefined;
    if (served && served !== options.stream) throw new Error(`stream "${options.streamName}" is served as ${served} (${path}), not ${options.stream}`);
    return options.streamName;
  }
  const dash = `${options.stream}Dash`;
  return options.player === 'shaka' && Object.hasOwn(offered, dash) ? dash : `${options.stream}Ts`;
}

/** Viewers leaving halfway with churn: a third, at least one, never all. */
export function churnCount(viewers: number): number {
  return Math.min(viewers - 1, Math.max(1, Math.round(viewers / 3)));
}

