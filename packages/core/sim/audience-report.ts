/**
 * The audience simulator's figures from its per-viewer records, and their printout.
 *
 * The bound. With N̄ viewers watching on average, k renditions watched, r the mean bitrate watched and ū
 * the mean usable uplink of the viewers present, no swarm can do better than
 *     P2P share ≤ min(1 − k / N̄, ū / r)
 * (the fluid model of peer-assisted streaming): each rendition's segments must leave the origin at least
 * once (k copies among N̄ viewers' downloads), and peers cannot upload more than their uplinks carry.
 * Churn, unconnectable pairs and scheduling keep the real share below it.
 */
import type { AudienceOptions } from './audience-simulation';
import type { TrackerMessageCounts } from './memory-tracker';

export interface ViewerRecord {
  /** The partition it joined (0 without partitions). */
  partition: number;
  joinMs: number;
  leaveMs: number;
  rendition: number;
  bitrateBytesPerSec: number;
  uplinkBytesPerSec: number;
  /** Ms from joining to the first segment in; undefined if it never played. */
  startupMs: number | undefined;
  stalls: number;
  stallSec: number;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  /** Failed segment loads and player failures. */
  errors: number;
  errorMessages: string[];
}

/** `--reasons`: decisions acted on, and origin bytes, by `action:reason`. */
export interface ReasonTally {
  decisions: Record<string, number>;
  originBytes: Record<string, number>;
}

export interface OriginTally {
  requests: number;
  bytes: number;
  bytesByWindow: Map<number, number>;
  requestsByKey: Map<string, number>;
}

export interface AudienceResult {
  scenario: Omit<AudienceOptions, 'config'>;
  viewers: number;
  meanConcurrentViewers: number;
  p2pShare: number;
  bound: number;
  boundTerms: { renditionsWatched: number; meanUplinkBytesPerSec: number; meanBitrateBytesPerSec: number };
  shareOfBound: number;
  originRequestsPerSegment: number;
  /** Most origin bytes in one 10 s window, per second. */
  originPeakBytesPerSec: number;
  stallsPerViewerHour: number;
  stallSecPerViewerHour: number;
  startupMedianMs: number;
  startupP95Ms: number;
  uploadMeanBytes: number;
  uploadMaxBytes: number;
  shareUploadingMoreThanDownloading: number;
  trackerMessagesPerSec: number;
  /** P2P share and viewers of each partition, by index. */
  partitions: Array<{ viewers: number; p2pShare: number }>;
  trackerMessages: TrackerMessageCounts;
  errors: number;
  /** The first few error messages, for the printout. */
  errorSamples: string[];
  neverPlayed: number;
  wallSec: number;
  peakRssMB: number;
  reasons?: ReasonTally;
}

