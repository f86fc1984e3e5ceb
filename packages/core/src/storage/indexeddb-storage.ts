/**
 * Segments in IndexedDB (through idb-keyval), so a VOD viewer's segments survive a page reload and are
 * served again, to the player and to peers, without asking the origin. Nothing here touches `indexedDB`
 * until `IndexedDbSegmentStorage.open` is called, so importing it is safe in Node and workers.
 *
 * Layout: one database (`dbName`) with one object store, two records per segment, keyed by arrays:
 * `['info', namespace, renditionId, segmentId]` → `PersistedInfo` (small: opening reads only these) and
 * `['bytes', namespace, renditionId, segmentId]` → the segment's bytes, written in one transaction.
 * The namespace is the stream's swarm (rendition ids are hashes of rendition metadata, so two films with
 * the same ladder share rendition ids). The byte cap covers the whole database: other streams' segments
 * go first (least recently used), then this stream's by `chooseEvictions` as in memory.
 *
 * Recency (`lastUsedAtMs`, for least-recently-used eviction) is written with each `put` as wall-clock time;
 * a `get` updates it in memory only (a peer's block requests would otherwise each cost a write).
 *
 * `destroy()` forgets the index and closes this instance; the records stay for the next page. `clear()`
 * deletes every record of the database. Two tabs of one site share the database: each keeps its own
 * index, and a segment the other tab evicted reads as absent (and is reported through `onEvict`).
 */
import { clear as idbClear, createStore, delMany, get as idbGet, getMany, keys as idbKeys, setMany, type UseStore } from 'idb-keyval';
import type { Clock } from '../clock/clock';
import { ShoalError } from '../errors';
import { segmentKeyString } from '../segment-key';
import type { SegmentKey } from '../types';
import { chooseEvictions, type IncomingSegment } from './eviction';
import type { PlaybackContext, SegmentStorage, StoredSegmentInfo } from './segment-storage';

/** The database Shoal uses unless told otherwise. */
export const DEFAULT_INDEXEDDB_NAME = 'shoal-segments';
const OBJECT_STORE_NAME = 'segments';

/**
 * Segments whose bytes stay in memory too, most recently used: a peer asks for a segment block by block
 * (63 KiB each), and reading a whole ~1 MB segment back from IndexedDB per block would cost ~16 reads per
 * segment served. 8 covers the segments a few peers fetch at once, ~8 MB at 4 Mbit/s.
 */
const HOT_SEGMENTS = 8;

export interface IndexedDbSegmentStorageOptions {
  /** Bytes held at most across the whole database (the engine passes `ShoalConfig.storageCapBytes`). */
  capBytes: number;
  clock: Clock;
  /** Which stream's segments this instance serves (the engine passes the swarm's info-hash). */
  namespace: string;
  /** @default DEFAULT_INDEXEDDB_NAME ('shoal-segments') */
  dbName?: string;
  /** Called for each held segment of this namespace that eviction dropped or another tab removed. */
  onEvict?: (key: SegmentKey) => void;
  /** Live: media seconds of segments kept behind the playhead. @default DEFAULT_LIVE_KEEP_BEHIND_SEC (30) */
  liveKeepBehindSec?: number;
}

/** What is stored beside a segment's bytes. Wall-clock time, so recency survives the page's clock. */
interface PersistedInfo {
  sizeBytes: number;
  lastUsedEpochMs: number;
}

type RecordKind = 'info' | 'bytes';
type RecordKey = [RecordKind, string, string, number];

interface IndexEntry {
  namespace: string;
  info: StoredSegmentInfo;
}

export class IndexedDbSegmentStorage implements SegmentStorage {
  /** Every segment in the database, this namespace's and others', by `namespace` + `segmentKeyString`. */
  private readonly index = new Map<string, IndexEntry>();
  private readonly hot = new Map<string, Uint8Array>();
  private readonly options: IndexedDbSegmentStorageOptions;
  private readonly store: UseStore;
  private playback: PlaybackContext | undefined;
  private used = 0;
  private destroyed = false;

  /**
   * Opens (creating if needed) the database and reads the index of what it holds. Rejects with
   * `ShoalError('storage-unavailable')` where IndexedDB is missing or refused (Node, some private modes).
   */
  static async open(options: IndexedDbSegmentStorageOptions): Promise<IndexedDbSegmentStorage> {
    if (!(Number.isFinite(options.capBytes) && options.capBytes > 0)) {
      throw new ShoalError('config-invalid', `IndexedDbSegmentStorage: capBytes must be a positive number, got ${options.capBytes}`, { source: 'config', fatal: true });
    }
    const storage = new IndexedDbSegmentStorage(options);
    try {
      await storage.load();
    } catch (error) {
      throw storageError(error, 'storage-unavailable', 'IndexedDB could not be opened');
    }
    return storage;
  }

