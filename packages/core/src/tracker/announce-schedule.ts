/**
 * When a `WebTorrentTrackerClient` announces: at most once per `MIN_ANNOUNCE_GAP_MS` when asked for more
 * peers, and every `announceIntervalMs` while peers are wanted.
 */
import type { Clock, TimerHandle } from '../clock/clock';
import { MIN_ANNOUNCE_GAP_MS } from './announce-pacing';

export interface AnnounceScheduleOptions {
  clock: Clock;
  /** Between periodic announces. */
  intervalMs: number;
  /** Whether announces run at all: the client has started and is not destroyed. */
  isRunning(): boolean;
  /** Whether an announce can be sent now (the client is not destroyed and has its library client). */
  canSend(): boolean;
  /** Sends an announce. */
  send(): void;
  /** Whether peers are wanted: the periodic announce runs only then. */
  wantsPeers(): boolean;
}

export class AnnounceSchedule {
  readonly #options: AnnounceScheduleOptions;
  #lastAnnounceMs = Number.NEGATIVE_INFINITY;
  /** A rate-limited announce waiting for `MIN_ANNOUNCE_GAP_MS` to pass. */
  #announceTimer: TimerHandle | null = null;
  /** The next periodic announce, while peers are wanted. */
  #intervalTimer: TimerHandle | null = null;

  constructor(options: AnnounceScheduleOptions) {
    this.#options = options;
  }

  /** Whether a periodic announce is scheduled. */
  get hasInterval(): boolean {
    return this.#intervalTimer !== null;
  }

  /** An announce was just sent outside this schedule (the library's first, on start). */
  announced(): void {
    this.#lastAnnounceMs = this.#options.clock.now();
  }

  /** Announce as soon as `MIN_ANNOUNCE_GAP_MS` since the last one allows (once, however often asked). */
  request(): void {
    if (!this.#options.isRunning() || this.#announceTimer !== null) return;
    const { clock } = this.#options;
    const waitMs = Math.max(0, this.#lastAnnounceMs + MIN_ANNOUNCE_GAP_MS - clock.now());
    this.#announceTimer = clock.setTimeout(() => {
      this.#announceTimer = null;
      this.#announce();
    }, waitMs);
  }

  /** (Re)starts the periodic announce; it runs only while peers are wanted. */
  scheduleInterval(): void {
    this.#clearTimer('interval');
    if (!this.#options.isRunning() || !this.#options.wantsPeers()) return;
    this.#intervalTimer = this.#options.clock.setTimeout(() => {
      this.#intervalTimer = null;
      this.#announce();
    }, this.#options.intervalMs);
  }

  /** Cancels both the pending and the periodic announce. */
  stop(): void {
    this.#clearTimer('announce');
    this.#clearTimer('interval');
  }

  #announce(): void {
    if (!this.#options.canSend()) return;
    this.#lastAnnounceMs = this.#options.clock.now();
    this.#options.send();
    this.scheduleInterval();
  }

  #clearTimer(which: 'announce' | 'interval'): void {
    const handle = which === 'announce' ? this.#announceTimer : this.#intervalTimer;
    if (handle !== null) this.#options.clock.clearTimeout(handle);
    if (which === 'announce') this.#announceTimer = null;
    else this.#intervalTimer = null;
  }
}
