/**
 * Which announced sizes a P2P download may use: pure rules, shared by the scheduler's snapshot (who counts
 * as a holder) and `SegmentDownload.startP2P` (whom it asks, and the size it allocates).
 *
 * - The origin's size, when known, is the segment's size: only holders announcing exactly it are used; a
 *   holder announcing another is not (and `SizeGuard` drops it).
 * - Otherwise a peer's size is a hint: usable only when it is at most `maxSegmentBytes` (so no peer makes
 *   us allocate more) and every holder announcing a size agrees. Holders that disagree prove that one of
 *   them lies without saying which: none is used, the segment comes over HTTP, and the origin's answer
 *   (its `Content-Length`) then tells the liars apart. A liar can so cost a viewer its P2P share for a
 *   segment, never the segment itself.
 * - A hint-sized download is checked again when HTTP completes its missing ranges (`Content-Range` total,
 *   a 416, a short range): a contradiction restarts the whole segment over HTTP (`SegmentDownload`).
 */

/** The size a P2P download uses, and whether it is the origin's (else a peer's hint). */
export interface P2PSize {
  sizeBytes: number;
  fromOrigin: boolean;
}

/**
 * The size to download at, given the sizes the holders announced (0: a holder with no byte yet, ignored),
 * the origin's size if known, and the cap on hints; undefined when no holder may be used.
 */
export function p2pSizeOf(claimedSizesBytes: readonly number[], originSizeBytes: number | undefined, maxSegmentBytes: number): P2PSize | undefined {
  if (originSizeBytes !== undefined) return { sizeBytes: originSizeBytes, fromOrigin: true };
  const claims = claimedSizesBytes.filter((sizeBytes) => sizeBytes > 0);
  if (claims.length === 0) return undefined;
  const first = claims[0]!;
  if (first > maxSegmentBytes || claims.some((sizeBytes) => sizeBytes !== first)) return undefined;
  return { sizeBytes: first, fromOrigin: false };
}

/** Whether a holder's announced size lets it serve a download of `size`. */
export function isUsableClaim(claimedSizeBytes: number, size: P2PSize | undefined): boolean {
  return size !== undefined && claimedSizeBytes === size.sizeBytes;
}

/** Whether an announced size is a lie the origin's size proves (0, "no byte yet", claims nothing). */
export function contradictsOrigin(claimedSizeBytes: number, originSizeBytes: number): boolean {
  return claimedSizeBytes > 0 && claimedSizeBytes !== originSizeBytes;
}