  private constructor(options: IndexedDbSegmentStorageOptions) {
    this.options = options;
    this.store = createStore(options.dbName ?? DEFAULT_INDEXEDDB_NAME, OBJECT_STORE_NAME);
  }

  get usedBytes(): number {
    return this.used;
  }

  has(key: SegmentKey): boolean {
    return this.index.has(this.idOf(this.options.namespace, key));
  }

  async get(key: SegmentKey): Promise<Uint8Array | undefined> {
    const id = this.idOf(this.options.namespace, key);
    const entry = this.index.get(id);
    if (!entry) return undefined;
    entry.info.lastUsedAtMs = this.options.clock.now();
    const hot = this.hot.get(id);
    if (hot) {
      this.touchHot(id, hot);
      return hot;
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = await idbGet<Uint8Array>(recordKey('bytes', this.options.namespace, key), this.store);
    } catch (error) {
      throw storageError(error, 'storage-failed', 'IndexedDB read failed');
    }
    if (this.index.get(id) !== entry) return this.hot.get(id); // deleted or replaced meanwhile
    if (!(bytes instanceof Uint8Array)) {
      // Another tab evicted it: it is not ours to announce any more.
      this.removeFromIndex(id);
      this.options.onEvict?.(key);
      return undefined;
    }
    this.touchHot(id, bytes);
    return bytes;
  }

  async put(key: SegmentKey, bytes: Uint8Array): Promise<void> {
    if (this.destroyed) return;
    const { namespace, capBytes } = this.options;
    const id = this.idOf(namespace, key);
    const incoming: IncomingSegment = { renditionId: key.renditionId, segmentId: key.segmentId, sizeBytes: bytes.byteLength };
    const fits = incoming.sizeBytes <= capBytes;
    this.evict(fits ? incoming : undefined);
    const replaced = this.removeFromIndex(id);
    if (!fits) {
      // The new bytes cannot be held, and the old copy must not pass for them.
      if (replaced) {
        void this.deleteRecords([[namespace, key]]).catch(() => undefined); // a record left behind is evicted again next page
        this.options.onEvict?.(key);
      }
      return;
    }
    // Indexed before the write, so concurrent puts see each other against the cap.
    const entry: IndexEntry = { namespace, info: { ...incoming, lastUsedAtMs: this.options.clock.now() } };
    this.index.set(id, entry);
    this.used += incoming.sizeBytes;
    // A view into a larger buffer would store the whole buffer: store exactly the segment.
    const compact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    this.touchHot(id, compact);
    const persisted: PersistedInfo = { sizeBytes: incoming.sizeBytes, lastUsedEpochMs: Date.now() };
    try {
      await setMany([[recordKey('info', namespace, key), persisted], [recordKey('bytes', namespace, key), compact]], this.store);
    } catch (error) {
      if (this.index.get(id) === entry) this.removeFromIndex(id);
      throw storageError(error, isQuotaError(error) ? 'storage-quota' : 'storage-failed', 'IndexedDB write failed');
    }
  }

  async delete(key: SegmentKey): Promise<void> {
    if (this.destroyed || !this.removeFromIndex(this.idOf(this.options.namespace, key))) return;
    await this.deleteRecords([[this.options.namespace, key]]);
  }

  list(): StoredSegmentInfo[] {
    return this.own().map((entry) => ({ ...entry.info }));
  }

  setPlaybackContext(context: PlaybackContext | undefined): void {
    if (this.destroyed) return;
    this.playback = context;
    this.evict(undefined);
  }

  /** Forgets the index and stops writing; the records stay in IndexedDB for the next page. Idempotent. */
  destroy(): void {
    this.destroyed = true;
    this.index.clear();
    this.hot.clear();
    this.used = 0;
    this.playback = undefined;
  }

  /** Deletes every record of the database (every namespace), then forgets them here too. */
  async clear(): Promise<void> {
    this.index.clear();
    this.hot.clear();
    this.used = 0;
    await idbClear(this.store);
  }

  private async load(): Promise<void> {
    const infoKeys = (await idbKeys(this.store)).filter(isInfoKey);
    const infos = await getMany<PersistedInfo | undefined>(infoKeys, this.store);
    const nowMs = this.options.clock.now();
    const nowEpochMs = Date.now();
    infoKeys.forEach(([, namespace, renditionId, segmentId], i) => {
      const persisted = infos[i];
      if (!persisted || !(persisted.sizeBytes >= 0)) return;
      // Recency across pages: as long ago on this page's clock as it was on the wall clock.
      const lastUsedAtMs = nowMs - Math.max(0, nowEpochMs - persisted.lastUsedEpochMs);
      const key = { renditionId, segmentId };
      this.index.set(this.idOf(namespace, key), { namespace, info: { ...key, sizeBytes: persisted.sizeBytes, lastUsedAtMs } });
      if (namespace === this.options.namespace) this.used += persisted.sizeBytes;
    });
    // A smaller cap than last time (or records of another tab) may leave the database over it.
    this.evict(undefined);
  }

