/**
 * HLS media sequence numbers of the segments Shaka plays, so a Shaka viewer names segments as hls.js does
 * (`frag.sn`) and both meet in one swarm. Shaka's public API does not expose them (a `SegmentReference`
 * has URIs, byte range and times only), so the adapter reads them itself from each media playlist Shaka
 * downloads (a response filter sees the text before Shaka's parser does) and looks segments up by
 * (absolute URI, first byte). No Shaka internals: the playlist text and the reference's public getters.
 *
 * The numbering is RFC 8216's, as hls.js applies it: the first segment of the playlist is
 * `#EXT-X-MEDIA-SEQUENCE` (0 when absent) and each following URI line is one more; `#EXT-X-BYTERANGE`
 * without an offset starts where the previous range of the same URI ended.
 */

/** Playlist entries remembered at most (oldest forgotten first): a live stream adds one per segment. */
const MAX_REMEMBERED_SEGMENTS = 20_000;

export class HlsMediaSequences {
  /** Keyed `<absolute URI> <first byte>`. */
  private readonly sequences = new Map<string, number>();

  /** Remember the numbers of a media playlist's segments; a master playlist (no segments) is ignored. */
  learn(playlistText: string, playlistUrl: string): void {
    if (!/^#EXTINF/m.test(playlistText)) return;
    let sequence = Number(/^#EXT-X-MEDIA-SEQUENCE:\s*(\d+)/m.exec(playlistText)?.[1] ?? 0);
    let range: { lengthBytes: number; offsetBytes: number | undefined } | undefined;
    const rangeEnds = new Map<string, number>();
    for (const rawLine of playlistText.split(/\r?\n/)) {
      const line = rawLine.trim();
      if (line.startsWith('#EXT-X-BYTERANGE:')) {
        const [length, offset] = line.slice('#EXT-X-BYTERANGE:'.length).split('@');
        range = { lengthBytes: Number(length), offsetBytes: offset === undefined ? undefined : Number(offset) };
      } else if (line !== '' && !line.startsWith('#')) {
        const uri = resolve(line, playlistUrl);
        let startByte = 0;
        if (range) {
          startByte = range.offsetBytes ?? rangeEnds.get(uri) ?? 0;
          rangeEnds.set(uri, startByte + range.lengthBytes);
        }
        this.remember(`${uri} ${startByte}`, sequence);
        sequence++;
        range = undefined;
      }
    }
  }

  /** The media sequence number of the segment at `uri` (absolute) from `startByte`, if a playlist listed it. */
  sequenceOf(uri: string, startByte: number): number | undefined {
    return this.sequences.get(`${uri} ${startByte}`);
  }

  clear(): void {
    this.sequences.clear();
  }

  private remember(key: string, sequence: number): void {
    this.sequences.delete(key); // re-inserted: a segment still listed stays among the newest
    this.sequences.set(key, sequence);
    if (this.sequences.size > MAX_REMEMBERED_SEGMENTS) this.sequences.delete(this.sequences.keys().next().value as string);
  }
}

function resolve(uri: string, base: string): string {
  try {
    return new URL(uri, base).href;
  } catch {
    return uri;
  }
}
