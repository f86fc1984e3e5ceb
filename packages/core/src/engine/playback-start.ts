/** When playback has started: the one fact the scheduler (VOD look-ahead) and the swarm (its growth) wait for. */
import type { PlaybackState } from '../scheduler/snapshot';

/** Playback has started once the playhead moves inside a buffered range, from where it first stood in one. */
export class PlaybackStart {
  private startedNow = false;
  /** Where the playhead first stood in a buffered range; playback has started once it moves from there. */
  private bufferedStartSec: number | undefined;

  get started(): boolean {
    return this.startedNow;
  }

  /** Takes a playback report; true only for the one report that starts playback. */
  note(playback: PlaybackState): boolean {
    if (this.startedNow || playback.bufferedUntilSec <= playback.positionSec) return false;
    if (this.bufferedStartSec === undefined || playback.positionSec <= this.bufferedStartSec) {
      this.bufferedStartSec = playback.positionSec;
      return false;
    }
    this.startedNow = true;
    return true;
  }
}
