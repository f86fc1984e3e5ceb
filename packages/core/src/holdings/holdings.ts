/**
 * What this viewer holds, and the one place that says so to peers. Segments are held complete (in the
 * segment store) or partially (a download in progress whose bytes are relayed as they arrive:
 * cut-through). Holdings emits `have` and `lost` for every change — a download starting and learning its
 * size, a segment stored, a download abandoned, the store evicting, a persistent cache restored — and the
 * swarm sends exactly those to its peers. It gives the full set a new peer receives with our handshake,
 * answers the uploader's "what may I serve for this key?", and the stored sizes the scheduler estimates from.
 *
 * Commitments (protocol version 2): a complete announcement carries the SHA-256 of the segment's bytes,
 * computed once when the download stores it (`stored`) or, for a restored persistent cache, when it is
 * read back here before being announced. Receivers without an integrity manifest check what they assemble
 * against them (`commitments/`). Holdings keeps one digest per stored segment and forgets it with the segment.
 *
 * Layering: Holdings knows the store and the partial segments the downloads register; it knows nothing
 * of peers. The swarm subscribes to its events and reads it; downloads and the engine tell it what happened.
 */
import EventEmitter from 'eventemitter3';
import { completeSegment, type PartialSegment, type ServableSegment } from '../download/partial-segment';
import type { Sha256Base64 } from '../integrity/sha256';
import { segmentKeyString } from '../segment-key';
import type { SegmentStorage, StoredSegmentInfo } from '../storage/segment-storage';
import type { SegmentKey } from '../types';
import type { RenditionHoldings } from '../wire/messages';

/**
 * What we tell peers of one segment we hold: its size (0 while unknown), whether it is still arriving, and
 * once complete our commitment to its bytes (absent when this page cannot hash).
 */
export interface HeldSegmentAnnouncement {
  sizeBytes: number;
  partial: boolean;
  sha256Base64?: string;
}

export interface HoldingsEvents {
  /** We hold the segment (complete), or are downloading it (`partial`): tell every peer. */
  have: (key: SegmentKey, held: HeldSegmentAnnouncement) => void;
  /** We no longer hold the segment, or will not have it after all: tell every peer. */
  lost: (key: SegmentKey) => void;
}

/** The sizes of stored segments, per rendition: what size estimates are made from. Read-only. */
export interface StoredSizes {
  storedSizesBytes(renditionId: string): number[];
}

/** A download in progress, as peers were told of it. */
interface Downloading {
  /** Its bytes so far, served to peers; undefined until its size is known. */
  partial: PartialSegment | undefined;
  /** The size announced as partial (0: size not known yet); undefined before any announcement. */
  announcedSizeBytes: number | undefined;
}

export interface HoldingsOptions {
  storage: SegmentStorage;
  /** Hashes restored segments for their commitment; without it they are announced uncommitted. */
  sha256?: Sha256Base64;
}

export class Holdings extends EventEmitter<HoldingsEvents> implements StoredSizes {
  private readonly storage: SegmentStorage;
  private readonly options: HoldingsOptions;
  private readonly downloads = new Map<string, Downloading>();
  /** SHA-256 (base64) of each stored segment we committed to, by segment key string. */
  private readonly commitments = new Map<string, string>();
  private destroyed = false;

  constructor(options: HoldingsOptions) {
    super();
    this.storage = options.storage;
    this.options = options;
  }

  /**
   * A download of `key` runs, `sizeBytes` long (0 while unknown), its bytes in `partial` once that exists.
   * Peers hear of it once, and again when its size became known (a size-0 announcement first) or changed
   * (a size a peer's hint gave, corrected by the origin).
   */
  downloading(key: SegmentKey, update: { sizeBytes: number; partial?: PartialSegment }): void {
    const entry = this.entryOf(key);
    if (update.partial) entry.partial = update.partial;
    const announced = entry.announcedSizeBytes;
    if (announced === update.sizeBytes || (announced !== undefined && update.sizeBytes === 0)) return;
    entry.announcedSizeBytes = update.sizeBytes;
    this.emit('have', key, { sizeBytes: update.sizeBytes, partial: true });
  }

  /**
   * The download's bytes went to the store: peers hear it is complete, committed to `sha256Base64` (the
   * digest of exactly the stored bytes), or lost if the store did not keep it.
   */
  stored(key: SegmentKey, sizeBytes: number, sha256Base64?: string): void {
    const entry = this.forget(key);
    if (this.storage.has(key)) {
      if (sha256Base64 === undefined) this.commitments.delete(segmentKeyString(key));
      else this.commitments.set(segmentKeyString(key), sha256Base64);
      this.emit('have', key, announcement(sizeBytes, sha256Base64));
    } else if (entry?.announcedSizeBytes !== undefined) this.emit('lost', key);
  }

