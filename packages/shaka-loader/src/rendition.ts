/**
 * What each Shaka stream is, in the engine's terms, from the manifest's variants and streams (read through
 * `manifest-internals.ts`, which lists the fields used and the Shaka versions checked).
 *
 * - DASH: one rendition per Representation (video and audio apart): `type` video/audio, `@bandwidth`,
 *   `@codecs`, `@width`×`@height`, `@lang`, and `name` = the Representation `@id`.
 * - HLS: the same fields hls.js's adapter reads from the playlist (see hlsjs-loader `rendition.ts`), so both
 *   players derive the same ids: a variant (EXT-X-STREAM-INF) is `main` with its `BANDWIDTH`, its `CODECS`
 *   (Shaka splits them into the video stream's and the muxed audio's; order does not matter, `renditionIdOf`
 *   sorts them) and `RESOLUTION`. Alternate audio (EXT-X-MEDIA with a URI) is `audio` with `CODECS`,
 *   `LANGUAGE` and `GROUP-ID/NAME`. Shaka keeps no variant `NAME` attribute: a playlist that sets one gets
 *   different ids in hls.js (not the case of ffmpeg's playlists).
 */
import { compactMetadata, renditionIdOf, type RenditionMetadata } from '@shoal/core';
import type { ShakaStream, ShakaVariant } from './shaka';

export interface ShakaRendition {
  id: string;
  metadata: RenditionMetadata;
  /** The Shaka stream whose segments make this rendition. */
  stream: ShakaStream;
}

export type ManifestKind = 'dash' | 'hls';

/** Shaka's `player.getManifestType()` ('DASH', 'HLS', ...) as the adapter treats it. */
export function manifestKind(manifestType: string | null): ManifestKind {
  return manifestType?.toUpperCase() === 'HLS' ? 'hls' : 'dash';
}

/** Renditions by Shaka stream id (`stream.id`, what request contexts and variant tracks name). */
export function renditionsOf(variants: readonly ShakaVariant[], kind: ManifestKind): Map<number, ShakaRendition> {
  const byStream = new Map<number, ShakaRendition>();
  const add = (stream: ShakaStream, metadata: RenditionMetadata): void => {
    // One stream in several variants (HLS: one video with two audio groups): the first variant names it.
    if (!byStream.has(stream.id)) byStream.set(stream.id, { id: renditionIdOf(metadata), metadata, stream });
  };
  for (const variant of variants) {
    if (kind === 'hls') {
      const main = variant.video ?? variant.audio;
      if (main) add(main, hlsVariantMetadata(variant, main));
      if (variant.video && variant.audio && !variant.audio.isAudioMuxedInVideo) add(variant.audio, hlsAudioMetadata(variant.audio));
    } else {
      if (variant.video) add(variant.video, dashMetadata(variant.video));
      if (variant.audio) add(variant.audio, dashMetadata(variant.audio));
    }
  }
  return byStream;
}

function dashMetadata(stream: ShakaStream): RenditionMetadata {
  return compactMetadata({
    type: stream.type === 'audio' ? 'audio' : 'video',
    bandwidthBps: stream.bandwidth,
    codecs: nonEmpty(stream.codecs),
    width: stream.width,
    height: stream.height,
    language: stream.type === 'audio' ? language(stream.language) : undefined,
    name: nonEmpty(stream.originalId ?? undefined),
  });
}

function hlsVariantMetadata(variant: ShakaVariant, main: ShakaStream): RenditionMetadata {
  const muxedAudio = variant.audio && (variant.audio.isAudioMuxedInVideo || !variant.video) ? variant.audio : null;
  const codecs = [main.codecs, muxedAudio && muxedAudio !== main ? muxedAudio.codecs : '']
    .filter((codec): codec is string => Boolean(codec))
    .join(',');
  return compactMetadata({
    type: 'main',
    bandwidthBps: variant.bandwidth,
    codecs: nonEmpty(codecs),
    width: main.width,
    height: main.height,
  });
}

function hlsAudioMetadata(stream: ShakaStream): RenditionMetadata {
  return compactMetadata({
    type: 'audio',
    codecs: nonEmpty(stream.codecs),
    language: language(stream.language),
    name: `${stream.groupId ?? ''}/${stream.label ?? ''}`,
  });
}

/** Shaka says 'und' when the manifest gives no language; hls.js leaves it absent. */
function language(value: string | undefined): string | undefined {
  return value && value !== 'und' ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value ? value : undefined;
}
