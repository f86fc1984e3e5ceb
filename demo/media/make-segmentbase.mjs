#!/usr/bin/env node
// make-segmentbase.mjs — writes a SegmentBase MPD for ffmpeg's single-file DASH output, which ffmpeg
// itself only describes with a SegmentList.
//
//   node demo/media/make-segmentbase.mjs <segmentlist.mpd> <segmentbase.mpd>
//
// Input: an MPD from ffmpeg's dash muxer with `-single_file 1 -global_sidx 1`: each Representation has a
// <BaseURL> (one fMP4 file: ftyp, moov, one global sidx, then moof+mdat fragments) and a <SegmentList>.
// Output: the same MPD where each <SegmentList> becomes
//   <SegmentBase indexRange="<sidx bytes>"><Initialization range="<ftyp+moov bytes>" /></SegmentBase>
// with both ranges read from the file's top-level box layout (inclusive byte offsets, as DASH writes
// them), and the on-demand profile. The player then reads the segment list from the sidx itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node make-segmentbase.mjs <segmentlist.mpd> <segmentbase.mpd>');
  process.exit(2);
}

/** Top-level boxes of an MP4 file: type, first byte, size. */
function topLevelBoxes(bytes) {
  const boxes = [];
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    let size = bytes.readUInt32BE(offset);
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    else if (size === 0) size = bytes.length - offset;
    if (size < 8) throw new Error(`bad box size ${size} at ${offset}`);
    boxes.push({ type: bytes.toString('latin1', offset + 4, offset + 8), offset, size });
    offset += size;
  }
  return boxes;
}

/** `first-last` (inclusive) of a box. */
const range = (box) => `${box.offset}-${box.offset + box.size - 1}`;

function segmentBaseOf(file) {
  const boxes = topLevelBoxes(readFileSync(file));
  const moov = boxes.find((box) => box.type === 'moov');
  const sidx = boxes.find((box) => box.type === 'sidx');
  if (boxes[0]?.type !== 'ftyp' || !moov || !sidx || sidx.offset !== moov.offset + moov.size) {
    throw new Error(`${file}: expected ftyp, moov, then one sidx (ffmpeg -global_sidx 1)`);
  }
  const init = { offset: 0, size: moov.offset + moov.size };
  return `<SegmentBase indexRange="${range(sidx)}" indexRangeExact="true">\n\t\t\t\t\t<Initialization range="${range(init)}" />\n\t\t\t\t</SegmentBase>`;
}

const mpd = readFileSync(input, 'utf8');
let count = 0;
const out = mpd
  .replace(/<BaseURL>([^<]+)<\/BaseURL>(\s*)<SegmentList\b[^>]*>[\s\S]*?<\/SegmentList>/g, (_all, baseUrl, space) => {
    count++;
    return `<BaseURL>${baseUrl}</BaseURL>${space}${segmentBaseOf(join(dirname(input), baseUrl))}`;
  })
  .replace('urn:mpeg:dash:profile:isoff-live:2011', 'urn:mpeg:dash:profile:isoff-on-demand:2011');
if (count === 0 || /<SegmentList\b/.test(out)) throw new Error(`${input}: no Representation with a BaseURL and a SegmentList`);
writeFileSync(output, out);
console.log(`make-segmentbase: ${output} (${count} Representations)`);
