/** What a Shoal engine takes from its host (`new ShoalEngine(config, platform)`): type-only. */
import type { Clock } from '../clock/clock';
import type { FetchLike } from '../http/http-fetcher';
import type { Sha256Base64 } from '../integrity/sha256';
import type { NetworkConnectionLike } from '../playback/metered-connection';
import type { Decision } from '../scheduler/policy';
import type { ShareSegmentBytes } from '../storage/memory-storage';
import type { OpenPersistentStorage, SegmentStorage } from '../storage/segment-storage';
import type { TrackerClient, TrackerClientOptions } from '../tracker/tracker-client';

/** What the engine needs from its host; every part has a default for browsers and Node. */
export interface ShoalPlatform {
  clock?: Clock;
  /** This viewer's peer id (40 hex chars); random by default. Simulations fix it to be repeatable. */
  peerId?: string;
  /** Called with every scheduling decision the engine acts on: for tracing and benchmarks. */
  onDecision?: (decision: Decision, nowMs: number) => void;
  fetch?: FetchLike;
  /** The segment store; when given, `persistentCache` does not apply. Default: memory (see `persistentCache`). */
  storage?: SegmentStorage;
  /**
   * Opens the persistent store `persistentCache` uses for a VOD stream. Default: IndexedDB through
   * idb-keyval (`IndexedDbSegmentStorage.open`), which touches `indexedDB` only when called.
   */
  openPersistentStorage?: OpenPersistentStorage;
  /** The memory store keeps the bytes this returns (equal ones held elsewhere): for simulations of many engines. */
  shareSegmentBytes?: ShareSegmentBytes;
  createTrackerClient?: (options: TrackerClientOptions) => TrackerClient;
  /** SHA-256 (base64) for `integrityManifestUrl`. Default: WebCrypto's `crypto.subtle.digest`. */
  sha256?: Sha256Base64;
  /**
   * What the browser says of the network: pass `navigator.connection`. When it is metered (`saveData`, or
   * `type === 'cellular'`) and the config leaves `uploadEnabled` unset, uploads are off. Default: unknown.
   */
  connection?: NetworkConnectionLike;
}
