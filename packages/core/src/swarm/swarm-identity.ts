/**
 * Who meets whom: the identifiers every viewer of a stream derives alike, with no coordination.
 *
 * - swarm id: the manifest URL without fragment, and with its query string minus the parameters that
 *   carry per-viewer credentials (`SWARM_ID_IGNORED_PARAMS`), sorted: streams told apart by their query
 *   (`?channel=1`, `?channel=2`) never share a swarm, while viewers with differently token-signed URLs of
 *   one stream still meet.
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

/**
 * Query parameters that carry a per-viewer credential (a token, a signature, an expiry, a session), never
 * what the stream is: dropped from the swarm id so that viewers of one stream with different credentials
 * still meet. Compared case-insensitively; an entry ending in `*` matches every name with that prefix.
 *
 * The list is the query credentials of the common CDN and server schemes:
 * - generic: `token`, `auth`, `signature`, `sig`, `expires`, `exp`, `session`, `sessionid`, `sid`, `jwt`,
 *   `access_token`;
 * - Akamai Token Auth: `hdnts`, `hdnea`, `__token__`;
 * - CloudFront signed URLs: `Policy`, `Signature`, `Key-Pair-Id`, `Expires`;
 * - S3 / Google Cloud Storage presigned URLs: `X-Amz-*`, `X-Goog-*`, `AWSAccessKeyId`;
 * - Google Cloud CDN signed URLs: `KeyName`, `URLPrefix` (with `Expires`, `Signature`);
 * - nginx `secure_link`: `md5` with `expires` as in its documentation, and `st` / `e` as most guides name
 *   them (`secure_link $arg_st,$arg_e`);
 * - Wowza SecureToken: `wowzatoken*` (its default prefix); Edgecast: `ectoken`; Kaltura: `ks`.
 *
 * Ignoring a parameter that in fact names the stream would merge two streams' swarms, so the list holds
 * only names that are credentials in every scheme we know; a site whose credential has another name adds
 * it with `swarmIdIgnoredParams` (or sets `swarmId` outright). Keeping an unknown parameter errs the safe
 * way: at worst per-viewer values split the swarm (fewer peers), never mix two streams.
 */
export const SWARM_ID_IGNORED_PARAMS: readonly string[] = Object.freeze([
  'token',
  'auth',
  'signature',
  'sig',
  'expires',
  'exp',
  'session',
  'sessionid',
  'sid',
  'jwt',
  'access_token',
  'hdnts',
  'hdnea',
  '__token__',
  'policy',
  'key-pair-id',
  'x-amz-*',
  'x-goog-*',
  'awsaccesskeyid',
  'keyname',
  'urlprefix',
  'md5',
  'st',
  'e',
  'wowzatoken*',
  'ectoken',
  'ks',
]);

export interface SwarmIdOptions {
  /** More parameter names to drop, on top of `SWARM_ID_IGNORED_PARAMS` (same matching rules). */
  ignoredParams?: readonly string[];
}

/**
 * The swarm a manifest URL belongs to: the URL without its fragment, its query string kept minus the
 * credential parameters (`SWARM_ID_IGNORED_PARAMS` and `options.ignoredParams`) and sorted by name (a
 * stable sort: repeated names keep their order), so parameter order does not matter; no `?` when none is
 * left. Absolute URLs are WHATWG-normalised (lowercase host, default port dropped), so equal URLs are equal.
 *
 * The swarm-id namespace (`shoal:v1:`) is unchanged: a URL without a query, or with only credentials in
 * it, has the same swarm id as before, and those viewers still meet older releases; a URL with other
 * parameters gets a new id, which only splits it from older releases that wrongly merged it.
 */
export function swarmIdFromManifestUrl(url: string, options: SwarmIdOptions = {}): string {
  const isIgnored = ignoredParamMatcher(options.ignoredParams ?? []);
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    parsed.search = canonicalQuery(parsed.search, isIgnored);
    return parsed.href;
  } catch {
    // Relative or otherwise unparsable: cut at the first `#`, then split off the query at the first `?`.
    const withoutFragment = url.split('#', 1)[0]!;
    const queryAt = withoutFragment.indexOf('?');
    if (queryAt < 0) return withoutFragment;
    const query = canonicalQuery(withoutFragment.slice(queryAt + 1), isIgnored);
    return withoutFragment.slice(0, queryAt) + (query ? `?${query}` : '');
  }
}

/** The query's parameters minus the ignored ones, sorted by name, encoded (`''` when none is left). */
function canonicalQuery(search: string, isIgnored: (name: string) => boolean): string {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams([...params].filter(([name]) => !isIgnored(name)));
  kept.sort();
  return kept.toString();
}

function ignoredParamMatcher(extra: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of [...SWARM_ID_IGNORED_PARAMS, ...extra]) {
    const lower = entry.toLowerCase();
    if (lower.endsWith('*')) prefixes.push(lower.slice(0, -1));
    else exact.add(lower);
  }
  return (name) => {
    const lower = name.toLowerCase();
    return exact.has(lower) || prefixes.some((prefix) => lower.startsWith(prefix));
  };
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
