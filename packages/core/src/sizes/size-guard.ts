/**
 * Drops the peers whose announced segment size the origin contradicts (`peer-wrong-size`, `peer:closed`):
 *
 * - a peer announcing a **complete** segment of another size than the origin's, when its `have` arrives
 *   for a segment whose origin size is known, or when the origin's size becomes known (an HTTP response)
 *   for what it announced before: it claims to hold every byte of a segment that cannot exist, so whatever
 *   it would serve is wrong;
 * - a holder whose size hint a download used, once the origin proved the hint wrong
 *   (`SegmentDownload` calls `dropForWrongSize` on them).
 *
 * A **partial** announcement of a wrong size is only not used (`size-claims.ts`), not punished: a viewer
 * relaying a download that a liar's hint sized announces that size in good faith until the origin
 * corrects it, and dropping it would let one liar cut honest viewers off from each other.
 */
import { ShoalError } from '../errors';
import type { Peer } from '../swarm/peer';
import type { Swarm } from '../swarm/swarm';
import type { SegmentKey } from '../types';
import type { OriginSizes, OriginSizeSource } from './origin-sizes';
import { contradictsOrigin } from './size-claims';

export interface SizeGuardOptions {
  sizes: OriginSizes;
  swarm: Pick<Swarm, 'on' | 'off' | 'peersHolding'>;
}

export class SizeGuard {
  private readonly options: SizeGuardOptions;
  private destroyed = false;

  constructor(options: SizeGuardOptions) {
    this.options = options;
    options.sizes.on('learned', this.onLearned);
    options.swarm.on('holdings:changed', this.onHoldings);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.options.sizes.off('learned', this.onLearned);
    this.options.swarm.off('holdings:changed', this.onHoldings);
  }

  private readonly onLearned = (key: SegmentKey, sizeBytes: number, source: OriginSizeSource): void => {
    for (const { peer, held } of this.options.swarm.peersHolding(key)) {
      if (!held.partial && contradictsOrigin(held.sizeBytes, sizeBytes)) dropForWrongSize(peer, key, held.sizeBytes, `the origin says ${sizeBytes} (${source})`);
    }
  };

  private readonly onHoldings = (peer: Peer, renditionId: string, segmentIds: number[]): void => {
    for (const segmentId of segmentIds) {
      const key = { renditionId, segmentId };
      const held = peer.holds(key);
      const known = held && !held.partial && this.options.sizes.known(key);
      if (!held || !known || !contradictsOrigin(held.sizeBytes, known.sizeBytes)) continue;
      dropForWrongSize(peer, key, held.sizeBytes, `the origin says ${known.sizeBytes} (${known.source})`);
      return;
    }
  };
}

/** Close a peer whose announced size of `key` proved wrong, saying why (`peer-wrong-size`). */
export function dropForWrongSize(peer: Peer, key: SegmentKey, claimedBytes: number, evidence: string): void {
  peer.drop(
    new ShoalError('peer-wrong-size', `Peer announced ${claimedBytes} bytes for segment ${key.renditionId}/${key.segmentId}; ${evidence}`, {
      source: 'p2p',
    }),
  );
}
