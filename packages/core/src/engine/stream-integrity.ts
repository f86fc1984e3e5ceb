/**
 * `integrityManifestUrl`: the stream's integrity manifest, fetched once the stream's manifest URL is known.
 * From then on every download checks its blocks against it, and a segment it has no entry for is HTTP-only.
 */
import type EventEmitter from 'eventemitter3';
import type { Clock } from '../clock/clock';
import type { DownloadContext } from '../download/download-context';
import { ShoalError } from '../errors';
import type { ShoalEvents } from '../events';
import type { HttpFetcher } from '../http/http-fetcher';
import { integrityManifestUrlFor, SegmentIntegrity } from '../integrity/segment-integrity';
import type { Sha256Base64 } from '../integrity/sha256';

export interface StreamIntegrityOptions {
  /** The `integrityManifestUrl` config value. */
  template: string;
  manifestUrl: string;
  /** Undefined where nothing can hash (no WebCrypto). */
  sha256: Sha256Base64 | undefined;
  fetcher: HttpFetcher;
  clock: Clock;
  timeoutMs: number;
  /** Its `integrity` is set here: what every segment download checks blocks against. */
  downloads: DownloadContext;
  events: Pick<EventEmitter<ShoalEvents>, 'emit'>;
  /** The manifest changed: what may come from peers did too. */
  onUpdated: () => void;
}

/**
 * Starts checking downloads against the stream's integrity manifest. A page that cannot hash (no
 * WebCrypto) uses no peer bytes at all and says so once (`integrity:warning`); then there is no manifest
 * to return.
 */
export function startStreamIntegrity(options: StreamIntegrityOptions): SegmentIntegrity | undefined {
  const { sha256, downloads, events } = options;
  if (!sha256) {
    downloads.integrity = { entryFor: () => undefined, sha256: () => Promise.reject(new Error('no SHA-256')) };
    const error = new ShoalError('integrity-unsupported', 'No WebCrypto SHA-256 here (not a secure context?): segments are fetched over HTTP', { source: 'engine' });
    events.emit('integrity:warning', { error });
    return undefined;
  }
  const integrity = new SegmentIntegrity({
    url: integrityManifestUrlFor(options.template, options.manifestUrl),
    fetcher: options.fetcher,
    clock: options.clock,
    timeoutMs: options.timeoutMs,
    sha256,
    onWarning: (error) => events.emit('integrity:warning', { error }),
    onUpdated: options.onUpdated,
  });
  downloads.integrity = integrity;
  return integrity;
}
