import type { Clock, TimerHandle } from './clock';

/** The real clock: `performance.now()` where present, else `Date.now()`. Uses the host's own timers. */
export const systemClock: Clock = {
  now: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
  setTimeout: (callback, delayMs) => {
    const handle = globalThis.setTimeout(callback, delayMs) as { unref?: () => void };
    // Never keep a Node process alive only for a Shoal timer.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle: TimerHandle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
