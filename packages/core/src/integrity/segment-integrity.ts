/**
 * The engine's view of the stream's integrity manifest (`ShoalConfig.integrityManifestUrl`): fetched from the
 * origin when the stream is described, fetched again when a listed or asked-for segment has no entry (a
 * live window moved on), and asked per segment for the hashes its blocks must match. While it has no entry for a
 * segment, that segment is fetched over HTTP only: no peer byte is taken that cannot be verified.
 */
import type { Clock, TimerHandle } from '../clock/clock';
import { ShoalError } from '../errors';
import type { HttpFetcher } from '../http/http-fetcher';
import type { ByteRange } from '../types';
import { integrityKeyOf, MAX_INTEGRITY_ENTRIES, parseIntegrityManifest, type IntegrityEntry } from './integrity-manifest';
import type { Sha256Base64 } from './sha256';

/**
 * A manifest is fetched again at most this often, in ms. Live playlists refresh once per target duration
 * (≥ 1 s) per rendition; one manifest fetch per such refresh round is enough.
 */
export const MIN_INTEGRITY_REFRESH_MS = 1_000;

/** The placeholder of `integrityManifestUrl` replaced by the stream's manifest URL (without query or fragment). */
export const MANIFEST_URL_PLACEHOLDER = '{manifestUrl}';

/**
 * The integrity manifest's URL for a stream: `template` with `{manifestUrl}` replaced by the stream's
 * manifest URL minus query and fragment (`{manifestUrl}.integrity.json`), else `template` resolved against
 * the manifest URL (`integrity.json`, `/integrity/live.json`). The manifest URL's query (a signed-URL
 * token) is carried over when the result has none of its own.
 */
export function integrityManifestUrlFor(template: string, manifestUrl: string): string {
  const query = /\?[^#]*/.exec(manifestUrl)?.[0] ?? '';
  const bare = manifestUrl.split('#')[0]!.split('?')[0]!;
  const url = template.includes(MANIFEST_URL_PLACEHOLDER) ? template.split(MANIFEST_URL_PLACEHOLDER).join(bare) : new URL(template, bare).href;
  return url.includes('?') ? url : url + query;
}

export interface SegmentIntegrityOptions {
  /** The integrity manifest's absolute URL. */
  url: string;
  fetcher: HttpFetcher;
  clock: Clock;
  timeoutMs: number;
  sha256: Sha256Base64;
  /** The manifest could not be fetched or parsed: segments without an entry stay HTTP-only. */
  onWarning(error: ShoalError): void;
  /** New entries arrived (the scheduler may now use peers for them). */
  onUpdated(): void;
}

export class SegmentIntegrity {
  readonly sha256: Sha256Base64;
  private readonly options: SegmentIntegrityOptions;
  private readonly entries = new Map<string, IntegrityEntry>();
  private fetching = false;
  private again = false;
  private lastFetchAtMs = -Infinity;
  private timer: TimerHandle | undefined;
  private readonly abort = new AbortController();
  private destroyed = false;

  constructor(options: SegmentIntegrityOptions) {
    this.options = options;
    this.sha256 = options.sha256;
    void this.refresh();
  }

  /** The hashes a segment must match; undefined while the manifest has no entry for it. */
  entryFor(segment: { url: string; byteRange?: ByteRange | undefined }): IntegrityEntry | undefined {
    return this.entries.get(integrityKeyOf(segment.url, segment.byteRange)) ?? this.entries.get(integrityKeyOf(segment.url, segment.byteRange, { withoutQuery: true }));
  }

  /** No entry for the segment yet, and a manifest fetch is running or scheduled that may bring it. */
  entryPending(segment: { url: string; byteRange?: ByteRange | undefined }): boolean {
    return !this.destroyed && (this.fetching || this.timer !== undefined) && !this.entryFor(segment);
  }

  /**
   * A playlist listed these segments, or the player asked for one no list named yet (Shaka computes live
   * DASH segments from the clock): when one has no entry yet, the manifest is fetched again (throttled).
   */
  segmentsNamed(segments: ReadonlyArray<{ url: string; byteRange?: ByteRange | undefined }>): void {
    if (segments.some((segment) => !this.entryFor(segment))) this.requestRefresh();
  }

  /** Stop fetching. Idempotent. */
  destroy(): void {
    this.destroyed = true;
    this.abort.abort();
    this.options.clock.clearTimeout(this.timer);
  }

  private requestRefresh(): void {
    if (this.destroyed) return;
    if (this.fetching) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) return;
    const waitMs = this.lastFetchAtMs + MIN_INTEGRITY_REFRESH_MS - this.options.clock.now();
    if (waitMs <= 0) return void this.refresh();
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, waitMs);
  }

  private async refresh(): Promise<void> {
    const { fetcher, clock, url, timeoutMs } = this.options;
    this.fetching = true;
    this.again = false;
    this.lastFetchAtMs = clock.now();
    try {
      const { bytes } = await fetcher.fetch({ url, timeoutMs, signal: this.abort.signal });
      if (this.destroyed) return;
      this.merge(parseIntegrityManifest(bytes, url));
      this.options.onUpdated();
    } catch (error) {
      if (this.destroyed) return;
      const shoalError = error instanceof ShoalError && error.code === 'integrity-manifest-invalid'
        ? error
        : new ShoalError('integrity-manifest-unavailable', `Integrity manifest ${url}: ${(error as Error).message}`, { source: 'http', cause: error });
      this.options.onWarning(shoalError);
    } finally {
      this.fetching = false;
      if (this.again) this.requestRefresh();
    }
  }

  /** New entries in, the oldest out past `MAX_INTEGRITY_ENTRIES` (an entry's hashes never change). */
  private merge(fresh: Map<string, IntegrityEntry>): void {
    for (const [key, entry] of fresh) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_INTEGRITY_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}
