/** What the demo page exposes on `window.shoalDemo`, to tests, benchmarks and the console. */
import type { ShoalEngine } from '@shoal/core';
import type { PlayerId } from './players/index';
import type { PlayerQuality } from './players/types';

export interface PeerSegmentRecord {
  url: string;
  startByte?: number;
  endByte?: number;
  sha256: string;
}

/**
 * What an hls.js player did with its main media fragments, by media sequence number (`frag.sn`), so a test
 * can tell a fragment the player gave up on from one still in flight. Filled on the hls.js page.
 */
export interface FragmentRecord {
  /** Media sequence numbers hls.js started loading (`FRAG_LOADING`), each once, in order. */
  requested: number[];
  /** Media sequence numbers hls.js loaded (`FRAG_LOADED`), each once, in order. */
  loaded: number[];
  /** Non-fatal hls.js errors by `details` (`fragLoadError`, `levelLoadError`...): retries, not failures. */
  nonFatalErrors: Record<string, number>;
  /**
   * What happened to main fragments around their failures, in order: `[msSincePageStart, sn, event]`, where
   * event is `loading`, `loaded` or `error` (hls.js's fragLoadError or fragLoadTimeOut). Only fragments that
   * failed at least once are kept, so a fault's retry schedule can be read against the plain page's.
   */
  failures: Array<[number, number, 'loading' | 'loaded' | 'error']>;
}

export interface DemoState {
  /** Which player runs (`?player=`). */
  player: PlayerId;
  engine: ShoalEngine;
  /** The player object: `Hls` or `shaka.Player` (undefined until it started). */
  instance: unknown;
  /** The same `Hls` object as `instance` on the hls.js page (older tests and benchmarks read it). */
  hls?: unknown;
  p2p: boolean;
  streamUrl: string;
  errors: string[];
  /** `waiting` events after playback started (seeks excluded). */
  stalls: number;
  /** Milliseconds spent in those stalls, each from its `waiting` to the next `playing` (an ongoing one excluded). */
  stalledMs: number;
  /** `performance.now()` when the ongoing stall began; undefined while playing. */
  stalledSinceMs: number | undefined;
  /** Milliseconds from page script start to the first `playing`. */
  startupMs: number | undefined;
  /** Segments that came from peers or the cache: URL, byte range and SHA-256 of the bytes. */
  p2pSegments: PeerSegmentRecord[];
  /** Media segment bytes the player loaded, from any source (the plain page's HTTP bytes). */
  httpFragmentBytes: number;
  /** The main fragments hls.js asked for and got (hls.js page; empty with other players). */
  fragments: FragmentRecord;
  /** `integrity:violation` events: peers that sent a block failing its hash, and which. */
  integrityViolations: Array<{ peerId: string; segment: string; blockIndex: number }>;
  /** `peer:closed` events with the reason's code, when there was one (`corrupt-data` for a liar). */
  closedPeers: Array<{ peerId: string; code?: string }>;
  /** Every peer this page connected to (`peer:connected`), in order. */
  connectedPeers: string[];
  /** Latency and active rendition, as the player reports them. */
  quality(): PlayerQuality;
}

declare global {
  interface Window {
    shoalDemo?: DemoState;
  }
}

/** Keep the integrity events and why peers left, for tests and the console. */
export function recordIntegrity(engine: ShoalEngine, state: DemoState): void {
  engine.on('integrity:violation', ({ peerId, key, blockIndex }) => {
    state.integrityViolations.push({ peerId, segment: `${key.renditionId}/${key.segmentId}`, blockIndex });
    console.warn(`integrity: peer ${peerId} sent a corrupt block ${blockIndex} of ${key.renditionId}/${key.segmentId}; dropped`);
  });
  engine.on('integrity:warning', ({ error }) => console.warn('integrity (segments without an entry come over HTTP):', error.message));
  engine.on('peer:closed', ({ peerId, reason }) => state.closedPeers.push(reason ? { peerId, code: reason.code } : { peerId }));
  engine.on('peer:connected', ({ peerId }) => state.connectedPeers.push(peerId));
}

/** Wrap `loadSegment` to hash what did not come from the origin, so a test can compare with it. */
export function recordPeerSegments(engine: ShoalEngine, state: DemoState): void {
  const load = engine.loadSegment.bind(engine);
  engine.loadSegment = async (segment, options) => {
    const result = await load(segment, options);
    if (result.source !== 'http' || result.p2pBytes > 0) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', result.bytes as Uint8Array<ArrayBuffer>));
      const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      state.p2pSegments.push({ url: segment.url, ...(segment.byteRange ?? {}), sha256 });
    }
    return result;
  };
}
