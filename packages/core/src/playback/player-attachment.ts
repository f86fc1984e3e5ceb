/**
 * What `attachShoal` returns in every adapter, and the order its teardown runs in.
 */
import { destroyOnPageHide } from './page-lifecycle';

export interface PlayerAttachment {
  /** Whether Shoal serves this player's media segments (false: the plain player). */
  readonly active: boolean;
  /** Detach Shoal from the player (the engine lives on). Idempotent. */
  destroy(): void;
}

/** The attachment when Shoal is inactive (`isShoalActive` false): nothing was installed, nothing to undo. */
export const INACTIVE_ATTACHMENT: PlayerAttachment = Object.freeze({ active: false, destroy: () => {} });

/**
 * The attachment of an active adapter. While it lasts, the page going away destroys the engine
 * (`destroyOnPageHide`: peers hear goodbye at once). `destroy()` runs once, in this order:
 *   1. stop destroying the engine on `pagehide` (the engine is the application's again);
 *   2. the adapter's `teardown` steps, in the order given. Adapters list first what routes requests to the
 *      engine and what listens to the player (so nothing new reaches the engine), then their engine feed,
 *      then shared registrations (a reference-counted plugin), then their own bookkeeping.
 * Every step runs even if an earlier one throws; the first error is rethrown once all have run.
 */
export function attachLifecycle(engine: { destroy(): void }, teardown: ReadonlyArray<() => void>): PlayerAttachment {
  const stopDestroyOnPageHide = destroyOnPageHide(engine);
  let destroyed = false;
  return {
    active: true,
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      let firstError: { error: unknown } | undefined;
      for (const step of [stopDestroyOnPageHide, ...teardown]) {
        try {
          step();
        } catch (error) {
          firstError ??= { error };
        }
      }
      if (firstError) throw firstError.error;
    },
  };
}
