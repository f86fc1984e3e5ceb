/**
 * Where a modelled player gets its stream: the contracts only. The manifest lists the renditions, each
 * rendition has a live media playlist. Over HTTP from a real origin (`hls-playlist.ts`), or straight from
 * the simulator's stream on the virtual clock (`live-simulation.ts`).
 */
import type { RenditionMetadata, SegmentDescription } from '../src/index';

/** A live media playlist as a player reads it: the sliding window of published segments. */
export interface LivePlaylist {
  /** Oldest first; `startTimeSec` on the stream's media timeline. */
  segments: SegmentDescription[];
  /** `#EXT-X-TARGETDURATION`: the longest segment, in seconds; the player's refresh period derives from it. */
  targetDurationSec: number;
}

export interface PlaylistSource {
  /** The playlist as it is now (a round trip to the origin, however that is modelled); rejects if unavailable. */
  load(): Promise<LivePlaylist>;
}

/** One rendition of the stream, as data: what the engine is told, and where its playlist comes from. */
export interface PlayerRendition {
  /** The engine's rendition id (the segment keys peers exchange). */
  id: string;
  metadata: RenditionMetadata;
  playlist: PlaylistSource;
}

export interface ManifestSource {
  /** The manifest (multivariant playlist) URL: the engine's swarm derives from it. */
  readonly url: string;
  /** The stream's renditions (a round trip to the origin, however that is modelled); rejects if unavailable. */
  load(): Promise<PlayerRendition[]>;
}
