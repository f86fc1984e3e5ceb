/**
 * Reads the VOD media playlists that `demo/media/make-media.sh` writes: segment durations, URIs and
 * `#EXT-X-BYTERANGE`s, plus the header tags a live rewrite must keep. Pure: text in, data out.
 * Only what ffmpeg's HLS muxer emits is understood; anything else is ignored.
 */

/** Bytes of one segment inside its file. */
export interface VodByteRange {
  offsetBytes: number;
  lengthBytes: number;
}

export interface VodSegment {
  durationSec: number;
  /** As written in the playlist: relative to the playlist's folder. */
  uri: string;
  byteRange?: VodByteRange;
}

export interface VodMediaPlaylist {
  version: number;
  independentSegments: boolean;
  /** The `#EXT-X-MAP` line verbatim (fMP4 init segment), if any. */
  mapLine?: string;
  segments: VodSegment[];
}

/** True when the text is a media playlist (it lists segments) rather than a master playlist. */
export function isMediaPlaylist(text: string): boolean {
  return /^#EXTINF:/m.test(text);
}

/** `#EXT-X-BYTERANGE:<length>[@<offset>]`; without an offset the range follows the previous one. */
function parseByteRange(value: string, previous: { uri: string; endBytes: number } | undefined, uri: string): VodByteRange {
  const [lengthText, offsetText] = value.split('@');
  const lengthBytes = Number(lengthText);
  let offsetBytes: number;
  if (offsetText !== undefined) offsetBytes = Number(offsetText);
  else if (previous && previous.uri === uri) offsetBytes = previous.endBytes;
  else throw new Error(`#EXT-X-BYTERANGE without an offset and no previous range of ${uri}`);
  if (!Number.isSafeInteger(lengthBytes) || !Number.isSafeInteger(offsetBytes)) {
    throw new Error(`bad #EXT-X-BYTERANGE:${value}`);
  }
  return { offsetBytes, lengthBytes };
}

export function parseVodMediaPlaylist(text: string): VodMediaPlaylist {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist (no #EXTM3U)');
  const playlist: VodMediaPlaylist = { version: 3, independentSegments: false, segments: [] };
  let durationSec: number | undefined;
  let byteRangeValue: string | undefined;
  let previousRange: { uri: string; endBytes: number } | undefined;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-VERSION:')) playlist.version = Number(line.slice('#EXT-X-VERSION:'.length));
    else if (line === '#EXT-X-INDEPENDENT-SEGMENTS') playlist.independentSegments = true;
    else if (line.startsWith('#EXT-X-MAP:')) playlist.mapLine = line;
    else if (line.startsWith('#EXTINF:')) durationSec = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line.startsWith('#EXT-X-BYTERANGE:')) byteRangeValue = line.slice('#EXT-X-BYTERANGE:'.length);
    else if (line !== '' && !line.startsWith('#')) {
      if (durationSec === undefined || !Number.isFinite(durationSec)) throw new Error(`segment ${line} has no #EXTINF`);
      const segment: VodSegment = { durationSec, uri: line };
      if (byteRangeValue !== undefined) {
        segment.byteRange = parseByteRange(byteRangeValue, previousRange, line);
        previousRange = { uri: line, endBytes: segment.byteRange.offsetBytes + segment.byteRange.lengthBytes };
      }
      playlist.segments.push(segment);
      durationSec = undefined;
      byteRangeValue = undefined;
    }
  }
  if (playlist.segments.length === 0) throw new Error('media playlist without segments');
  return playlist;
}
