/**
 * Which neighbour to let go when a viewer has more than `maxPeers`: a pure function, so the rule reads
 * and tests as a table. We keep the neighbours that serve us (bytes received from them), then those
 * playing what we play (they will hold what we need next), then those we serve; the first to go is the
 * one that is worst by that order.
 */
export interface NeighbourCandidate<P> {
  peer: P;
  /** Bytes this neighbour sent us. */
  servedUsBytes: number;
  /** Bytes we sent it. */
  servedThemBytes: number;
  /** It plays one of the renditions we play. */
  playsOurRenditions: boolean;
}

export function choosePeerToDrop<P>(candidates: Array<NeighbourCandidate<P>>): P | undefined {
  let worst: NeighbourCandidate<P> | undefined;
  for (const candidate of candidates) {
    if (!worst || compareUsefulness(candidate, worst) < 0) worst = candidate;
  }
  return worst?.peer;
}

/** Negative when `a` is less useful than `b`. */
function compareUsefulness<P>(a: NeighbourCandidate<P>, b: NeighbourCandidate<P>): number {
  const servesA = a.servedUsBytes > 0;
  const servesB = b.servedUsBytes > 0;
  if (servesA !== servesB) return servesA ? 1 : -1;
  if (a.playsOurRenditions !== b.playsOurRenditions) return a.playsOurRenditions ? 1 : -1;
  if (a.servedUsBytes !== b.servedUsBytes) return a.servedUsBytes - b.servedUsBytes;
  return a.servedThemBytes - b.servedThemBytes;
}
