/**
 * The contract between the demo page and one player (hls.js, Shaka, ...): the page builds the engine, the
 * chart and the state that tests read; a player module only plays a stream with Shoal under it and
 * reports what it loaded. Adding a player: one file in this folder exporting a `DemoPlayer`, one entry
 * in `index.ts` (id, label, formats).
 */
import type { ShoalEngine } from '@shoal/core';
import type { FragmentRecord } from '../state';

/** What a stream URL is: `.mpd` is DASH, anything else HLS. */
export type StreamFormat = 'hls' | 'dash';

export interface PlayerContext {
  /** Built with `p2pEnabled: false` for `?p2p=0`: the player must then run as it would without Shoal. */
  engine: ShoalEngine;
  video: HTMLVideoElement;
  streamUrl: string;
  /** Where playback starts, in media seconds (default: the player's own choice). */
  startSec?: number;
  /** A fatal player error, in words. */
  onError(message: string): void;
  /** A media segment (not a playlist, manifest or init segment) finished loading, whatever its source. */
  onMediaSegmentLoaded(sizeBytes: number): void;
  /** The page's record of main fragments, for players that can fill it (hls.js: `recordFragments`). */
  fragments: FragmentRecord;
}

/** What the page reads from a playing player, once a second (benchmark samples). */
export interface PlayerQuality {
  /** Seconds behind the live edge; null for VOD or before the first manifest. */
  latencySec: number | null;
  /** The active video rendition, e.g. `360p 286 kbit/s`; null before one is chosen. */
  level: string | null;
}

export interface PlayerSession {
  /** The player object itself (`Hls`, `shaka.Player`), for the console and for tests. */
  readonly instance: unknown;
  quality(): PlayerQuality;
}

export interface DemoPlayer {
  /** Start playing `context.streamUrl` on `context.video` (muted, autoplay). */
  start(context: PlayerContext): Promise<PlayerSession> | PlayerSession;
}

export function streamFormatOf(url: string): StreamFormat {
  return new URL(url, 'http://stream.invalid').pathname.endsWith('.mpd') ? 'dash' : 'hls';
}

/** `360p 286 kbit/s`: the rendition label both players' quality readings use. */
export function levelLabel(height: number | null | undefined, bandwidthBps: number | null | undefined): string | null {
  if (!height || !bandwidthBps) return null;
  return `${height}p ${Math.round(bandwidthBps / 1000)} kbit/s`;
}
