/**
 * How fast this viewer's uplink drains what the uploader hands to its connections — measured, not
 * configured: a viewer's upload is one shared line (a few Mbit/s at home, less on mobile), and every peer
 * it serves queues behind the others on it.
 *
 * The uploader reports, whenever it sends or looks, the bytes it has handed to transports in all
 * (`sentBytes`) and the bytes still queued in them (`bufferedBytes`, the sum of their `bufferedAmount`).
 * What left the queues between two reports, over the time between them, is a rate sample — but only when
 * the queues held bytes throughout: a queue that ran empty drained everything it had and says nothing
 * about how much more the line could have carried. The uploader reports after every send, so between two
 * reports nothing was added: the queues ran empty in between when as many bytes left as they held at the
 * first (seen empty at the second or not — a fast line drains a block in milliseconds, and the next send
 * may come seconds later: counted as busy time, that gap would read a fast line as a slow one, and the
 * uploader would answer `busy` to requests it could serve at once). Samples of at least `MIN_SAMPLE_MS`, each ending
 * when bytes have left since the last (a queue drains in whole frames: an interval that ends mid-frame
 * would read 0, the next one too much), feed an exponentially weighted mean. Pure and clock-free: the caller passes the time.
 */

/** Shorter intervals are merged into the next sample (timer and event jitter would dominate them). */
export const MIN_SAMPLE_MS = 100;
/** Weight of each new sample in the mean: the estimate follows a changed line within a few samples. */
const SAMPLE_WEIGHT = 0.3;

export class UplinkEstimator {
  private rate: number | undefined;
  private last: { atMs: number; drainedBytes: number } | undefined;
  /** The previous report: bytes drained until then, and bytes the queues held. */
  private previous: { drainedBytes: number; bufferedBytes: number } | undefined;

  /** Bytes per second the uplink drained while it was busy; undefined until it was busy long enough once. */
  get bytesPerSec(): number | undefined {
    return this.rate;
  }

  observe(nowMs: number, sentBytes: number, bufferedBytes: number): void {
    const drainedBytes = sentBytes - bufferedBytes;
    const previous = this.previous;
    this.previous = bufferedBytes > 0 ? { drainedBytes, bufferedBytes } : undefined;
    if (bufferedBytes <= 0) {
      // Idle, or just emptied: the interval that ends here may include idle time. Start afresh next send.
      this.last = undefined;
      return;
    }
    // Emptied since the previous report (all it held left): idle for an unknown part of the interval.
    const emptied = previous !== undefined && drainedBytes - previous.drainedBytes >= previous.bufferedBytes;
    if (this.last === undefined || emptied) {
      this.last = { atMs: nowMs, drainedBytes };
      return;
    }
    const elapsedMs = nowMs - this.last.atMs;
    if (elapsedMs < MIN_SAMPLE_MS) return;
    // Nothing left the queues yet: a frame is still on the line (transports count a frame as buffered
    // until all of it is out). The interval is merged into the next sample rather than sampled as 0.
    if (drainedBytes <= this.last.drainedBytes) return;
    const sample = ((drainedBytes - this.last.drainedBytes) / elapsedMs) * 1000;
    this.rate = this.rate === undefined ? sample : this.rate + SAMPLE_WEIGHT * (sample - this.rate);
    this.last = { atMs: nowMs, drainedBytes };
  }
}
