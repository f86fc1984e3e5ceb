#!/bin/sh
# make-media.sh — the demo's test media, made from nothing but ffmpeg's own generators.
#
# What: 30 s of `testsrc2` video (a burnt-in rendition label, clock, frame number and segment number
# when a DejaVu font is installed) and a `sine` tone that beeps once a second, encoded ONCE with libx264
# (main profile, 24 fps, a keyframe every 48 frames and no scene-cut keyframes, so every segment is
# exactly 2 s) and AAC, then packaged three times with `-c copy`:
#   hls-ts/            master.m3u8, v0/ and v1/: VOD media playlists with MPEG-TS segments seg-<n>.ts
#   hls-fmp4/          the same as fMP4: init_<i>.mp4 + seg-<n>.m4s
#   hls-ts-byterange/  one media.ts per rendition, segments addressed by #EXT-X-BYTERANGE
# Renditions: v0 640x360 ~280 kbit/s video + 48 kbit/s mono AAC; v1 320x180 ~100 kbit/s + 32 kbit/s.
# Low bitrate and short on purpose: everything here is committed to git and stays a few MB.
#
# ffmpeg writes an empty master playlist when packaging with `-c copy` (it has no bitrates then), so
# this script writes each master.m3u8 itself: BANDWIDTH is the peak segment bitrate of the TS packaging,
# CODECS comes from the encoded stream's level.
#
# x264 runs on one thread (`-threads:v 1`): multi-threaded rate control is not bit-exact between runs, and
# a rerun should not rewrite committed bytes.
#
# How to rerun (idempotent: it deletes and rewrites the three output folders, nothing else):
#   sh demo/media/make-media.sh          # from the repository root, or from anywhere
# Needs: ffmpeg and ffprobe (Debian `ffmpeg` 5.1 tested). Takes a few seconds.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=encode-source.sh
. "$HERE/encode-source.sh"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "make-media: encoding ${DURATION_SEC} s of test video and audio"
encode_source "$WORK/source.mkv" "-map 1:a -map 1:a" "-c:a aac -ac 1 -b:a:0 48k -b:a:1 32k"

# $1 = output folder name, then extra muxer options. Stream order: v0 video, v0 audio, v1 video, v1 audio.
package() {
  out="$HERE/$1"
  shift
  rm -rf "$out"
  mkdir -p "$out/v0" "$out/v1"
  ffmpeg -hide_banner -loglevel error -y -i "$WORK/source.mkv" \
    -map 0:0 -map 0:2 -map 0:1 -map 0:3 -c copy -fflags +bitexact \
    -f hls -hls_time "$SEGMENT_SEC" -hls_playlist_type vod \
    -var_stream_map "v:0,a:0,name:v0 v:1,a:1,name:v1" "$@"
}

echo "make-media: packaging hls-ts, hls-fmp4, hls-ts-byterange"
package hls-ts -hls_flags independent_segments \
  -hls_segment_filename "$HERE/hls-ts/%v/seg-%d.ts" "$HERE/hls-ts/%v/index.m3u8"
package hls-fmp4 -hls_flags independent_segments -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 \
  -hls_segment_filename "$HERE/hls-fmp4/%v/seg-%d.m4s" "$HERE/hls-fmp4/%v/index.m3u8"
package hls-ts-byterange -hls_flags independent_segments+single_file \
  -hls_segment_filename "$HERE/hls-ts-byterange/%v/media.ts" "$HERE/hls-ts-byterange/%v/index.m3u8"

BW0=$(peak_bandwidth "$HERE/hls-ts/v0" "$SEGMENT_SEC")
BW1=$(peak_bandwidth "$HERE/hls-ts/v1" "$SEGMENT_SEC")
for variant in hls-ts hls-fmp4 hls-ts-byterange; do
  version=6
  [ "$variant" = hls-fmp4 ] && version=7
  cat >"$HERE/$variant/master.m3u8" <<EOF
#EXTM3U
#EXT-X-VERSION:$version
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=$BW0,RESOLUTION=640x360,FRAME-RATE=$FPS.000,CODECS="$(video_codec "$WORK/source.mkv" 0),mp4a.40.2"
v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=$BW1,RESOLUTION=320x180,FRAME-RATE=$FPS.000,CODECS="$(video_codec "$WORK/source.mkv" 1),mp4a.40.2"
v1/index.m3u8
EOF
done

echo "make-media: done"
du -sh "$HERE/hls-ts" "$HERE/hls-fmp4" "$HERE/hls-ts-byterange"
