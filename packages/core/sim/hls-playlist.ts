/**
 * HLS media playlists over HTTP, for a modelled player following a real origin: a `PlaylistSource` that
 * fetches and parses the playlist each time it is asked.
 */
import type { SegmentDescription } from '../src/index';
import type { LivePlaylist, ManifestSource, PlayerRendition, PlaylistSource } from './playlist-source';

/** The part of `fetch` a playlist source needs (a real `fetch` fits). */
export type PlaylistFetch = (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** Used when a playlist has no `#EXT-X-TARGETDURATION`, in seconds: the shortest the tag allows. */
const FALLBACK_TARGET_DURATION_SEC = 1;

/**
 * Segments and target duration of an HLS media playlist. Segment ids are media sequence numbers; segment n
 * starts at n × its duration, which holds for the constant-duration live streams the tests publish.
 */
export function parseMediaPlaylist(text: string, playlistUrl: string): LivePlaylist {
  const firstId = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(text)?.[1] ?? 0);
  const targetDurationSec = Number(/^#EXT-X-TARGETDURATION:(\d+)$/m.exec(text)?.[1] ?? FALLBACK_TARGET_DURATION_SEC);
  const segments: SegmentDescription[] = [];
  let durationSec: number | undefined;
  for (const line of text.split('\n')) {
    const info = /^#EXTINF:([\d.]+)/.exec(line);
    if (info) durationSec = Number(info[1]);
    else if (line !== '' && !line.startsWith('#') && durationSec !== undefined) {
      const segmentId = firstId + segments.length;
      segments.push({ segmentId, url: new URL(line, playlistUrl).href, durationSec, startTimeSec: segmentId * durationSec });
      durationSec = undefined;
    }
  }
  return { segments, targetDurationSec };
}

/** A rendition's media playlist at `url`, fetched with `fetchPlaylist` (default: the global `fetch`). */
export function httpPlaylistSource(url: string, fetchPlaylist: PlaylistFetch = (u) => fetch(u)): PlaylistSource {
  return {
    load: async () => {
      const response = await fetchPlaylist(url);
      if (!response.ok) throw new Error(`playlist ${url}: HTTP ${response.status}`);
      return parseMediaPlaylist(await response.text(), url);
    },
  };
}

/**
 * A stream with no multivariant playlist, only the media playlist at `playlistUrl`: one rendition
 * (`renditionId`), known without a round trip; the playlist URL is the manifest URL.
 */
export function mediaPlaylistManifest(playlistUrl: string, options: { renditionId?: string; fetchPlaylist?: PlaylistFetch } = {}): ManifestSource {
  const rendition: PlayerRendition = {
    id: options.renditionId ?? 'main',
    metadata: { name: 'main' },
    playlist: httpPlaylistSource(playlistUrl, options.fetchPlaylist),
  };
  return { url: playlistUrl, load: async () => [rendition] };
}
