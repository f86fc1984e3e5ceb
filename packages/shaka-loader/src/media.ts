/**
 * What the adapter reads from the player's media element: the playhead, the rate and how far the buffer
 * reaches. Typed structurally (no DOM types) so the package also type-checks where the DOM lib is absent.
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

/**
 * Gaps in the buffer this small count as no gap: Shaka's gap jumping skips them (its
 * `streaming.smallGapLimit` defaults to 0.5 s).
 */
export const BUFFER_HOLE_TOLERANCE_SEC = 0.5;

/** End of the buffered range holding the playhead (the playhead itself when it sits in no range). */
export function bufferedUntilSec(buffered: TimeRangesLike, positionSec: number, holeToleranceSec: number): number {
  let until = positionSec;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) - holeToleranceSec <= until && buffered.end(i) > until) until = buffered.end(i);
  }
  return until;
}
