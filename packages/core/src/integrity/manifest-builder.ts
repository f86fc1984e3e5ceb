/**
 * Node-only publisher tools for the integrity manifest (`INTEGRITY.md`), exported by `@shoal/core/node`:
 * the entry of one segment, a whole VOD manifest from a playlist or a folder, and a live manifest that a
 * packager extends segment by segment (`LiveIntegrityManifest.addSegment`). Hashing is Node's `crypto`.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import type { ByteRange } from '../types';
import { BLOCK_BYTES } from '../wire/messages';
import { INTEGRITY_MANIFEST_VERSION, type IntegrityManifestJson, type IntegritySegmentJson } from './integrity-manifest';
import { dashSegmentRangesOf, dashSingleFilesOf } from './dash-ranges';
import { hlsSegmentsOf, isHlsMasterPlaylist } from './hls-segments';

/** What `shoal-integrity` appends to a playlist's file name for its manifest (and the engine's usual template). */
export const INTEGRITY_FILE_SUFFIX = '.integrity.json';

/** File extensions hashed whole when a folder is given: media segments of HLS and DASH. */
export const MEDIA_FILE_EXTENSIONS = ['.ts', '.m4s', '.mp4', '.m4a', '.m4v', '.aac', '.mp3', '.webm', '.cmfv', '.cmfa', '.vtt'];

function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/**
 * One segment's entry: the SHA-256 of each `BLOCK_BYTES` block (from the segment's first byte) and of the
 * whole. `bytes` are the segment's own bytes (for a byte range: only that range of the file).
 */
export function integritySegmentOf(uri: string, bytes: Uint8Array, byteRange?: ByteRange): IntegritySegmentJson {
  const blocks: string[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += BLOCK_BYTES) blocks.push(sha256Base64(bytes.subarray(offset, offset + BLOCK_BYTES)));
  return { uri, ...(byteRange ? { byteRange } : {}), sizeBytes: bytes.byteLength, sha256: sha256Base64(bytes), blocks };
}

/** A manifest of these entries. */
export function integrityManifestOf(segments: IntegritySegmentJson[]): IntegrityManifestJson {
  return { shoalIntegrity: INTEGRITY_MANIFEST_VERSION, hash: 'sha-256', blockBytes: BLOCK_BYTES, segments };
}

export interface CreatedIntegrityManifest {
  /** Where the manifest belongs: beside the playlist, named after it. */
  manifestPath: string;
  manifest: IntegrityManifestJson;
}

/**
 * The integrity manifest of a VOD stream. A playlist (`.m3u8`: a master and its media playlists, or one
 * media playlist) gives one entry per segment it lists, byte ranges included, URIs relative to the
 * playlist's folder. A folder gives, for each top-level playlist or MPD in it (masters only, when it has
 * any), every media file under the folder hashed whole (DASH `SegmentTemplate`/`SegmentList` files).
 */
export async function createIntegrityManifest(folderOrPlaylist: string): Promise<CreatedIntegrityManifest[]> {
  if (!(await stat(folderOrPlaylist)).isDirectory()) return [await manifestOfPlaylist(folderOrPlaylist)];
  const names = (await readdir(folderOrPlaylist)).sort();
  const playlists = names.filter((name) => ['.m3u8', '.mpd'].includes(extname(name)));
  const masters: string[] = [];
  for (const name of playlists) {
    if (extname(name) === '.mpd' || isHlsMasterPlaylist(await readFile(join(folderOrPlaylist, name), 'utf8'))) masters.push(name);
  }
  const chosen = masters.length > 0 ? masters : playlists;
  if (chosen.length === 0) throw new Error(`${folderOrPlaylist}: no .m3u8 or .mpd playlist in it`);
  const results: CreatedIntegrityManifest[] = [];
  for (const name of chosen) {
    const path = join(folderOrPlaylist, name);
    results.push(extname(name) === '.m3u8' ? await manifestOfPlaylist(path) : await manifestOfFolderFiles(folderOrPlaylist, path));
  }
  return results;
}

/** `createIntegrityManifest`, each manifest written beside its playlist. Returns the paths written. */
export async function writeIntegrityManifest(folderOrPlaylist: string): Promise<string[]> {
  const created = await createIntegrityManifest(folderOrPlaylist);
  for (const { manifestPath, manifest } of created) await writeFile(manifestPath, JSON.stringify(manifest));
  return created.map(({ manifestPath }) => manifestPath);
}

async function manifestOfPlaylist(playlistPath: string): Promise<CreatedIntegrityManifest> {
  const folder = dirname(playlistPath);
  const files = new Map<string, Uint8Array>();
  const segments: IntegritySegmentJson[] = [];
  for (const { uri, byteRange } of await hlsSegmentsOf(playlistPath)) {
    let file = files.get(uri);
    if (!file) files.set(uri, (file = await readFile(join(folder, ...uri.split('/')))));
    const bytes = byteRange ? file.subarray(byteRange.startByte, byteRange.endByte + 1) : file;
    if (byteRange && bytes.byteLength !== byteRange.endByte - byteRange.startByte + 1) throw new Error(`${uri}: byte range ${byteRange.startByte}-${byteRange.endByte} beyond the file`);
    segments.push(integritySegmentOf(uri, bytes, byteRange));
    // Byte-range segments of one file: keep one copy of it, but not of every file of a long VOD.
    if (!byteRange) files.delete(uri);
  }
  return { manifestPath: playlistPath + INTEGRITY_FILE_SUFFIX, manifest: integrityManifestOf(segments) };
}

