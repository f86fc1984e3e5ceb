/**
 * Gaps in the buffer this small count as no gap when reporting how far the buffer reaches: Shaka's gap
 * jumping skips them (its `streaming.smallGapLimit` defaults to 0.5 s).
 */
export const BUFFER_HOLE_TOLERANCE_SEC = 0.5;
