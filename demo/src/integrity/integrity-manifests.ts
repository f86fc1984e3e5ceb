/**
 * The integrity manifests of every demo stream (`@shoal/core/integrity` publisher tools, format in
 * `packages/core/INTEGRITY.md`), served at `<playlist>.integrity.json` beside each master playlist or MPD:
 *   - VOD: made once per playlist from its files (`createIntegrityManifest`), as `npx shoal-integrity` would;
 *   - live HLS: the streaming mode (`LiveIntegrityManifest.addSegment`), extended with each segment as it is
 *     published on the live clock, before any playlist lists it (the window's segments are added when the
 *     manifest is asked for, so it covers every segment the playlists name now);
 *   - live DASH: the same, over the bytes the origin serves (media times moved on per loop).
 * Single-file DASH (SegmentList mediaRange, SegmentBase + sidx) has an entry per segment range as well.
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { createIntegrityManifest, INTEGRITY_FILE_SUFFIX, LiveIntegrityManifest, type IntegrityManifestJson } from '@shoal/core/integrity';
import { liveSegmentUri, vodIndexOfSequence, type LiveTimeline } from '../hls/live-timeline';
import { fillTemplate, type DashVodTemplate } from '../dash/live-mpd';

/**
 * A live manifest keeps each rendition's window and this many segments more (a playlist fetched just
 * before the window moved still finds its entries). No more: every viewer fetches the whole manifest once
 * per new segment, so each entry kept is origin bytes per viewer per segment (measured with 4 windows
 * kept: the integrity manifests came to a third of the media bytes Shoal took from the origin on live DASH).
 */
const WINDOW_MARGIN_SEGMENTS = 2;

export { INTEGRITY_FILE_SUFFIX };

export interface IntegrityManifestsOptions {
  mediaDir: string;
  /** Live media playlists keyed by path in the media folder (`hls-ts/v0/index.m3u8`). */
  timelines: Map<string, LiveTimeline>;
  /** Live segments of a timeline published now (0..count-1). */
  publishedCount(timeline: LiveTimeline): number;
  windowSegments: number;
  /** Live DASH MPDs keyed by path in the media folder (`dash/manifest.mpd`). */
  dashTemplates: Map<string, DashVodTemplate>;
  /** Live DASH segments published now. */
  dashPublishedCount(template: DashVodTemplate): number;
  /** The bytes the origin serves at a live path (relative to `/live/`). */
  liveBytes(liveRel: string): Promise<Uint8Array | undefined>;
}

export interface IntegrityManifests {
  /** The manifest of `/<mode>/<rel>` where `rel` ends with `.integrity.json`; undefined when there is none. */
  manifestFor(mode: 'vod' | 'live', rel: string): Promise<IntegrityManifestJson | undefined>;
}

export function createIntegrityManifests(options: IntegrityManifestsOptions): IntegrityManifests {
  const vod = new Map<string, Promise<IntegrityManifestJson | undefined>>();
  const live = new Map<string, LiveIntegrityManifest>();

  async function vodManifest(playlistRel: string): Promise<IntegrityManifestJson | undefined> {
    const playlistPath = join(options.mediaDir, ...playlistRel.split('/'));
    const folder = playlistRel.endsWith('.mpd') ? join(playlistPath, '..') : playlistPath;
    const created = await createIntegrityManifest(folder).catch(() => []);
    return created.find((c) => c.manifestPath === playlistPath + INTEGRITY_FILE_SUFFIX)?.manifest;
  }

  /** Every live HLS segment published in a window below the master's folder, added once. */
  async function liveManifest(masterRel: string): Promise<IntegrityManifestJson | undefined> {
    const masterFolder = posix.dirname(masterRel);
    const timelines = [...options.timelines].filter(([rel]) => posix.dirname(posix.dirname(rel)) === masterFolder);
    if (timelines.length === 0) return undefined;
    let manifest = live.get(masterRel);
    if (!manifest) live.set(masterRel, (manifest = new LiveIntegrityManifest({ maxSegments: timelines.length * (options.windowSegments + WINDOW_MARGIN_SEGMENTS) })));
    for (const [playlistRel, timeline] of timelines) {
      const playlistFolder = posix.dirname(playlistRel);
      const count = options.publishedCount(timeline);
      for (let k = Math.max(0, count - options.windowSegments); k < count; k++) {
        const segment = timeline.playlist.segments[vodIndexOfSequence(timeline, k)];
        if (!segment) continue;
        const uri = posix.relative(masterFolder, posix.join(playlistFolder, liveSegmentUri(timeline, k)));
        const byteRange = segment.byteRange && { startByte: segment.byteRange.offsetBytes, endByte: segment.byteRange.offsetBytes + segment.byteRange.lengthBytes - 1 };
        if (manifest.has(uri, byteRange)) continue;
        const file = await readFile(join(options.mediaDir, ...posix.join(playlistFolder, segment.uri).split('/')));
        manifest.addSegment(uri, byteRange ? file.subarray(byteRange.startByte, byteRange.endByte + 1) : file, byteRange);
      }
    }
    return manifest.toJSON();
  }

  /** Every live DASH segment of each Representation published in a window, added once. */
  async function liveDashManifest(mpdRel: string): Promise<IntegrityManifestJson | undefined> {
    const template = options.dashTemplates.get(mpdRel);
    if (!template) return undefined;
    const representationIds = [...template.text.matchAll(/<Representation\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
    let manifest = live.get(mpdRel);
    if (!manifest) live.set(mpdRel, (manifest = new LiveIntegrityManifest({ maxSegments: representationIds.length * (options.windowSegments + WINDOW_MARGIN_SEGMENTS) })));
    const count = options.dashPublishedCount(template);
    for (let index = Math.max(0, count - options.windowSegments); index < count; index++) {
      for (const id of representationIds) {
        const uri = fillTemplate(template.mediaTemplate, id, template.startNumber + index);
        if (manifest.has(uri)) continue;
        const bytes = await options.liveBytes(posix.join(posix.dirname(mpdRel), uri));
        if (bytes) manifest.addSegment(uri, bytes);
      }
    }
    return manifest.toJSON();
  }

  return {
    manifestFor(mode, rel) {
      if (!rel.endsWith(INTEGRITY_FILE_SUFFIX)) return Promise.resolve(undefined);
      const playlistRel = rel.slice(0, -INTEGRITY_FILE_SUFFIX.length);
      if (mode === 'live') return playlistRel.endsWith('.m3u8') ? liveManifest(playlistRel) : liveDashManifest(playlistRel);
      let made = vod.get(playlistRel);
      if (!made) vod.set(playlistRel, (made = vodManifest(playlistRel)));
      return made;
    },
  };
}
