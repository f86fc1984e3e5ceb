/** The engine's byte and segment counters, and the `stats()` snapshot made of them. */
import type { SegmentSource } from '../events';

export interface ShoalStats {
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  /** p2pBytes / (httpBytes + p2pBytes); 0 before any download. */
  p2pShare: number;
  /** Connected peers in this stream's swarm. */
  peerCount: number;
  swarmId: string | undefined;
  segmentsBySource: Record<SegmentSource, number>;
}

/** Bytes downloaded (by source) and uploaded, and segments delivered to the player by source. */
export class TransferStats {
  private readonly totals = { httpBytes: 0, p2pBytes: 0, uploadedBytes: 0 };
  private readonly segmentsBySource: Record<SegmentSource, number> = { http: 0, p2p: 0, cache: 0 };

  downloaded(source: 'http' | 'p2p', sizeBytes: number): void {
    this.totals[source === 'http' ? 'httpBytes' : 'p2pBytes'] += sizeBytes;
  }

  uploaded(sizeBytes: number): void {
    this.totals.uploadedBytes += sizeBytes;
  }

  /** A segment handed to the player, from `source`. */
  delivered(source: SegmentSource): void {
    this.segmentsBySource[source]++;
  }

  snapshot(swarm: { peerCount: number; swarmId: string | undefined }): ShoalStats {
    const { httpBytes, p2pBytes, uploadedBytes } = this.totals;
    const downloaded = httpBytes + p2pBytes;
    return {
      httpBytes,
      p2pBytes,
      uploadedBytes,
      p2pShare: downloaded === 0 ? 0 : p2pBytes / downloaded,
      peerCount: swarm.peerCount,
      swarmId: swarm.swarmId,
      segmentsBySource: { ...this.segmentsBySource },
    };
  }
}
