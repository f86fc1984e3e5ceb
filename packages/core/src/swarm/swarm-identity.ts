/**
 * Who meets whom: the identifiers every viewer of a stream derives alike, with no coordination.
 *
 * - swarm id: the manifest URL without query string or fragment, so viewers with differently
 *   token-signed URLs of one stream still meet.
 * - info-hash: what the WebTorrent tracker sees; derived from the swarm id.
 * - rendition id: names one rendition inside the swarm; derived from its metadata, never from its index
 *   in a manifest (players order renditions differently).
 * - peer id: random per tracker client, with a recognisable client prefix.
 *
 * The tracker protocol sends info-hash and peer id as "binary strings" (one char per byte) in JSON. Bytes
 * above 0x7F become non-ASCII characters that strict trackers reject, so every byte of both is printable
 * ASCII drawn from a 64-character URL-safe alphabet.
 */
import type { RenditionMetadata } from '../types';
import { sha1 } from './sha1';

/** URL-safe base64 alphabet: 64 printable ASCII characters, one per 6 bits. */
const ASCII_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Prefix of every hashed swarm id; change the version to split swarms of incompatible releases. */
const INFO_HASH_NAMESPACE = 'shoal:v1:';

/** Prefix of every rendition id's canonical form; versioned like `INFO_HASH_NAMESPACE`. */
const RENDITION_NAMESPACE = 'shoal-rendition:v1';

/** Bytes of the rendition id's SHA-1 kept: 96 bits (16 base64url chars), ample for a stream's renditions. */
const RENDITION_ID_HASH_BYTES = 12;

/**
 * Azureus-style client prefix of every peer id ("-SH0001-": Shoal, protocol version 1), as BitTorrent
 * clients do, so tracker logs show who is who.
 */
export const PEER_ID_PREFIX = '-SH0001-';

/** Bytes in a tracker info-hash or peer id. */
const TRACKER_ID_BYTES = 20;

/** The swarm a manifest URL belongs to: the URL without query string or fragment. */
export function swarmIdFromManifestUrl(url: string): string {
  try {
    // Absolute URL: WHATWG normalisation (lowercase host, default port dropped) makes equal URLs equal.
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    return parsed.href;
  } catch {
    // Relative or otherwise unparsable: cut at the first `#`, then at the first `?`.
    return url.split('#', 1)[0]!.split('?', 1)[0]!;
  }
}

/**
 * The tracker info-hash of a swarm: 40 hex chars encoding 20 printable-ASCII bytes. Each byte of
 * SHA-1(`'shoal:v1:' + swarmId`) is mapped to `ASCII_ALPHABET[byte & 63]` (120 bits of hash kept).
 */
export function infoHashFromSwarmId(swarmId: string): string {
  const digest = sha1(INFO_HASH_NAMESPACE + swarmId);
  return asciiBytesHex(Array.from(digest, (byte) => ASCII_ALPHABET[byte & 63]!));
}

/**
 * A stable, short (16 chars, URL-safe) id for a rendition, the same for every viewer of the stream.
 *
 * Derived from SHA-1 of these fields, canonicalised; absent fields count as empty:
 * - `type` as given;
 * - `bandwidthBps` rounded to an integer (the manifest's declared peak: HLS `BANDWIDTH`, DASH `@bandwidth`);
 * - `codecs` split on commas, trimmed, lowercased, sorted (`"mp4a.40.2, avc1.4D401F"` =
 *   `"avc1.4d401f,mp4a.40.2"`);
 * - `width`×`height` (only when both are present);
 * - `language` trimmed and lowercased (BCP 47 tags are case-insensitive);
 * - `name` trimmed (case kept).
 * Nothing else counts: not the position in the manifest, not URLs (they may carry per-viewer tokens).
 */
export function renditionIdOf(meta: RenditionMetadata): string {
  const canonical = JSON.stringify([
    RENDITION_NAMESPACE,
    meta.type ?? '',
    isFiniteNumber(meta.bandwidthBps) ? String(Math.round(meta.bandwidthBps)) : '',
    normaliseCodecs(meta.codecs),
    isFiniteNumber(meta.width) && isFiniteNumber(meta.height)
      ? `${Math.round(meta.width)}x${Math.round(meta.height)}`
      : '',
    (meta.language ?? '').trim().toLowerCase(),
    (meta.name ?? '').trim(),
  ]);
  return base64Url(sha1(canonical).subarray(0, RENDITION_ID_HASH_BYTES));
}

/**
 * A fresh tracker peer id: 40 hex chars encoding `PEER_ID_PREFIX` then 12 random printable-ASCII bytes
 * (72 random bits from `crypto.getRandomValues`, available in Node ≥ 20 and every browser).
 */
export function createPeerId(): string {
  const random = new Uint8Array(TRACKER_ID_BYTES - PEER_ID_PREFIX.length);
  globalThis.crypto.getRandomValues(random);
  const chars = [...PEER_ID_PREFIX, ...Array.from(random, (byte) => ASCII_ALPHABET[byte & 63]!)];
  return asciiBytesHex(chars);
}

function normaliseCodecs(codecs: string | undefined): string {
  if (codecs === undefined) return '';
  return codecs
    .split(',')
    .map((codec) => codec.trim().toLowerCase())
    .filter((codec) => codec.length > 0)
    .sort()
    .join(',');
}

function isFiniteNumber(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Hex of single-byte (ASCII) characters. */
function asciiBytesHex(chars: string[]): string {
  return chars.map((char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

/** Unpadded base64url of `bytes` (length a multiple of 3). */
function base64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 2 < bytes.length; i += 3) {
    const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ASCII_ALPHABET[(triple >>> 18) & 63]! +
      ASCII_ALPHABET[(triple >>> 12) & 63]! +
      ASCII_ALPHABET[(triple >>> 6) & 63]! +
      ASCII_ALPHABET[triple & 63]!;
  }
  return out;
}