export interface SummaryInput {
  options: AudienceOptions;
  records: ViewerRecord[];
  segmentsProduced: number;
  origin: OriginTally;
  tracker: TrackerMessageCounts;
  simulatedSec: number;
  wallSec: number;
  peakRssBytes: number;
  reasons?: ReasonTally;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function summarise(input: SummaryInput): AudienceResult {
  const { options, records, origin, tracker } = input;
  const viewerSec = records.reduce((sum, r) => sum + (r.leaveMs - r.joinMs) / 1000, 0);
  const viewerHours = viewerSec / 3600;
  const meanConcurrent = viewerSec / input.simulatedSec;
  const weighted = (f: (r: ViewerRecord) => number): number =>
    viewerSec === 0 ? 0 : records.reduce((sum, r) => sum + (f(r) * (r.leaveMs - r.joinMs)) / 1000, 0) / viewerSec;
  const meanUplink = weighted((r) => r.uplinkBytesPerSec);
  const meanBitrate = weighted((r) => r.bitrateBytesPerSec);
  // k counts each rendition once per partition watching it: every partition fetches its own copy.
  const renditionsWatched = new Set(records.map((r) => `${r.partition}/${r.rendition}`)).size;
  const bound = Math.max(0, Math.min(1 - renditionsWatched / Math.max(1, meanConcurrent), meanUplink / meanBitrate));
  const http = records.reduce((s, r) => s + r.httpBytes, 0);
  const p2p = records.reduce((s, r) => s + r.p2pBytes, 0);
  const p2pShare = http + p2p === 0 ? 0 : p2p / (http + p2p);
  const startups = records.flatMap((r) => (r.startupMs === undefined ? [] : [r.startupMs]));
  const uploads = records.map((r) => r.uploadedBytes);
  const { config: _config, ...scenario } = options;
  return {
    scenario,
    viewers: records.length,
    meanConcurrentViewers: meanConcurrent,
    p2pShare,
    bound,
    boundTerms: { renditionsWatched, meanUplinkBytesPerSec: meanUplink, meanBitrateBytesPerSec: meanBitrate },
    shareOfBound: bound === 0 ? 0 : p2pShare / bound,
    originRequestsPerSegment: origin.requests / (input.segmentsProduced * renditionsWatched || 1),
    originPeakBytesPerSec: Math.max(0, ...origin.bytesByWindow.values()) / 10,
    stallsPerViewerHour: viewerHours === 0 ? 0 : records.reduce((s, r) => s + r.stalls, 0) / viewerHours,
    stallSecPerViewerHour: viewerHours === 0 ? 0 : records.reduce((s, r) => s + r.stallSec, 0) / viewerHours,
    startupMedianMs: quantile(startups, 0.5),
    startupP95Ms: quantile(startups, 0.95),
    uploadMeanBytes: uploads.reduce((a, b) => a + b, 0) / Math.max(1, uploads.length),
    uploadMaxBytes: Math.max(0, ...uploads),
    shareUploadingMoreThanDownloading: records.filter((r) => r.uploadedBytes > r.httpBytes + r.p2pBytes).length / Math.max(1, records.length),
    trackerMessagesPerSec: tracker.total / input.simulatedSec,
    partitions: partitionShares(records),
    trackerMessages: tracker,
    errors: records.reduce((s, r) => s + r.errors, 0),
    errorSamples: records.flatMap((r) => r.errorMessages).slice(0, 5),
    neverPlayed: records.length - startups.length,
    wallSec: input.wallSec,
    peakRssMB: input.peakRssBytes / 2 ** 20,
    ...(input.reasons ? { reasons: input.reasons } : {}),
  };
}

function partitionShares(records: ViewerRecord[]): Array<{ viewers: number; p2pShare: number }> {
  const out: Array<{ viewers: number; http: number; p2p: number }> = [];
  for (const r of records) {
    const slot = (out[r.partition] ??= { viewers: 0, http: 0, p2p: 0 });
    slot.viewers++;
    slot.http += r.httpBytes;
    slot.p2p += r.p2pBytes;
  }
  return Array.from(out, (p) => ({ viewers: p?.viewers ?? 0, p2pShare: p && p.http + p.p2p > 0 ? p.p2p / (p.http + p.p2p) : 0 }));
}

const mbit = (bytesPerSec: number): string => `${((bytesPerSec * 8) / 1e6).toFixed(2)} Mbit/s`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export function formatResult(r: AudienceResult): string {
  const s = r.scenario;
  const lines = [
    `audience: ${r.viewers} viewers (${r.meanConcurrentViewers.toFixed(0)} on average), ${s.mode}, ${s.arrival} arrivals, ${s.durationSec} s simulated, seed ${s.seed}, p2p ${s.p2p ? 'on' : 'off'}`,
    `P2P share        ${r.p2pShare.toFixed(3)}  bound min(1 − k/N̄, ū/r) = ${r.bound.toFixed(3)} (k ${r.boundTerms.renditionsWatched}, ū ${mbit(r.boundTerms.meanUplinkBytesPerSec)}, r ${mbit(r.boundTerms.meanBitrateBytesPerSec)})  share of bound ${r.shareOfBound.toFixed(3)}`,
    `origin           ${r.originRequestsPerSegment.toFixed(2)} requests per segment; peak ${mbit(r.originPeakBytesPerSec)} (10 s window)`,
    `stalls           ${r.stallsPerViewerHour.toFixed(2)} per viewer-hour, ${r.stallSecPerViewerHour.toFixed(1)} s per viewer-hour`,
    `startup          median ${r.startupMedianMs.toFixed(0)} ms, p95 ${r.startupP95Ms.toFixed(0)} ms (${r.neverPlayed} never played)`,
    `upload/viewer    mean ${mb(r.uploadMeanBytes)}, max ${mb(r.uploadMaxBytes)}, ${(100 * r.shareUploadingMoreThanDownloading).toFixed(1)}% upload more than they download`,
    `tracker          ${r.trackerMessagesPerSec.toFixed(1)} messages/s (${r.trackerMessages.announces} announces, ${r.trackerMessages.offers} offers, ${r.trackerMessages.answers} answers)`,
    `  per URL        ${Object.entries(r.trackerMessages.byUrl).map(([url, n]) => `${url} ${(n / s.durationSec).toFixed(1)}/s`).join(', ')}`,
    ...(r.partitions.length > 1
      ? [`partitions       ${r.partitions.map((p, i) => `#${i} ${p.viewers} viewers ${p.p2pShare.toFixed(3)}`).join('; ')}`]
      : []),
    `errors           ${r.errors}${r.errorSamples.length > 0 ? ` (${r.errorSamples.join('; ')})` : ''}`,
    `simulator        ${r.wallSec.toFixed(1)} s wall, peak RSS ${r.peakRssMB.toFixed(0)} MB`,
    ...(r.reasons ? formatReasons(r.reasons) : []),
  ];
  return lines.join('\n');
}

function formatReasons(reasons: ReasonTally): string[] {
  const byCount = (table: Record<string, number>): Array<[string, number]> => Object.entries(table).sort((a, b) => b[1] - a[1]);
  const originTotal = Object.values(reasons.originBytes).reduce((a, b) => a + b, 0);
  return [
    'decisions acted on (action:reason)',
    ...byCount(reasons.decisions).map(([why, n]) => `  ${String(n).padStart(8)}  ${why}`),
    'origin bytes by the segment\'s last decision',
    ...byCount(reasons.originBytes).map(([why, bytes]) => `  ${mb(bytes).padStart(10)}  ${((100 * bytes) / Math.max(1, originTotal)).toFixed(1).padStart(5)}%  ${why}`),
  ];
}
