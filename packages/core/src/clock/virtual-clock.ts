/**
 * A clock whose time moves only when told to: for unit tests and the swarm simulator. Deterministic:
 * timers run in order of due time, and timers due at the same time in the order they were scheduled.
 * Nothing here touches the host's own timers.
 */
import type { Clock, TimerHandle } from './clock';

interface VirtualTimer {
  readonly id: number;
  readonly dueMs: number;
  /** Replaced by a no-op when the timer is cleared: a cleared timer waiting in the heap keeps nothing alive. */
  callback: () => void;
}

export interface VirtualClockOptions {
  /** The value `now()` returns before any `advance`. Default 0. */
  startMs?: number;
}

export interface RunUntilOptions {
  /** Give up once the next timer is more than this far past the time `runUntil` started at. */
  maxMs: number;
}

export interface AutoAdvanceOptions {
  /**
   * Resolves after the host has run everything it had queued (promise continuations, I/O callbacks):
   * in Node `() => new Promise((resolve) => setImmediate(resolve))`. Called between time steps, so code
   * that `await`s an event sees it before virtual time moves on.
   */
  yieldToHost: () => Promise<void>;
}

/** Opaque handle returned by `VirtualClock.setTimeout`. */
export interface VirtualTimerHandle {
  readonly virtualTimerId: number;
}

export class VirtualClock implements Clock {
  private nowMs: number;
  private nextId = 1;
  /**
   * A binary min-heap on (dueMs, id). Cleared timers stay in it until they reach the top or the heap is
   * compacted: the simulator keeps tens of thousands of timers and clears most of them, and a sorted array
   * made each set and clear O(n).
   */
  private heap: VirtualTimer[] = [];
  /** Timers scheduled and neither run nor cleared, by id. */
  private readonly live = new Map<number, VirtualTimer>();

  constructor(options: VirtualClockOptions = {}) {
    this.nowMs = options.startMs ?? 0;
  }

  now(): number {
    return this.nowMs;
  }

  /** Schedules `callback` at `now() + delayMs`; a negative or non-finite delay counts as 0. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const safeDelayMs = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const timer: VirtualTimer = { id: this.nextId++, dueMs: this.nowMs + safeDelayMs, callback };
    this.insert(timer);
    const handle: VirtualTimerHandle = { virtualTimerId: timer.id };
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle !== 'object' || handle === null || !('virtualTimerId' in handle)) return;
    const id = (handle as VirtualTimerHandle).virtualTimerId;
    const timer = this.live.get(id);
    if (timer === undefined) return;
    this.live.delete(id);
    timer.callback = noop;
    if (this.heap.length > 2 * this.live.size + COMPACT_SLACK_TIMERS) this.compact();
  }

  /** Timers scheduled and neither run nor cleared. */
  get pendingTimers(): number {
    return this.live.size;
  }

  /** Due time of the earliest pending timer, or `undefined` when none is pending. */
  get nextTimerAtMs(): number | undefined {
    return this.head()?.dueMs;
  }

  /**
   * Moves time forward by `ms`, running every timer due on the way in time order (including timers that
   * those timers schedule inside the window); `now()` is each timer's due time while it runs and
   * `now() + ms` afterwards. Returns the number of timers run. A throwing callback propagates; its timer
   * is gone and time stays at its due time.
   */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`VirtualClock.advance: ms must be >= 0, got ${ms}`);
    return this.advanceTo(this.nowMs + ms);
  }

  /** Like `advance`, to an absolute time (no-op for a time in the past). */
  advanceTo(targetMs: number): number {
    let ran = 0;
    for (;;) {
      const next = this.head();
      if (next === undefined || next.dueMs > targetMs) break;
      this.runTimer(next);
      ran += 1;
    }
    if (targetMs > this.nowMs) this.nowMs = targetMs;
    return ran;
  }

  /**
   * Jumps to the earliest pending timer's due time and runs every timer due then (also zero-delay timers
   * they schedule). Returns false when no timer is pending.
   */
  runNext(): boolean {
    const next = this.head();
    if (next === undefined) return false;
    this.advanceTo(next.dueMs);
    return true;
  }

  /**
   * Runs timers step by step until `predicate()` holds; stops when no timer is pending or the next one is
   * due more than `maxMs` after the start. Returns the predicate's last value. Synchronous: for code
   * that waits on promises, drive the clock with `autoAdvance`.
   */
  runUntil(predicate: () => boolean, options: RunUntilOptions): boolean {
    const deadlineMs = this.nowMs + options.maxMs;
    while (!predicate()) {
      const nextDueMs = this.nextTimerAtMs;
      if (nextDueMs === undefined || nextDueMs > deadlineMs) return false;
      this.runNext();
    }
    return true;
  }

  /**
   * Drives the clock from the host's event loop: after each `yieldToHost()`, runs the next time step
   * (if any). Virtual time jumps straight to the next timer, so a simulated minute passes in
   * milliseconds, while awaiting code still sees every event in order. Returns `stop()`.
   */
  autoAdvance(options: AutoAdvanceOptions): () => void {
    let running = true;
    const loop = async (): Promise<void> => {
      while (running) {
        await options.yieldToHost();
        if (running) this.runNext();
      }
    };
    void loop();
    return () => {
      running = false;
    };
  }

  private insert(timer: VirtualTimer): void {
    this.live.set(timer.id, timer);
    const heap = this.heap;
    heap.push(timer);
    let at = heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!earlier(timer, heap[parent]!)) break;
      heap[at] = heap[parent]!;
      at = parent;
    }
    heap[at] = timer;
  }

  /** The earliest timer still live, cleared ones above it dropped. */
  private head(): VirtualTimer | undefined {
    while (this.heap.length > 0 && !this.live.has(this.heap[0]!.id)) this.pop();
    return this.heap[0];
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && earlier(heap[right]!, heap[left]!) ? right : left;
      if (!earlier(heap[child]!, last)) break;
      heap[at] = heap[child]!;
      at = child;
    }
    heap[at] = last;
  }

  /** Rebuilds the heap from the live timers (a sorted array is a valid heap). */
  private compact(): void {
    this.heap = this.heap.filter((timer) => this.live.has(timer.id)).sort((a, b) => (earlier(a, b) ? -1 : 1));
  }

  private runTimer(timer: VirtualTimer): void {
    this.pop();
    this.live.delete(timer.id);
    if (timer.dueMs > this.nowMs) this.nowMs = timer.dueMs;
    timer.callback();
  }
}

function noop(): void {}

/** Cleared timers the heap may hold beyond twice the live ones before it is compacted. */
const COMPACT_SLACK_TIMERS = 1024;

/** Heap order: due time, then scheduling order. */
function earlier(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.id < b.id);
}
