/**
 * Waiting in tests on real timers: the one polling helper every Node test and every karma (browser) spec
 * imports. No Node-only imports here: `setTimeout` and `Date.now` exist in both. (Waiting in virtual time,
 * on an auto-advancing `VirtualClock`, is `test/sim/virtual-wait.ts`.)
 */

/** Between two checks of a predicate, in ms: short beside the seconds a test waits, long beside a check. */
export const WAIT_POLL_MS = 20;

/**
 * How long `waitUntil` waits when not told, in ms: a swarm of real engines on a busy 2-core machine takes
 * seconds to connect, a test that fails should still fail well within mocha's and node:test's timeouts.
 */
export const DEFAULT_WAIT_TIMEOUT_MS = 20_000;

/** Raised by `waitUntil`; its message names what was awaited and for how long. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

/**
 * Resolves once `predicate` holds (it may be async, e.g. a question to a browser page), checking it every
 * `WAIT_POLL_MS`; rejects with a `WaitTimeoutError` naming `what` once `timeoutMs` have passed, and with the
 * predicate's own error if it throws.
 */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadlineMs) throw new WaitTimeoutError(what, timeoutMs);
    await sleep(WAIT_POLL_MS);
  }
}

/** Resolves after `ms` of wall time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
