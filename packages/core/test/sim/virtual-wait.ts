/** Waiting in virtual time, for tests on the in-memory network with an auto-advancing `VirtualClock`. */
import type { VirtualClock } from '../../src/clock/virtual-clock';

/** Resolves once `predicate` holds; throws when `maxMs` of virtual time pass first. */
export async function waitVirtual(clock: VirtualClock, predicate: () => boolean, maxMs = 10_000): Promise<void> {
  const start = clock.now();
  while (!predicate()) {
    if (clock.now() - start > maxMs) throw new Error('condition not reached in virtual time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets `ms` of virtual time pass (a timer of its own: the clock advances only to pending timers). */
export function sleepVirtual(clock: VirtualClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
