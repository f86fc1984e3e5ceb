/**
 * What player adapters read from the media element: the playhead, the rate and how far the buffer
 * reaches. Typed structurally (no DOM types, no browser globals): core never touches an element itself,
 * adapters pass theirs in. Shared by every adapter, so they report playback the same way.
 */

export interface TimeRangesLike {
  readonly length: number;
  start(index: number): number;
  end(index: number): number;
}

export interface MediaElementLike {
  readonly currentTime: number;
  readonly playbackRate: number;
  readonly buffered: TimeRangesLike;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** Media element events after which the engine gets a fresh playback state. */
export const PLAYBACK_EVENTS = ['timeupdate', 'seeking', 'seeked', 'ratechange', 'progress'] as const;

export interface MediaPlayback {
  positionSec: number;
  rate: number;
  bufferedUntilSec: number;
}

/**
 * The playhead, the rate and the end of the buffered range holding the playhead (the playhead itself
 * when it sits in no range). A range starting at most `holeToleranceSec` ahead still counts: the player
 * jumps such holes (hls.js's `maxBufferHole`, Shaka's `streaming.smallGapLimit`).
 */
export function mediaPlayback(media: MediaElementLike, holeToleranceSec: number): MediaPlayback {
  const positionSec = media.currentTime;
  return {
    positionSec,
    rate: media.playbackRate,
    bufferedUntilSec: bufferedUntilSec(media.buffered, positionSec, holeToleranceSec),
  };
}

export function bufferedUntilSec(buffered: TimeRangesLike, positionSec: number, holeToleranceSec: number): number {
  let until = positionSec;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) - holeToleranceSec <= until && buffered.end(i) > until) until = buffered.end(i);
  }
  return until;
}
