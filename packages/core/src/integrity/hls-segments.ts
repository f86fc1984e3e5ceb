/**
 * The segments an HLS VOD playlist lists (a master's media playlists included), for the publisher tools:
 * each with its URI relative to the given playlist's folder and its `EXT-X-BYTERANGE`. Node-only (reads
 * files); a line parser, not a full HLS parser: it reads what segment entries need.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { ByteRange } from '../types';

export interface ListedSegment {
  /** Relative to the folder of the playlist first given (posix separators). */
  uri: string;
  byteRange?: ByteRange;
}

export function isHlsMasterPlaylist(text: string): boolean {
  return text.includes('#EXT-X-STREAM-INF');
}

/** Every media segment of `playlistPath` (a master: of each media playlist it names, once each). */
export async function hlsSegmentsOf(playlistPath: string): Promise<ListedSegment[]> {
  const text = await readFile(playlistPath, 'utf8');
  if (!isHlsMasterPlaylist(text)) return mediaSegmentsOf(text, '');
  const segments: ListedSegment[] = [];
  const seen = new Set<string>();
  for (const uri of mediaPlaylistUris(text)) {
    if (seen.has(uri) || /^[a-z]+:/i.test(uri)) continue;
    seen.add(uri);
    const mediaText = await readFile(join(dirname(playlistPath), ...uri.split('/')), 'utf8');
    segments.push(...mediaSegmentsOf(mediaText, posix.dirname(uri)));
  }
  return segments;
}

/** URIs of the media playlists a master names: variant lines and `EXT-X-MEDIA` `URI`s. */
function mediaPlaylistUris(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const uris: string[] = [];
  lines.forEach((line, index) => {
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const next = lines.slice(index + 1).find((l) => l && !l.startsWith('#'));
      if (next) uris.push(next);
    }
    const media = /^#EXT-X-MEDIA:.*URI="([^"]+)"/.exec(line);
    if (media) uris.push(media[1]!);
  });
  return uris;
}

/** Segments of a media playlist; `folder` (posix, '' or '.' for none) prefixes their URIs. */
function mediaSegmentsOf(text: string, folder: string): ListedSegment[] {
  const segments: ListedSegment[] = [];
  let pendingRange: { lengthBytes: number; offsetBytes: number | undefined } | undefined;
  const nextOffsetOf = new Map<string, number>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const range = /^#EXT-X-BYTERANGE:(\d+)(?:@(\d+))?/.exec(line);
    if (range) pendingRange = { lengthBytes: Number(range[1]), offsetBytes: range[2] === undefined ? undefined : Number(range[2]) };
    if (!line || line.startsWith('#')) continue;
    const uri = folder === '' || folder === '.' ? line : posix.join(folder, line);
    if (pendingRange) {
      const startByte = pendingRange.offsetBytes ?? nextOffsetOf.get(uri) ?? 0;
      const byteRange = { startByte, endByte: startByte + pendingRange.lengthBytes - 1 };
      nextOffsetOf.set(uri, byteRange.endByte + 1);
      segments.push({ uri, byteRange });
      pendingRange = undefined;
    } else segments.push({ uri });
  }
  return segments;
}
