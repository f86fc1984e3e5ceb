/**
 * A live DASH stream made from a VOD MPD played in a loop, like the HLS one (`hls/live-timeline.ts`).
 * Understood: what `make-dash.sh` writes for `demo/media/dash/` — a static MPD, one Period, every
 * Representation with the same `SegmentTemplate` (`$RepresentationID$`, `$Number$` or `$Number%0Nd$`,
 * `@duration`, no SegmentTimeline). Pure functions of (VOD MPD, clock): no I/O.
 *
 * The live MPD is the VOD one made `type="dynamic"`: `availabilityStartTime` is when stream time 0 was,
 * segment number k covers stream time [(k - startNumber)·d, (k - startNumber + 1)·d) and is available
 * once that has passed; the same SegmentTemplate then names ever-growing numbers, so live segment URLs
 * are unique per number. Live number k is VOD number `startNumber + (k - startNumber) mod N` of loop
 * `floor((k - startNumber) / N)`, its media times moved by `loop × N × d` (see `fmp4-time.ts`), so the
 * timeline runs on without a wrap. A `urn:mpeg:dash:utc:direct:2014` UTCTiming carries the origin's clock,
 * so players agree with it (tests run it on a fake clock).
 */

export interface DashVodTemplate {
  /** The VOD MPD text. */
  text: string;
  segmentDurationMs: number;
  /** N: segments in one loop of the VOD. */
  segmentsPerLoop: number;
  startNumber: number;
  /** `@media` of the SegmentTemplate, e.g. `chunk-$RepresentationID$-$Number%05d$.m4s`. */
  mediaTemplate: string;
  /** `@initialization`, e.g. `init-$RepresentationID$.m4s`. */
  initTemplate: string;
}

export interface LiveMpdOptions {
  /** Wall ms of stream time 0 (the origin's clock). */
  availabilityStartMs: number;
  nowMs: number;
  /** Segments the player may seek back over: `timeShiftBufferDepth`. */
  windowSegments: number;
  /** Where players start, in segments behind the live edge: `suggestedPresentationDelay`. */
  delaySegments: number;
}

export interface LiveDashSegment {
  representationId: string;
  /** The live `$Number$`. */
  number: number;
  /** 0-based position on the live timeline: `number - startNumber`. */
  index: number;
  /** The VOD file with its bytes, relative to the MPD's folder. */
  vodFileName: string;
  /** Seconds to move the VOD segment's media times by. */
  shiftSec: number;
}

/** The loopable template of a VOD MPD, or undefined when the MPD is not of the kind described above. */
export function parseDashVodTemplate(text: string): DashVodTemplate | undefined {
  if (!/<MPD\b[^>]*\btype="static"/.test(text)) return undefined;
  const templates = [...text.matchAll(/<SegmentTemplate\b([^>]*)>/g)].map((match) => match[1] ?? '');
  if (templates.length === 0 || /<SegmentTimeline\b/.test(text) || templates.some((t) => t !== templates[0])) return undefined;
  const attrs = attributes(templates[0]!);
  const timescale = Number(attrs.timescale ?? 1);
  const duration = Number(attrs.duration);
  const total = isoDurationSec(attributes(/<MPD\b([^>]*)>/.exec(text)?.[1] ?? '').mediaPresentationDuration ?? '');
  const media = attrs.media;
  const initialization = attrs.initialization;
  if (!media || !initialization || !/\$Number(%0\d+d)?\$/.test(media) || !(duration > 0) || total === undefined) return undefined;
  const segmentDurationMs = Math.round((duration / timescale) * 1000);
  return {
    text,
    segmentDurationMs,
    segmentsPerLoop: Math.ceil(total / (segmentDurationMs / 1000) - 1e-6),
    startNumber: Number(attrs.startNumber ?? 1),
    mediaTemplate: media,
    initTemplate: initialization,
  };
}

/** The dynamic MPD at `nowMs`. */
export function renderLiveMpd(vod: DashVodTemplate, options: LiveMpdOptions): string {
  const segmentSec = vod.segmentDurationMs / 1000;
  const live = [
    'type="dynamic"',
    `availabilityStartTime="${isoTime(options.availabilityStartMs)}"`,
    `publishTime="${isoTime(options.nowMs)}"`,
    `minimumUpdatePeriod="PT${segmentSec}S"`,
    `timeShiftBufferDepth="PT${options.windowSegments * segmentSec}S"`,
    `suggestedPresentationDelay="PT${options.delaySegments * segmentSec}S"`,
  ].join('\n\t');
  return vod.text
    .replace(/\btype="static"/, live)
    .replace(/\s*mediaPresentationDuration="[^"]*"/, '')
    .replace('</MPD>', `\t<UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="${isoTime(options.nowMs)}" />\n</MPD>`);
}

/** What a live media file name (relative to the MPD's folder) stands for, or undefined if none. */
export function parseLiveSegmentName(vod: DashVodTemplate, fileName: string): LiveDashSegment | undefined {
  const match = templateRegExp(vod.mediaTemplate).exec(fileName);
  if (!match?.groups) return undefined;
  const representationId = match.groups.rep ?? '';
  const number = Number(match.groups.num);
  const index = number - vod.startNumber;
  if (!Number.isSafeInteger(index) || index < 0) return undefined;
  const loop = Math.floor(index / vod.segmentsPerLoop);
  const vodNumber = vod.startNumber + (index % vod.segmentsPerLoop);
  return {
    representationId,
    number,
    index,
    vodFileName: fillTemplate(vod.mediaTemplate, representationId, vodNumber),
    shiftSec: (loop * vod.segmentsPerLoop * vod.segmentDurationMs) / 1000,
  };
}

/** The init segment of a Representation, relative to the MPD's folder. */
export function initFileName(vod: DashVodTemplate, representationId: string): string {
  return fillTemplate(vod.initTemplate, representationId, 0);
}

/** Segments (0..count-1 on the live timeline) that have ended by stream time `streamTimeMs`. */
export function publishedSegmentCount(vod: DashVodTemplate, streamTimeMs: number): number {
  return Math.max(0, Math.floor(streamTimeMs / vod.segmentDurationMs));
}

export function fillTemplate(template: string, representationId: string, number: number): string {
  return template
    .replaceAll('$RepresentationID$', representationId)
    .replace(/\$Number(?:%0(\d+)d)?\$/g, (_all, width: string | undefined) => String(number).padStart(Number(width ?? 0), '0'));
}

function templateRegExp(template: string): RegExp {
  const escaped = template.replace(/[.*+?^{}()|[\]\\]/g, '\\$&');
  const pattern = escaped
    .replace('$RepresentationID$', '(?<rep>[^/]+?)')
    .replace(/\$Number(?:%0\d+d)?\$/, '(?<num>\\d+)')
    .replaceAll('$', '\\$');
  return new RegExp(`^${pattern}$`);
}

function attributes(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

/** `PT29.9S`, `PT1M2.5S`, `PT1H` in seconds. */
function isoDurationSec(text: string): number | undefined {
  const match = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(text);
  if (!match || text === 'PT') return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