  private own(): IndexEntry[] {
    return [...this.index.values()].filter((entry) => entry.namespace === this.options.namespace);
  }

  /**
   * Other streams' segments go first, least recently used, until this stream's (and `incoming`) fit;
   * then this stream's by `chooseEvictions` with the playback context, as every storage does.
   */
  private evict(incoming: IncomingSegment | undefined): void {
    const { namespace, capBytes, liveKeepBehindSec } = this.options;
    const ownEntries = this.own();
    const others = [...this.index.values()].filter((entry) => entry.namespace !== namespace);
    const ownBytes = ownEntries.reduce((sum, entry) => sum + entry.info.sizeBytes, 0);
    const incomingId = incoming && this.idOf(namespace, incoming);
    const replacedBytes = incomingId !== undefined ? (this.index.get(incomingId)?.info.sizeBytes ?? 0) : 0;
    const roomForOthersBytes = Math.max(0, capBytes - (ownBytes - replacedBytes + (incoming?.sizeBytes ?? 0)));
    const victims: Array<[string, SegmentKey]> = [];
    // Other streams' entries under ids unique across namespaces, and with no playback context: plain LRU.
    const otherInfos = others.map((entry) => ({ ...entry.info, renditionId: this.idOf(entry.namespace, entry.info) }));
    const byOtherId = new Map(others.map((entry) => [this.idOf(entry.namespace, entry.info), entry]));
    for (const chosen of chooseEvictions({ stored: otherInfos, capBytes: roomForOthersBytes })) {
      const entry = byOtherId.get(chosen.renditionId);
      if (entry) victims.push([entry.namespace, { renditionId: entry.info.renditionId, segmentId: entry.info.segmentId }]);
    }
    const ownVictims = chooseEvictions({
      stored: ownEntries.map((entry) => entry.info),
      capBytes,
      incoming,
      playback: this.playback,
      liveKeepBehindSec,
    });
    for (const key of ownVictims) victims.push([namespace, key]);
    if (victims.length === 0) return;
    // Remove them all before telling anyone, so a callback sees a consistent store.
    for (const [victimNamespace, key] of victims) this.removeFromIndex(this.idOf(victimNamespace, key));
    void this.deleteRecords(victims).catch(() => undefined); // a record left behind is evicted again next page
    for (const key of ownVictims) this.options.onEvict?.(key);
  }

  private removeFromIndex(id: string): IndexEntry | undefined {
    const entry = this.index.get(id);
    if (!entry) return undefined;
    this.index.delete(id);
    this.hot.delete(id);
    if (entry.namespace === this.options.namespace) this.used -= entry.info.sizeBytes;
    return entry;
  }

  private async deleteRecords(segments: Array<[string, SegmentKey]>): Promise<void> {
    const recordKeys = segments.flatMap(([namespace, key]) => [recordKey('info', namespace, key), recordKey('bytes', namespace, key)]);
    await delMany(recordKeys, this.store);
  }

  private touchHot(id: string, bytes: Uint8Array): void {
    this.hot.delete(id);
    this.hot.set(id, bytes);
    for (const oldest of this.hot.keys()) {
      if (this.hot.size <= HOT_SEGMENTS) break;
      this.hot.delete(oldest);
    }
  }

  private idOf(namespace: string, key: SegmentKey): string {
    return `${namespace}\u0000${segmentKeyString(key)}`;
  }
}

function recordKey(kind: RecordKind, namespace: string, key: SegmentKey): RecordKey {
  return [kind, namespace, key.renditionId, key.segmentId];
}

function isInfoKey(key: unknown): key is RecordKey {
  return (
    Array.isArray(key) &&
    key.length === 4 &&
    key[0] === 'info' &&
    typeof key[1] === 'string' &&
    typeof key[2] === 'string' &&
    typeof key[3] === 'number'
  );
}

/** A quota failure as browsers report it (`QuotaExceededError` DOMException; older Firefox: code 22). */
export function isQuotaError(error: unknown): boolean {
  const candidate = error as { name?: unknown; code?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && (candidate.name === 'QuotaExceededError' || candidate.code === 22);
}

function storageError(error: unknown, code: 'storage-unavailable' | 'storage-quota' | 'storage-failed', message: string): ShoalError {
  if (error instanceof ShoalError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ShoalError(code, `${message} (${detail})`, { source: 'storage', cause: error });
}
