/**
 * What one remote peer may make this viewer hold or do. Every per-peer structure is capped here; a peer
 * that goes past a cap is dropped with `ShoalError('peer-limit-exceeded')` naming the cap (`limit`).
 * `SECURITY.md` ("Limits") adds them up into what `maxPeers` hostile peers can make an engine hold.
 */

/**
 * Segments one peer may announce at once (all renditions). Honest holdings are bounded by the holder's
 * store: the default 256 MiB `storageCapBytes` holds 8,192 segments of 32 KiB, a quarter of the smallest
 * real media segment (2 s at 500 kbit/s is 125 KiB), or a 1 GiB store of such segments.
 */
export const MAX_PEER_HELD_SEGMENTS = 8_192;

/**
 * Renditions one peer may announce holdings of. Real streams have a few video and audio renditions and
 * some subtitle tracks; 128 is far above any ladder we know.
 */
export const MAX_PEER_HELD_RENDITIONS = 128;

/**
 * Bytes of memory one announced segment costs us (a Map entry, its object with a 44-char commitment
 * string): measured at 278 B in Node 20's V8 (heap after GC, 327,680 entries), rounded up. Used to state
 * the have-state bound in bytes (`MAX_PEER_HAVE_STATE_BYTES`), not to count.
 */
export const HELD_SEGMENT_STATE_BYTES = 320;

/** Bytes of have-state one peer can make us hold: 8,192 × 320 B = 2.5 MiB. */
export const MAX_PEER_HAVE_STATE_BYTES = MAX_PEER_HELD_SEGMENTS * HELD_SEGMENT_STATE_BYTES;

/**
 * A peer's requests we have not finished serving, at most. An honest requester has at most
 * `peerPipelineBlocks` (default 32) per download outstanding, and `maxParallelP2P` (default 3) downloads:
 * 96; 512 leaves room for larger pipelines. Each costs ~200 B while queued.
 */
export const MAX_PEER_QUEUED_REQUESTS = 512;

/**
 * Bytes a peer may have asked for and not yet received from us. An honest requester asks one block per
 * request (63 KiB): 96 outstanding blocks ≈ 6 MiB; 32 MiB leaves room for larger pipelines. Nothing is
 * copied for a queued request (blocks are views of held bytes): this caps upload work, not memory.
 */
export const MAX_PEER_QUEUED_REQUEST_BYTES = 32 * 1024 * 1024;

/** Which cap a peer exceeded: the `limit` of its `peer-limit-exceeded` drop. */
export type PeerLimitName =
  | 'held-segments'
  | 'held-renditions'
  | 'queued-requests'
  | 'queued-request-bytes'
  | 'duplicate-request';
