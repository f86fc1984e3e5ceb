/** How `mergeConfig` checks each config value: one `Check` per key, each naming what it expects. */
import type { ShoalConfig } from '../config';
import { BLOCK_BYTES } from '../wire/messages';
import { CONFIG_BOUNDS } from './config-bounds';

/** Undefined when `value` is acceptable; otherwise what it must be (`must be …` in the error). */
export type Check = (value: unknown) => string | undefined;

/** Keys that would reach an object's prototype instead of a setting: always `config-invalid`. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const bounded =
  (key: keyof ShoalConfig): Check =>
  (v) => {
    const { min, max, integer } = CONFIG_BOUNDS[key]!;
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v));
    return ok ? undefined : `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
  };
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const trackerUrlList: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && isWebSocketUrl(s))
    ? undefined
    : 'a list of WebSocket tracker URLs (ws:// or wss://)';
// With a platform's own tracker client (`ShoalPlatform.createTrackerClient`: a LAN, a simulator) the URLs
// are that client's to read: any URL of any scheme.
const anyUrlList: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && parsedUrl(s) !== undefined) ? undefined : 'a list of URLs';
const nameList: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0) ? undefined : 'a list of non-empty names';
const optionalString: Check = (v) =>
  v === undefined || (typeof v === 'string' && v.length > 0) ? undefined : 'a non-empty string';
// At least one wire block a second (a block must pass), at most 2^40 B/s (far above any link: a cap
// above it would cap nothing). Unset means unlimited.
const MAX_UPLOAD_RATE_BYTES_PER_SEC = 2 ** 40;
const optionalRate: Check = (v) =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= BLOCK_BYTES && v <= MAX_UPLOAD_RATE_BYTES_PER_SEC)
    ? undefined
    : `unset or a number of bytes per second from ${BLOCK_BYTES} to ${MAX_UPLOAD_RATE_BYTES_PER_SEC}`;

function isWebSocketUrl(text: string): boolean {
  const url = parsedUrl(text);
  return url !== undefined && (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname.length > 0;
}

/** `new URL(text)`, or undefined (not `URL.canParse`: Safari before 17 lacks it). */
function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** RTCConfiguration keys passed on to every RTCPeerConnection (WebRTC 1.0 §4.2.1). */
const RTC_CONFIG_VALUES: Record<string, (v: unknown) => boolean> = {
  iceServers: (v) => Array.isArray(v) && v.every(isIceServer),
  iceTransportPolicy: (v) => v === 'all' || v === 'relay',
  bundlePolicy: (v) => v === 'balanced' || v === 'max-compat' || v === 'max-bundle',
  rtcpMuxPolicy: (v) => v === 'require',
  iceCandidatePoolSize: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255,
  certificates: (v) => Array.isArray(v),
};

function isIceServer(server: unknown): boolean {
  if (typeof server !== 'object' || server === null || Array.isArray(server)) return false;
  const { urls, username, credential, ...rest } = server as Record<string, unknown>;
  const list = Array.isArray(urls) ? urls : [urls];
  return (
    list.length > 0 &&
    list.every((url) => typeof url === 'string' && /^(stuns?|turns?):\S+$/i.test(url)) &&
    (username === undefined || typeof username === 'string') &&
    (credential === undefined || typeof credential === 'string') &&
    Object.keys(rest).every((key) => key === 'credentialType')
  );
}

const rtcConfigShape: Check = (v) => {
  const problem =
    'an RTCConfiguration ({ iceServers: [{ urls: "stun:…" | "turn:…", username?, credential? }], iceTransportPolicy?: "all" | "relay", … })';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return problem;
  for (const [key, value] of Object.entries(v)) {
    const valid = Object.hasOwn(RTC_CONFIG_VALUES, key) ? RTC_CONFIG_VALUES[key]! : null;
    if (!valid) return `${problem}; unknown key "${key}"`;
    if (value !== undefined && !valid(value)) return `${problem}; invalid "${key}"`;
  }
  return undefined;
};

const CHECKS: Record<keyof ShoalConfig, Check> = {
  swarmId: optionalString,
  integrityManifestUrl: optionalString,
  swarmIdIgnoredParams: nameList,
  trackerUrls: trackerUrlList,
  rtcConfig: rtcConfigShape,
  p2pEnabled: boolean,
  uploadEnabled: boolean,
  maxUploadBytesPerSec: optionalRate,
  maxPeerUploadBytesPerSec: optionalRate,
  minSwarmPeers: bounded('minSwarmPeers'),
  maxPeers: bounded('maxPeers'),
  startupPeers: bounded('startupPeers'),
  offerTimeoutMs: bounded('offerTimeoutMs'),
  announceIntervalMs: bounded('announceIntervalMs'),
  peerRequestTimeoutMs: bounded('peerRequestTimeoutMs'),
  peerPipelineBlocks: bounded('peerPipelineBlocks'),
  httpTimeoutMs: bounded('httpTimeoutMs'),
  maxSegmentBytes: bounded('maxSegmentBytes'),
  storageCapBytes: bounded('storageCapBytes'),
  persistentCache: boolean,
  prefetchLookaheadSec: bounded('prefetchLookaheadSec'),
  safetyMarginMs: bounded('safetyMarginMs'),
  originFetchersPerSegment: bounded('originFetchersPerSegment'),
  maxParallelHttp: bounded('maxParallelHttp'),
  maxParallelP2P: bounded('maxParallelP2P'),
  partitionCount: bounded('partitionCount'),
  trackersPerPartition: bounded('trackersPerPartition'),
};

/**
 * The check of config key `key`; undefined for a key that is no setting. With `ownTrackerClient` (the
 * platform's own tracker client reads them) `trackerUrls` may be any URLs.
 */
export function checkFor(key: string, ownTrackerClient: boolean | undefined): Check | undefined {
  if (key === 'trackerUrls' && ownTrackerClient) return anyUrlList;
  return Object.hasOwn(CHECKS, key) ? CHECKS[key as keyof ShoalConfig] : undefined;
}

/** Whether `value` holds a prototype key at any depth (JSON.parse makes `__proto__` an own key). */
export function prototypeKeyIn(value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 8) return undefined;
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return key;
    const nested = prototypeKeyIn((value as Record<string, unknown>)[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}
