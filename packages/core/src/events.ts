/** Every event a Shoal engine emits, with its payload: one map, so `engine.on(name, fn)` is fully typed. */
import type { ShoalError } from './errors';
import type { SuspectReason } from './commitments/commitment-context';
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
   * A peer sent a block that does not match the integrity manifest (`blockIndex` -1: without a manifest, a
   * whole segment that did not match the commitment it alone made): the bytes are fetched again elsewhere,
   * the peer is dropped (`peer:closed` with reason `corrupt-data`) and refused for the engine's life.
   */
  'integrity:violation': (event: { peerId: string; key: SegmentKey; blockIndex: number }) => void;
  /**
   * Without a manifest: peer bytes of a segment were not used — the assembled segment did not match its
   * holders' commitments (`commitment-mismatch`), the commitments disagreed (`commitment-conflict`), or the
   * player refused it (`player-rejected`, `engine.reportRejected`). It comes over HTTP; `peerIds` (the
   * peers that sent bytes) are on probation: each may next serve only alone. A sender proven to lie also
   * gets `integrity:violation` with `blockIndex` -1 (the whole segment).
   */
  'integrity:suspect': (event: { key: SegmentKey; peerIds: string[]; reason: SuspectReason }) => void;
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
  /**
   * A bug of ours was caught where it would have escaped (a timer, a peer message, one segment's step):
   * `error.code` is `internal-error`. The segment concerned (`key`) falls back to HTTP; a peer concerned
   * is dropped. Never a playback error.
   */
  'engine:error': (event: { error: ShoalError; key?: SegmentKey }) => void;
  'storage:restored': (event: { segmentCount: number; sizeBytes: number }) => void;
}
