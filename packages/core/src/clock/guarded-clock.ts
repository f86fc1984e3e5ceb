/**
 * A clock whose timer callbacks cannot throw into the host: the single entry point of every timer the
 * engine sets. A callback that throws (a bug of ours) is reported as `internal-error` and the rest of
 * the engine's timers go on.
 */
import { ShoalError } from '../errors';
import type { Clock } from './clock';

export function guardedClock(clock: Clock, onError: (error: ShoalError) => void): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (callback, delayMs) =>
      clock.setTimeout(() => {
        try {
          callback();
        } catch (error) {
          onError(new ShoalError('internal-error', `A timer callback threw: ${String(error)}`, { source: 'engine', cause: error }));
        }
      }, delayMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}
