/**
 * What adapters do when the page goes away. Typed structurally and feature-detected: in a worker or in
 * Node there is no `pagehide` target and nothing is installed.
 */

/** The page's `pagehide` target, where there is one. */
interface PageLifecycleTarget {
  addEventListener(type: 'pagehide', listener: () => void): void;
  removeEventListener(type: 'pagehide', listener: () => void): void;
}

/**
 * When the page goes away (tab closed, navigation), destroy the engine: it says goodbye to every peer,
 * which then re-requests what it was fetching from us elsewhere at once. Without this, a page closed
 * without `engine.destroy()` leaves its peers waiting on a dead connection until their requests time
 * out (seconds) and WebRTC notices the peer is gone (tens of seconds). `pagehide` rather than
 * `beforeunload`/`unload`: it fires on every way out, including mobile tab discards, and does not stop
 * the page from entering the back/forward cache (a page with peer connections is not kept there anyway).
 * Returns the function that removes the listener.
 */
export function destroyOnPageHide(engine: { destroy(): void }): () => void {
  const page = (globalThis as { addEventListener?: unknown }).addEventListener ? (globalThis as unknown as PageLifecycleTarget) : undefined;
  if (!page) return () => {};
  const onPageHide = (): void => engine.destroy();
  page.addEventListener('pagehide', onPageHide);
  return () => page.removeEventListener('pagehide', onPageHide);
}

/** The engine's HTTP estimates, as `ShoalEngine` exposes them. */
export interface HttpEstimates {
  getBandwidthEstimate(): number;
  getTtfbEstimateMs(): number;
}

/** How long an origin transfer of `sizeBytes` would take at the engine's HTTP estimates. */
export interface EstimatedHttpTransfer {
  bandwidthBps: number;
  ttfbMs: number;
  /** From the first byte to the last. */
  transferMs: number;
}

/**
 * The timing a player's ABR should learn from for a segment of `sizeBytes`, whatever its real source and
 * elapsed time: that of an origin transfer at the engine's HTTP estimates. Elapsed time would include the
 * scheduler's deliberate wait for a live segment to appear in the swarm (read as a slow link: the player
 * switches down and leaves the swarm of its rendition), and a peer relay of a few milliseconds would read
 * as a fast link the origin cannot sustain once the peer is gone. The HTTP estimate is what the player
 * falls back on, so it is what the rendition choice must rest on.
 */
export function estimateHttpTransfer(engine: HttpEstimates, sizeBytes: number): EstimatedHttpTransfer {
  const bandwidthBps = Math.max(1, engine.getBandwidthEstimate());
  return { bandwidthBps, ttfbMs: Math.max(0, engine.getTtfbEstimateMs()), transferMs: (sizeBytes * 8000) / bandwidthBps };
}
