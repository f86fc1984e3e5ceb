/** Every event a Shoal engine emits, with its payload: one map, so `engine.on(name, fn)` is fully typed. */
import type { ShoalError } from './errors';
import type { SegmentKey } from './types';

export type SegmentSource = 'http' | 'p2p' | 'cache';

export interface SegmentLoadedEvent {
  key: SegmentKey;
  source: SegmentSource;
  sizeBytes: number;
  /** Bytes that came from peers (the rest from HTTP or the cache). */
  p2pBytes: number;
  durationMs: number;
  /** Peer ids that sent at least one block. */
  peerIds: string[];
}

export interface ShoalEvents {
  'peer:connected': (event: { peerId: string }) => void;
  /** `reason` is set when the peer was dropped for misbehaving or its connection failed. */
  'peer:closed': (event: { peerId: string; reason?: ShoalError }) => void;
  'segment:loaded': (event: SegmentLoadedEvent) => void;
  'segment:failed': (event: { key: SegmentKey; error: ShoalError }) => void;
  'bytes:downloaded': (event: { source: 'http' | 'p2p'; sizeBytes: number; peerId?: string }) => void;
  'bytes:uploaded': (event: { sizeBytes: number; peerId: string }) => void;
  'tracker:warning': (event: { error: ShoalError }) => void;
  /**
   * A peer sent a block that does not match the integrity manifest: the block is fetched again elsewhere,
   * the peer is dropped (`peer:closed` with reason `corrupt-data`) and refused for the engine's life.
   */
  'integrity:violation': (event: { peerId: string; key: SegmentKey; blockIndex: number }) => void;
  /**
   * The integrity manifest could not be fetched or read, or this page cannot hash: segments without a
   * verified entry are fetched over HTTP only. Never a playback error.
   */
  'integrity:warning': (event: { error: ShoalError }) => void;
  /**
   * The persistent cache (`persistentCache`) failed (IndexedDB unavailable, quota exceeded, a failed read
   * or write): segments are kept in memory from then on. Never a playback error.
   */
  'storage:warning': (event: { error: ShoalError }) => void;
  /** The persistent cache opened for this VOD stream, holding this many of its segments from earlier pages. */
  'storage:restored': (event: { segmentCount: number; sizeBytes: number }) => void;
}