async function manifestOfFolderFiles(folder: string, playlistPath: string): Promise<CreatedIntegrityManifest> {
  const segments: IntegritySegmentJson[] = [];
  for (const path of await mediaFilesUnder(folder)) {
    segments.push(integritySegmentOf(relative(folder, path).split(sep).join('/'), await readFile(path)));
  }
  // Single-file Representations (SegmentList mediaRange, SegmentBase + sidx): an entry per segment range.
  const mpdFolder = dirname(playlistPath);
  for (const file of dashSingleFilesOf(await readFile(playlistPath, 'utf8'))) {
    const bytes = await readFile(join(mpdFolder, ...file.uri.split('/'))).catch(() => undefined);
    if (!bytes) continue;
    const uri = relative(folder, join(mpdFolder, ...file.uri.split('/'))).split(sep).join('/');
    for (const byteRange of dashSegmentRangesOf(file, bytes)) {
      if (byteRange.endByte >= bytes.byteLength) throw new Error(`${file.uri}: byte range ${byteRange.startByte}-${byteRange.endByte} beyond the file`);
      segments.push(integritySegmentOf(uri, bytes.subarray(byteRange.startByte, byteRange.endByte + 1), byteRange));
    }
  }
  return { manifestPath: playlistPath + INTEGRITY_FILE_SUFFIX, manifest: integrityManifestOf(segments) };
}

async function mediaFilesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await mediaFilesUnder(path)));
    else if (MEDIA_FILE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) out.push(path);
  }
  return out;
}

export interface LiveIntegrityManifestOptions {
  /**
   * Entries kept, newest last: every rendition's live window and a segment or two more, renditions ×
   * (window segments + 2). No more: every viewer fetches the whole manifest once per new segment, and an
   * entry is ~150 bytes plus a 44-character hash per 63 KiB block of its segment (~0.07 %), so
   * each entry kept costs the origin that much per viewer per segment. @default 64
   */
  maxSegments?: number;
}

/** Entries a live manifest keeps by default: 8 renditions × (a 6-segment window + 2). */
export const DEFAULT_LIVE_INTEGRITY_SEGMENTS = 64;

/**
 * The streaming mode for a live packager: `addSegment` for every new segment (before the playlist lists
 * it), then serve `toJSON()` (or the returned manifest) at the manifest URL. A sliding window of entries.
 */
export class LiveIntegrityManifest {
  private readonly maxSegments: number;
  private readonly segments: IntegritySegmentJson[] = [];

  constructor(options: LiveIntegrityManifestOptions = {}) {
    this.maxSegments = options.maxSegments ?? DEFAULT_LIVE_INTEGRITY_SEGMENTS;
  }

  /** Adds (or replaces) a segment's entry; returns the manifest now. `uri` is relative to the manifest's URL. */
  addSegment(uri: string, bytes: Uint8Array, byteRange?: ByteRange): IntegrityManifestJson {
    const entry = integritySegmentOf(uri, bytes, byteRange);
    const same = (s: IntegritySegmentJson): boolean => s.uri === uri && s.byteRange?.startByte === byteRange?.startByte;
    const index = this.segments.findIndex(same);
    if (index >= 0) this.segments.splice(index, 1);
    this.segments.push(entry);
    if (this.segments.length > this.maxSegments) this.segments.splice(0, this.segments.length - this.maxSegments);
    return this.toJSON();
  }

  /** Whether the segment (`uri`, and `byteRange` for a range of it) has an entry. */
  has(uri: string, byteRange?: ByteRange): boolean {
    return this.segments.some((s) => s.uri === uri && s.byteRange?.startByte === byteRange?.startByte);
  }

  toJSON(): IntegrityManifestJson {
    return integrityManifestOf([...this.segments]);
  }
}

/** `shoal-integrity <folder-or-playlist>...`: writes each manifest beside its playlist. Returns an exit code. */
export async function runIntegrityCli(args: string[], log: (line: string) => void = console.log): Promise<number> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    log('Usage: shoal-integrity <folder-or-playlist>...');
    log(`Writes <playlist>${INTEGRITY_FILE_SUFFIX} beside each playlist: SHA-256 of every segment and of each ${BLOCK_BYTES}-byte block.`);
    log(`Players find it with ShoalConfig.integrityManifestUrl = '{manifestUrl}${INTEGRITY_FILE_SUFFIX}'.`);
    return args.length === 0 ? 1 : 0;
  }
  for (const target of args) {
    try {
      for (const path of await writeIntegrityManifest(target)) log(`wrote ${path}`);
    } catch (error) {
      log(`shoal-integrity: ${basename(target)}: ${(error as Error).message}`);
      return 1;
    }
  }
  return 0;
}
