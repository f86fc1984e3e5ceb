/**
 * The byte-range segments of a VOD MPD whose Representations are single files (Node publisher tools): a
 * `<SegmentList>` lists them (`<SegmentURL mediaRange>`), a `<SegmentBase indexRange>` leaves them to the
 * file's `sidx` box, which is read here. Each is one integrity entry (URI + inclusive range), so players
 * of either layout can take those segments from peers with the manifest on. Pure but for the file reads
 * its caller makes.
 */
import type { ByteRange } from '../types';

/** One Representation's file and how its segments are addressed. */
export type DashSingleFile =
  | { uri: string; kind: 'segment-list'; ranges: ByteRange[] }
  | { uri: string; kind: 'segment-base'; indexRange: ByteRange };

/** `a-b` (inclusive, as DASH writes ranges). */
function parseRange(text: string): ByteRange | undefined {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  return match ? { startByte: Number(match[1]), endByte: Number(match[2]) } : undefined;
}

/** Every Representation of `mpdText` with a `<BaseURL>` and a `<SegmentList>` or `<SegmentBase>`. */
export function dashSingleFilesOf(mpdText: string): DashSingleFile[] {
  const files: DashSingleFile[] = [];
  for (const [, body] of mpdText.matchAll(/<Representation\b[^>]*>([\s\S]*?)<\/Representation>/g)) {
    const uri = /<BaseURL>([^<]+)<\/BaseURL>/.exec(body!)?.[1]?.trim();
    if (!uri) continue;
    const list = /<SegmentList\b[\s\S]*?<\/SegmentList>/.exec(body!)?.[0];
    if (list) {
      const ranges = [...list.matchAll(/<SegmentURL\b[^>]*\bmediaRange="([^"]+)"/g)].flatMap(([, text]) => parseRange(text!) ?? []);
      if (ranges.length > 0) files.push({ uri, kind: 'segment-list', ranges });
      continue;
    }
    const indexRange = /<SegmentBase\b[^>]*\bindexRange="([^"]+)"/.exec(body!)?.[1];
    const range = indexRange === undefined ? undefined : parseRange(indexRange);
    if (range) files.push({ uri, kind: 'segment-base', indexRange: range });
  }
  return files;
}

/**
 * The media ranges (inclusive, in the file) a `sidx` box lists; `sidxStartByte` is where the box starts in
 * the file. ISO/IEC 14496-12 8.16.3: the first subsegment starts `first_offset` bytes after the box's end,
 * and each reference's `referenced_size` follows the one before.
 */
export function sidxRangesOf(box: Uint8Array, sidxStartByte: number): ByteRange[] {
  const view = new DataView(box.buffer, box.byteOffset, box.byteLength);
  const boxBytes = view.getUint32(0);
  const type = String.fromCharCode(box[4]!, box[5]!, box[6]!, box[7]!);
  if (type !== 'sidx') throw new Error(`expected a sidx box, found "${type}"`);
  const version = box[8]!;
  let offset = 12 + 4 + 4; // header, version + flags, reference_ID, timescale
  let firstOffsetBytes: number;
  if (version === 0) {
    firstOffsetBytes = view.getUint32(offset + 4);
    offset += 8;
  } else {
    firstOffsetBytes = Number(view.getBigUint64(offset + 8));
    offset += 16;
  }
  const referenceCount = view.getUint16(offset + 2);
  offset += 4;
  const ranges: ByteRange[] = [];
  let startByte = sidxStartByte + boxBytes + firstOffsetBytes;
  for (let i = 0; i < referenceCount; i++, offset += 12) {
    const sizeBytes = view.getUint32(offset) & 0x7fffffff;
    ranges.push({ startByte, endByte: startByte + sizeBytes - 1 });
    startByte += sizeBytes;
  }
  return ranges;
}

/** The segment ranges of one single file, given its bytes. */
export function dashSegmentRangesOf(file: DashSingleFile, bytes: Uint8Array): ByteRange[] {
  if (file.kind === 'segment-list') return file.ranges;
  const { startByte, endByte } = file.indexRange;
  return sidxRangesOf(bytes.subarray(startByte, endByte + 1), startByte);
}
