/**
 * Drops every peer whose announced segment size the origin contradicts: at once when its `have` arrives
 * for a segment whose origin size is known, and when the origin's size becomes known (an HTTP response)
 * for what peers announced before. The peer closes with a `peer-wrong-size` reason (`peer:closed`). A
 * peer that relayed a liar's wrong size in good faith is dropped too: its claim was wrong all the same,
 * and it may connect again later (the drop is not a ban).
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
      if (contradictsOrigin(held.sizeBytes, sizeBytes)) dropLiar(peer, key, held.sizeBytes, sizeBytes, source);
    }
  };

  private readonly onHoldings = (peer: Peer, renditionId: string, segmentIds: number[]): void => {
    for (const segmentId of segmentIds) {
      const key = { renditionId, segmentId };
      const held = peer.holds(key);
      const known = held && this.options.sizes.known(key);
      if (!held || !known || !contradictsOrigin(held.sizeBytes, known.sizeBytes)) continue;
      dropLiar(peer, key, held.sizeBytes, known.sizeBytes, known.source);
      return;
    }
  };
}

function dropLiar(peer: Peer, key: SegmentKey, claimedBytes: number, originBytes: number, source: OriginSizeSource): void {
  peer.drop(
    new ShoalError('peer-wrong-size', `Peer announced ${claimedBytes} bytes for segment ${key.renditionId}/${key.segmentId}; the origin says ${originBytes} (${source})`, {
      source: 'p2p',
    }),
  );
}