  /**
   * The player rejected the stored segment (or it proved wrong): it leaves the store and peers hear it is
   * lost, so nobody fetches it from us and our next load of it goes elsewhere.
   */
  async discard(key: SegmentKey): Promise<void> {
    this.commitments.delete(segmentKeyString(key));
    const held = this.storage.has(key);
    await this.storage.delete(key).catch(() => undefined);
    if (held) this.emit('lost', key);
  }

  /** The download ended without storing (failed, cancelled, the store refused): peers told of it hear it is lost. */
  abandoned(key: SegmentKey): void {
    const entry = this.forget(key);
    if (entry?.announcedSizeBytes !== undefined && !this.storage.has(key)) this.emit('lost', key);
  }

  /** The store dropped a segment by itself (eviction, a persistent store given up). */
  evicted(key: SegmentKey): void {
    this.commitments.delete(segmentKeyString(key));
    this.emit('lost', key);
  }

  /**
   * A persistent store opened holding these segments from earlier pages: each is read back and hashed for
   * its commitment, then announced (uncommitted if it cannot be hashed; not at all if it cannot be read).
   */
  restored(segments: StoredSegmentInfo[]): void {
    for (const info of segments) void this.announceRestored(info);
  }

  /** Whether the store holds the segment complete. */
  isStored(key: SegmentKey): boolean {
    return this.storage.has(key);
  }

  /** Every stored segment, grouped by rendition: the full set a new peer receives with our handshake. */
  fullSet(): RenditionHoldings[] {
    const byRendition = new Map<string, RenditionHoldings>();
    for (const info of this.storage.list()) {
      let group = byRendition.get(info.renditionId);
      if (!group) byRendition.set(info.renditionId, (group = { renditionId: info.renditionId, segments: [] }));
      const sha256Base64 = this.commitments.get(segmentKeyString(info));
      group.segments.push({ segmentId: info.segmentId, ...announcement(info.sizeBytes, sha256Base64) });
    }
    return [...byRendition.values()];
  }

  /** What the uploader may serve for `key`: a download's bytes as they arrive, else the stored segment. */
  async servable(key: SegmentKey): Promise<ServableSegment | undefined> {
    const partial = this.downloads.get(segmentKeyString(key))?.partial;
    if (partial && !partial.isFailed) return partial;
    // A store whose read fails holds nothing we can serve: the peer hears `absent` and asks elsewhere.
    const bytes = await this.storage.get(key).catch(() => undefined);
    return bytes && completeSegment(bytes);
  }

  storedSizesBytes(renditionId: string): number[] {
    return this.storage.list().filter((info) => info.renditionId === renditionId).map((info) => info.sizeBytes);
  }

  /** Forgets downloads and listeners (the engine is going away: no announcement). Idempotent. */
  destroy(): void {
    this.destroyed = true;
    this.downloads.clear();
    this.commitments.clear();
    this.removeAllListeners();
  }

  private async announceRestored(info: StoredSegmentInfo): Promise<void> {
    const key = { renditionId: info.renditionId, segmentId: info.segmentId };
    let sha256Base64: string | undefined;
    if (this.options.sha256) {
      const bytes = await this.storage.get(key).catch(() => undefined);
      if (!bytes) return;
      sha256Base64 = await this.options.sha256(bytes).catch(() => undefined);
    }
    if (this.destroyed || !this.storage.has(key)) return;
    if (sha256Base64 !== undefined) this.commitments.set(segmentKeyString(key), sha256Base64);
    this.emit('have', key, announcement(info.sizeBytes, sha256Base64));
  }

  private entryOf(key: SegmentKey): Downloading {
    const id = segmentKeyString(key);
    let entry = this.downloads.get(id);
    if (!entry) this.downloads.set(id, (entry = { partial: undefined, announcedSizeBytes: undefined }));
    return entry;
  }

  private forget(key: SegmentKey): Downloading | undefined {
    const id = segmentKeyString(key);
    const entry = this.downloads.get(id);
    this.downloads.delete(id);
    return entry;
  }
}

/** A complete segment's announcement, with its commitment when there is one. */
function announcement(sizeBytes: number, sha256Base64: string | undefined): HeldSegmentAnnouncement {
  return sha256Base64 === undefined ? { sizeBytes, partial: false } : { sizeBytes, partial: false, sha256Base64 };
}
