/**
 * Moving an fMP4 media segment in time, as a live packager would have stamped it: the decode time of
 * every track fragment (`moof/traf/tfdt`) and the earliest presentation time of a segment index (`sidx`)
 * move by the same number of seconds. Only what ffmpeg's DASH muxer writes is understood: top-level
 * `styp`, `sidx`, `moof`, `mdat`; one track per file. Pure: bytes in, new bytes out.
 */

const BOX_HEADER_BYTES = 8;

interface Box {
  type: string;
  /** Offset of the box header in the buffer. */
  start: number;
  /** Offset of the first byte after the header (of the payload). */
  payload: number;
  end: number;
}

function* boxesIn(bytes: Buffer, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + BOX_HEADER_BYTES <= end) {
    let size = bytes.readUInt32BE(offset);
    let payload = offset + BOX_HEADER_BYTES;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(offset + BOX_HEADER_BYTES));
      payload += 8;
    } else if (size === 0) size = end - offset;
    if (size < BOX_HEADER_BYTES || offset + size > end) throw new Error(`fmp4: bad box size ${size} at ${offset}`);
    yield { type: bytes.toString('latin1', offset + 4, offset + 8), start: offset, payload, end: offset + size };
    offset += size;
  }
}

function child(bytes: Buffer, parent: Box, type: string): Box | undefined {
  for (const box of boxesIn(bytes, parent.payload, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** The media timescale (`moov/trak/mdia/mdhd`) of the one track of an init segment. */
export function trackTimescale(init: Buffer): number {
  const moov = [...boxesIn(init, 0, init.length)].find((box) => box.type === 'moov');
  const trak = moov && child(init, moov, 'trak');
  const mdia = trak && child(init, trak, 'mdia');
  const mdhd = mdia && child(init, mdia, 'mdhd');
  if (!mdhd) throw new Error('fmp4: no moov/trak/mdia/mdhd in the init segment');
  const version = init.readUInt8(mdhd.payload);
  // After version+flags: creation and modification times (4 bytes each in v0, 8 in v1), then the timescale.
  return init.readUInt32BE(mdhd.payload + 4 + (version === 1 ? 16 : 8));
}

/** Add `delta` to the time field at `offset` (64-bit when `wide`). */
function addTime(bytes: Buffer, offset: number, wide: boolean, delta: number): void {
  if (wide) {
    bytes.writeBigUInt64BE(bytes.readBigUInt64BE(offset) + BigInt(delta), offset);
    return;
  }
  const value = bytes.readUInt32BE(offset) + delta;
  if (value > 0xffff_ffff) throw new Error('fmp4: a 32-bit time field overflows');
  bytes.writeUInt32BE(value, offset);
}

/**
 * A copy of `segment` played `shiftSec` seconds later: `tfdt` moves by `shiftSec × trackTimescaleHz`,
 * `sidx`'s earliest presentation time by `shiftSec` in the sidx's own timescale.
 */
export function shiftSegmentTime(segment: Buffer, shiftSec: number, trackTimescaleHz: number): Buffer {
  const out = Buffer.from(segment);
  if (shiftSec === 0) return out;
  for (const box of boxesIn(out, 0, out.length)) {
    if (box.type === 'sidx') {
      const wide = out.readUInt8(box.payload) === 1;
      // version+flags (4), reference_ID (4), timescale (4), then earliest_presentation_time.
      const sidxTimescale = out.readUInt32BE(box.payload + 8);
      addTime(out, box.payload + 12, wide, Math.round(shiftSec * sidxTimescale));
    } else if (box.type === 'moof') {
      for (const traf of boxesIn(out, box.payload, box.end)) {
        if (traf.type !== 'traf') continue;
        const tfdt = child(out, traf, 'tfdt');
        if (!tfdt) throw new Error('fmp4: a track fragment without tfdt');
        addTime(out, tfdt.payload + 4, out.readUInt8(tfdt.payload) === 1, Math.round(shiftSec * trackTimescaleHz));
      }
    }
  }
  return out;
}

/** The decode time (in track timescale units) of the first track fragment of a segment. */
export function firstDecodeTime(segment: Buffer): number {
  for (const box of boxesIn(segment, 0, segment.length)) {
    if (box.type !== 'moof') continue;
    const traf = child(segment, box, 'traf');
    const tfdt = traf && child(segment, traf, 'tfdt');
    if (!tfdt) break;
    const wide = segment.readUInt8(tfdt.payload) === 1;
    return wide ? Number(segment.readBigUInt64BE(tfdt.payload + 4)) : segment.readUInt32BE(tfdt.payload + 4);
  }
  throw new Error('fmp4: no moof/traf/tfdt');
}
