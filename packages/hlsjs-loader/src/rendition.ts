/**
 * What each hls.js level and audio track is, in the engine's terms. Rendition ids derive from the
 * manifest's own attributes (EXT-X-STREAM-INF `BANDWIDTH`, `CODECS`, `RESOLUTION`, `NAME`; EXT-X-MEDIA
 * `GROUP-ID`, `NAME`, `LANGUAGE`, `CODECS`) through core's `renditionIdOf`, never from hls.js's computed
 * fields or indexes, so another player (Shaka) parsing the same playlist derives the same ids.
 */
import { compactMetadata, renditionIdOf, type RenditionMetadata } from '@shoal/core';
import type Hls from 'hls.js';
import type { Fragment, Level, MediaPlaylist } from 'hls.js';

/** The manifest attributes of an hls.js level or track (hls.js's `AttrList`). */
type Attributes = Record<string, unknown>;

/** A variant (EXT-X-STREAM-INF): the main rendition, video with or without muxed audio. */
export function levelMetadata(level: Pick<Level, 'attrs'>): RenditionMetadata {
  const attrs = level.attrs as Attributes;
  const resolution = parseResolution(stringAttr(attrs, 'RESOLUTION'));
  return compactMetadata({
    type: 'main',
    bandwidthBps: integerAttr(attrs, 'BANDWIDTH'),
    codecs: stringAttr(attrs, 'CODECS'),
    width: resolution?.width,
    height: resolution?.height,
    name: stringAttr(attrs, 'NAME'),
  });
}

/**
 * An alternate audio rendition (EXT-X-MEDIA TYPE=AUDIO with a URI). Its `name` is `GROUP-ID/NAME`: one
 * NAME ("English") often appears in several groups (one per audio bitrate) whose segments differ, and
 * two different renditions under one id would trade wrong bytes.
 */
export function audioTrackMetadata(track: Pick<MediaPlaylist, 'attrs'>): RenditionMetadata {
  const attrs = track.attrs as Attributes;
  const group = stringAttr(attrs, 'GROUP-ID') ?? '';
  return compactMetadata({
    type: 'audio',
    codecs: stringAttr(attrs, 'CODECS'),
    language: stringAttr(attrs, 'LANGUAGE'),
    name: `${group}/${stringAttr(attrs, 'NAME') ?? ''}`,
  });
}

export function levelRenditionId(level: Pick<Level, 'attrs'>): string {
  return renditionIdOf(levelMetadata(level));
}

/** Undefined for an audio track muxed into the variants (no URI): it has no segments of its own. */
export function audioTrackRenditionId(track: Pick<MediaPlaylist, 'attrs' | 'url'>): string | undefined {
  return track.url ? renditionIdOf(audioTrackMetadata(track)) : undefined;
}

/**
 * The rendition a media fragment belongs to, or undefined when the engine should not load it
 * (subtitles, an unknown level). `frag.level` indexes `hls.levels` for main fragments and
 * `hls.audioTracks` (the current audio group) for audio fragments.
 */
export function fragmentRenditionId(hls: Pick<Hls, 'levels' | 'audioTracks'>, frag: Pick<Fragment, 'type' | 'level'>): string | undefined {
  if (frag.type === 'main') {
    const level = hls.levels[frag.level];
    return level && levelRenditionId(level);
  }
  if (frag.type === 'audio') {
    const track = hls.audioTracks[frag.level];
    return track && audioTrackRenditionId(track);
  }
  return undefined;
}

function stringAttr(attrs: Attributes, name: string): string | undefined {
  const value = attrs[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function integerAttr(attrs: Attributes, name: string): number | undefined {
  const text = stringAttr(attrs, name);
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** `RESOLUTION=640x360` (a decimal-resolution attribute). */
function parseResolution(text: string | undefined): { width: number; height: number } | undefined {
  const match = text === undefined ? null : /^(\d+)x(\d+)$/i.exec(text);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}
