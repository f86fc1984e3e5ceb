/**
 * The integrity manifest (format in `packages/core/INTEGRITY.md`): the origin's SHA-256 of every wire
 * block of every segment and of each whole segment, so a viewer verifies each block a peer sends before it
 * is stored, relayed or handed to the player. This module is the format: its JSON types, the parser the
 * engine runs on a fetched manifest, and the lookup key shared with the publisher tools. No I/O.
 */
import { ShoalError } from '../errors';
import type { ByteRange } from '../types';
import { BLOCK_BYTES } from '../wire/messages';

/** The format's version, in the manifest's `shoalIntegrity` field. A manifest of another version is ignored. */
export const INTEGRITY_MANIFEST_VERSION = 1;

/**
 * Largest manifest body the engine accepts, in bytes: 16 MiB holds ~250,000 blocks (a 2-hour VOD at
 * 4 renditions, 6 s segments of 2 MB, is ~160,000 blocks ≈ 8 MB of JSON). The origin is trusted, but a
 * mistake there must not exhaust a page's memory.
 */
export const MAX_INTEGRITY_MANIFEST_BYTES = 16 * 1024 * 1024;

/** Most segment entries the engine keeps (oldest dropped first: a live window slides). */
export const MAX_INTEGRITY_ENTRIES = 20_000;

/** One segment's entry, as written in the JSON. */
export interface IntegritySegmentJson {
  /** The segment's URL relative to the manifest's own URL (as a playlist's URIs are to the playlist). */
  uri: string;
  /** For a segment that is a byte range of `uri` (HLS `EXT-X-BYTERANGE`, DASH `mediaRange`): inclusive. */
  byteRange?: ByteRange;
  sizeBytes: number;
  /** SHA-256 of the whole segment, base64. */
  sha256: string;
  /** SHA-256 of each `blockBytes` block from the segment's first byte (the last one shorter), base64. */
  blocks: string[];
}

/** The whole manifest, as written in the JSON. */
export interface IntegrityManifestJson {
  shoalIntegrity: typeof INTEGRITY_MANIFEST_VERSION;
  hash: 'sha-256';
  /** Block size the block hashes were cut at: the wire's `BLOCK_BYTES` (64,512). */
  blockBytes: number;
  segments: IntegritySegmentJson[];
}

/** What the engine checks a segment against. */
export interface IntegrityEntry {
  sizeBytes: number;
  sha256: string;
  blocks: readonly string[];
}

/**
 * The lookup key of a segment: its absolute URL without fragment, plus `#start-end` for a byte range.
 * `withoutQuery` drops the query (a per-viewer token on segment URLs must not hide the entry).
 */
export function integrityKeyOf(url: string, byteRange: ByteRange | undefined, options: { withoutQuery?: boolean } = {}): string {
  let base = url.split('#')[0]!;
  if (options.withoutQuery) base = base.split('?')[0]!;
  return byteRange ? `${base}#${byteRange.startByte}-${byteRange.endByte}` : base;
}

/** Number of wire blocks in a segment of this size. */
export function blockCountOf(sizeBytes: number): number {
  return Math.ceil(sizeBytes / BLOCK_BYTES);
}

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

function invalid(message: string): ShoalError {
  return new ShoalError('integrity-manifest-invalid', `Integrity manifest: ${message}`, { source: 'http' });
}

/**
 * Parses a fetched manifest body: entries keyed by `integrityKeyOf`, their URIs resolved against
 * `manifestUrl`. Throws `ShoalError('integrity-manifest-invalid')` for anything but a well-formed manifest of
 * this version and block size (an entry that does not add up is refused rather than trusted in part).
 */
export function parseIntegrityManifest(body: Uint8Array, manifestUrl: string): Map<string, IntegrityEntry> {
  if (body.byteLength > MAX_INTEGRITY_MANIFEST_BYTES) throw invalid(`${body.byteLength} bytes, above the ${MAX_INTEGRITY_MANIFEST_BYTES} cap`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    throw invalid(`not JSON (${(error as Error).message})`);
  }
  const manifest = json as Partial<IntegrityManifestJson> | null;
  if (!manifest || typeof manifest !== 'object') throw invalid('not an object');
  if (manifest.shoalIntegrity !== INTEGRITY_MANIFEST_VERSION) throw invalid(`version ${String(manifest.shoalIntegrity)}, expected ${INTEGRITY_MANIFEST_VERSION}`);
  if (manifest.hash !== 'sha-256') throw invalid(`hash ${String(manifest.hash)}, expected sha-256`);
  if (manifest.blockBytes !== BLOCK_BYTES) throw invalid(`blockBytes ${String(manifest.blockBytes)}, this engine's blocks are ${BLOCK_BYTES}`);
  if (!Array.isArray(manifest.segments)) throw invalid('no segments list');
  const entries = new Map<string, IntegrityEntry>();
  for (const segment of manifest.segments.slice(-MAX_INTEGRITY_ENTRIES)) {
    const { uri, byteRange, sizeBytes, sha256, blocks } = segment as Partial<IntegritySegmentJson>;
    if (typeof uri !== 'string') throw invalid('an entry without uri');
    if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) throw invalid(`${uri}: bad sizeBytes`);
    if (typeof sha256 !== 'string' || !BASE64_SHA256.test(sha256)) throw invalid(`${uri}: bad sha256`);
    if (!Array.isArray(blocks) || blocks.length !== blockCountOf(sizeBytes) || !blocks.every((b) => typeof b === 'string' && BASE64_SHA256.test(b))) {
      throw invalid(`${uri}: expected ${blockCountOf(sizeBytes)} block hashes`);
    }
    if (byteRange !== undefined && !validRange(byteRange, sizeBytes)) throw invalid(`${uri}: byteRange does not match sizeBytes`);
    let absolute: string;
    try {
      absolute = new URL(uri, manifestUrl).href;
    } catch {
      throw invalid(`${uri}: not a URL`);
    }
    entries.set(integrityKeyOf(absolute, byteRange), { sizeBytes, sha256, blocks });
  }
  return entries;
}

function validRange(range: ByteRange, sizeBytes: number): boolean {
  return Number.isSafeInteger(range.startByte) && Number.isSafeInteger(range.endByte) && range.startByte >= 0 && range.endByte - range.startByte + 1 === sizeBytes;
}
