import type { Clock } from '../clock/clock';
import { ShoalError } from '../errors';
import { segmentKeyString } from '../segment-key';
import type { SegmentKey } from '../types';
import { chooseEvictions, type IncomingSegment } from './eviction';
import type { PlaybackContext, SegmentStorage, StoredSegmentInfo } from './segment-storage';

interface Entry {
  info: StoredSegmentInfo;
  bytes: Uint8Array;
}

export interface MemoryStorageOptions {
  /** Bytes held at most (the engine passes `ShoalConfig.storageCapBytes`, 256 MiB by default). */
  capBytes: number;
  clock: Clock;
  /** Called for each held segment that eviction (or a too-large replacement) dropped; not on `delete`/`destroy`. */
  onEvict?: (key: SegmentKey) => void;
  /** Where playback is at first; update with `setPlaybackContext`. Without one, eviction is least-recently-used. */
  playbackContext?: PlaybackContext;
  /** Live: media seconds of segments kept behind the playhead. @default DEFAULT_LIVE_KEEP_BEHIND_SEC (30) */
  liveKeepBehindSec?: number;
  /** Where the stored bytes may come from instead of the caller's buffer: see `ShareSegmentBytes`. */
  shareBytes?: ShareSegmentBytes;
}

/**
 * Given a segment's bytes as they are about to be stored, returns the bytes to keep: the same, or an equal
 * copy (byte for byte) already held elsewhere, e.g. by another engine of a simulation that runs many in
 * one process. Stored bytes are never written to, so one copy may serve every store that holds them. A
 * result of another length is ignored.
 */
export type ShareSegmentBytes = (key: SegmentKey, bytes: Uint8Array) => Uint8Array;

/**
 * Segments in memory under a byte cap. Which segments go is `chooseEvictions` (see `eviction.ts`): live
 * drops segments behind the keep-behind window at once; over the cap, segments behind the playhead go
 * before those ahead of it. Eviction runs on `put` and on `setPlaybackContext`.
 */
export class MemoryStorage implements SegmentStorage {
  private readonly entries = new Map<string, Entry>();
  private readonly options: MemoryStorageOptions;
  private playback: PlaybackContext | undefined;
  private used = 0;
  private destroyed = false;
  /**
   * Eviction ran under the current context and nothing was stored since: running it again would choose
   * nothing (no stale segment is left, the rest fits the cap), so an unchanged context skips it.
   */
  private settled = false;

  constructor(options: MemoryStorageOptions) {
    if (!(Number.isFinite(options.capBytes) && options.capBytes > 0)) {
      throw new ShoalError('config-invalid', `MemoryStorage: capBytes must be a positive number, got ${options.capBytes}`, { source: 'config', fatal: true });
    }
    const keepBehindSec = options.liveKeepBehindSec;
    if (keepBehindSec !== undefined && !(Number.isFinite(keepBehindSec) && keepBehindSec >= 0)) {
      throw new ShoalError('config-invalid', `MemoryStorage: liveKeepBehindSec must be >= 0, got ${keepBehindSec}`, { source: 'config', fatal: true });
    }
    this.options = options;
    this.playback = options.playbackContext;
  }

  get usedBytes(): number {
    return this.used;
  }

  has(key: SegmentKey): boolean {
    return this.entries.has(segmentKeyString(key));
  }

  async get(key: SegmentKey): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(segmentKeyString(key));
    if (!entry) return undefined;
    entry.info.lastUsedAtMs = this.options.clock.now();
    return entry.bytes;
  }

  async put(key: SegmentKey, bytes: Uint8Array): Promise<void> {
    if (this.destroyed) return;
    const id = segmentKeyString(key);
    const incoming: IncomingSegment = { renditionId: key.renditionId, segmentId: key.segmentId, sizeBytes: bytes.byteLength };
    const fits = incoming.sizeBytes <= this.options.capBytes;
    this.evict(fits ? incoming : undefined);
    const replaced = this.remove(id);
    if (!fits) {
      // The new bytes cannot be held, and the old copy must not pass for them.
      if (replaced) this.options.onEvict?.(keyOf(replaced.info));
      return;
    }
    const shared = this.options.shareBytes?.(key, bytes);
    const kept = shared && shared.byteLength === bytes.byteLength ? shared : bytes;
    this.entries.set(id, { info: { ...incoming, lastUsedAtMs: this.options.clock.now() }, bytes: kept });
    this.used += incoming.sizeBytes;
    this.settled = false;
  }

  async delete(key: SegmentKey): Promise<void> {
    this.remove(segmentKeyString(key));
  }

  list(): StoredSegmentInfo[] {
    return [...this.entries.values()].map((e) => ({ ...e.info }));
  }

  setPlaybackContext(context: PlaybackContext | undefined): void {
    if (this.destroyed) return;
    // Players report many times per segment: most reports leave the context as it was.
    if (this.settled && samePlaybackContext(this.playback, context)) return;
    this.playback = context;
    this.settled = true; // before evicting: a `put` from an eviction callback unsettles it again
    this.evict(undefined);
  }

  destroy(): void {
    this.destroyed = true;
    this.entries.clear();
    this.used = 0;
    this.playback = undefined;
  }

  private remove(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.used -= entry.bytes.byteLength;
    return entry;
  }

  /** Evicts what `chooseEvictions` picks, making room for `incoming` when given. */
  private evict(incoming: IncomingSegment | undefined): void {
    const keys = chooseEvictions({
      stored: [...this.entries.values()].map((e) => e.info),
      capBytes: this.options.capBytes,
      incoming,
      playback: this.playback,
      liveKeepBehindSec: this.options.liveKeepBehindSec,
    });
    // Remove them all before telling anyone, so a callback sees a consistent store.
    const removed = keys.map((key) => this.remove(segmentKeyString(key))).filter((e): e is Entry => e !== undefined);
    for (const entry of removed) this.options.onEvict?.(keyOf(entry.info));
  }
}

function samePlaybackContext(a: PlaybackContext | undefined, b: PlaybackContext | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.live !== b.live || a.defaultPlayheadSegmentId !== b.defaultPlayheadSegmentId || a.secondsPerSegmentId !== b.secondsPerSegmentId) return false;
  const aIds = Object.keys(a.playheadSegmentIds);
  if (aIds.length !== Object.keys(b.playheadSegmentIds).length) return false;
  return aIds.every((id) => Object.hasOwn(b.playheadSegmentIds, id) && a.playheadSegmentIds[id] === b.playheadSegmentIds[id]);
}

function keyOf(info: StoredSegmentInfo): SegmentKey {
  return { renditionId: info.renditionId, segmentId: info.segmentId };
}
