#!/usr/bin/env node
// make-repackaged.mjs — two more stream layouts, repackaged byte for byte from committed media (no ffmpeg:
// the bytes are the ones make-media.sh wrote, only cut and joined differently).
//
//   hls-fmp4-byterange/  HLS fMP4, one file per rendition (`media.mp4` = the init segment then every
//                        fragment of hls-fmp4/, in order), addressed by `#EXT-X-MAP:...,BYTERANGE` and
//                        `#EXT-X-BYTERANGE`: the single-file fMP4 layout (issue 20).
//   hls-ts-6s/v0, v1/    HLS TS with 6 s segments: each is three consecutive 2 s segments of hls-ts/ joined
//                        (TS is a packet stream: the segments come from one muxer run, so continuity
//                        counters and timestamps run on across the joins). hls-ts-6s/master.m3u8 and the
//                        third rendition v2/ are make-hls-extra.sh's (it encodes v2), not this script's.
//
// How to rerun (idempotent: rewrites hls-fmp4-byterange/ and hls-ts-6s/v0, v1/ only), after make-media.sh:
//   node demo/media/make-repackaged.mjs
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const RENDITIONS = ['v0', 'v1'];
/** hls-ts segments per joined segment: 3 × 2 s = 6 s. */
const JOINED_SEGMENTS = 3;
const SEGMENT_SEC = 2;

/** Segment URIs of a VOD media playlist, in order. */
function segmentUris(playlistText) {
  return playlistText.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/** `folder` with empty rendition folders; anything else in it (another script's files) stays. */
function fresh(folder) {
  const out = join(HERE, folder);
  for (const rendition of RENDITIONS) {
    rmSync(join(out, rendition), { recursive: true, force: true });
    mkdirSync(join(out, rendition), { recursive: true });
  }
  return out;
}

function header(version, targetDurationSec) {
  return ['#EXTM3U', `#EXT-X-VERSION:${version}`, `#EXT-X-TARGETDURATION:${targetDurationSec}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS'];
}

function fmp4ByteRange() {
  const out = fresh('hls-fmp4-byterange');
  for (const rendition of RENDITIONS) {
    const source = join(HERE, 'hls-fmp4', rendition);
    const playlist = readFileSync(join(source, 'index.m3u8'), 'utf8');
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)?.[1];
    if (!init) throw new Error(`${source}: no EXT-X-MAP`);
    const durations = [...playlist.matchAll(/#EXTINF:([\d.]+),/g)].map((match) => match[1]);
    const parts = [readFileSync(join(source, init)), ...segmentUris(playlist).map((uri) => readFileSync(join(source, uri)))];
    const lines = header(7, SEGMENT_SEC);
    lines.push(`#EXT-X-MAP:URI="media.mp4",BYTERANGE="${parts[0].length}@0"`);
    let offset = parts[0].length;
    parts.slice(1).forEach((part, index) => {
      lines.push(`#EXTINF:${durations[index]},`, `#EXT-X-BYTERANGE:${part.length}@${offset}`, 'media.mp4');
      offset += part.length;
    });
    lines.push('#EXT-X-ENDLIST', '');
    writeFileSync(join(out, rendition, 'media.mp4'), Buffer.concat(parts));
    writeFileSync(join(out, rendition, 'index.m3u8'), lines.join('\n'));
  }
  writeFileSync(join(out, 'master.m3u8'), readFileSync(join(HERE, 'hls-fmp4', 'master.m3u8')));
}

function ts6s() {
  const out = fresh('hls-ts-6s');
  for (const rendition of RENDITIONS) {
    const source = join(HERE, 'hls-ts', rendition);
    const playlist = readFileSync(join(source, 'index.m3u8'), 'utf8');
    const uris = segmentUris(playlist);
    const durationsSec = [...playlist.matchAll(/#EXTINF:([\d.]+),/g)].map((match) => Number(match[1]));
    const lines = header(6, JOINED_SEGMENTS * SEGMENT_SEC);
    for (let first = 0, index = 0; first < uris.length; first += JOINED_SEGMENTS, index++) {
      const group = uris.slice(first, first + JOINED_SEGMENTS);
      writeFileSync(join(out, rendition, `seg-${index}.ts`), Buffer.concat(group.map((uri) => readFileSync(join(source, uri)))));
      const durationSec = durationsSec.slice(first, first + JOINED_SEGMENTS).reduce((sum, sec) => sum + sec, 0);
      lines.push(`#EXTINF:${durationSec.toFixed(6)},`, `seg-${index}.ts`);
    }
    lines.push('#EXT-X-ENDLIST', '');
    writeFileSync(join(out, rendition, 'index.m3u8'), lines.join('\n'));
  }
}

fmp4ByteRange();
ts6s();
console.log('make-repackaged: wrote hls-fmp4-byterange/ and hls-ts-6s/v0, v1/ (then run make-hls-extra.sh for hls-ts-6s/master.m3u8 and v2/)');
