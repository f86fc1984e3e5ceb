#!/bin/sh
# make-hls-extra.sh — two more HLS TS layouts (issue 20), from the same synthetic source as make-media.sh,
# written without touching a byte of the other layouts:
#   hls-ts-6s/v2/ + master.m3u8   a third, small rendition for the 6 s layout: 160x90 ~60 kbit/s video +
#                                 32 kbit/s mono AAC, 6 s segments cut by ffmpeg's HLS muxer at every third
#                                 2 s keyframe. master.m3u8 = hls-ts/master.m3u8 (v0, v1: their 6 s segments
#                                 are make-repackaged.mjs's joins) plus the v2 entry. Encoded separately
#                                 from v0/v1 with the same settings, so its timestamps line up with theirs.
#   hls-ts-audio-group/           video-only renditions v0 (640x360 ~280 kbit/s) and v1 (320x180 ~100 kbit/s)
#                                 and one audio rendition audio/ (48 kbit/s mono AAC, audio-only TS), 2 s
#                                 segments, tied together by `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac"` and
#                                 `AUDIO="aac"` on each `#EXT-X-STREAM-INF`.
# Masters are written here (ffmpeg writes none with `-c copy`): BANDWIDTH is the peak segment bitrate
# (video plus the audio group's peak for the audio-group layout), CODECS comes from the encoded level.
# x264 runs on one thread and every muxer is bitexact, so a rerun rewrites the same bytes.
#
# How to rerun (idempotent: deletes and rewrites hls-ts-6s/v2/, hls-ts-6s/master.m3u8 and
# hls-ts-audio-group/, nothing else), after make-media.sh (it reads hls-ts/master.m3u8):
#   sh demo/media/make-media.sh && node demo/media/make-repackaged.mjs && sh demo/media/make-hls-extra.sh
# Needs: ffmpeg and ffprobe (Debian `ffmpeg` 5.1 tested). Takes a few seconds.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=encode-source.sh
. "$HERE/encode-source.sh"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LONG_SEGMENT_SEC=6

[ -f "$HERE/hls-ts/master.m3u8" ] || { echo "make-hls-extra: run make-media.sh first" >&2; exit 1; }

echo "make-hls-extra: encoding the 160x90 rendition"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=${FPS}:duration=${DURATION_SEC}" \
  -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=48000:duration=${DURATION_SEC}" \
  -filter_complex "[0:v]scale=160:90,setsar=1,$(label 90p 8 2)[v2]" -map "[v2]" -map 1:a \
  -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -r "$FPS" -threads:v 1 \
  -g "$GOP_FRAMES" -keyint_min "$GOP_FRAMES" -sc_threshold 0 -bf 0 \
  -b:v 60k -maxrate:v 66k -bufsize:v 120k -c:a aac -ac 1 -b:a 32k \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact "$WORK/small.mkv"

echo "make-hls-extra: packaging hls-ts-6s/v2"
rm -rf "$HERE/hls-ts-6s/v2"
mkdir -p "$HERE/hls-ts-6s/v2"
ffmpeg -hide_banner -loglevel error -y -i "$WORK/small.mkv" -map 0 -c copy -fflags +bitexact \
  -f hls -hls_time "$LONG_SEGMENT_SEC" -hls_playlist_type vod -hls_flags independent_segments \
  -hls_segment_filename "$HERE/hls-ts-6s/v2/seg-%d.ts" "$HERE/hls-ts-6s/v2/index.m3u8"
{
  cat "$HERE/hls-ts/master.m3u8"
  echo "#EXT-X-STREAM-INF:BANDWIDTH=$(peak_bandwidth "$HERE/hls-ts-6s/v2" "$LONG_SEGMENT_SEC"),RESOLUTION=160x90,FRAME-RATE=$FPS.000,CODECS=\"$(video_codec "$WORK/small.mkv" 0),mp4a.40.2\""
  echo "v2/index.m3u8"
} >"$HERE/hls-ts-6s/master.m3u8"

echo "make-hls-extra: encoding ${DURATION_SEC} s of test video and audio for hls-ts-audio-group"
LABEL_TAG=" AUDIO-GROUP"
encode_source "$WORK/source.mkv" "-map 1:a" "-c:a aac -ac 1 -b:a 48k"

# `-t`: the AAC encoder's priming frame runs the audio 21 ms past the video; cut there, or the audio playlist
# ends with a 21 ms segment of its own. The video (720 frames) ends at 30 s and is not touched.
out="$HERE/hls-ts-audio-group"
rm -rf "$out"
mkdir -p "$out/v0" "$out/v1" "$out/audio"
ffmpeg -hide_banner -loglevel error -y -i "$WORK/source.mkv" -map 0:0 -map 0:1 -map 0:2 -c copy -t "$DURATION_SEC" -fflags +bitexact \
  -f hls -hls_time "$SEGMENT_SEC" -hls_playlist_type vod -hls_flags independent_segments \
  -var_stream_map "v:0,agroup:aac,name:v0 v:1,agroup:aac,name:v1 a:0,agroup:aac,name:audio" \
  -hls_segment_filename "$out/%v/seg-%d.ts" "$out/%v/index.m3u8"

AUDIO_BW=$(peak_bandwidth "$out/audio" "$SEGMENT_SEC")
cat >"$out/master.m3u8" <<EOF
#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="1",URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=$(($(peak_bandwidth "$out/v0" "$SEGMENT_SEC") + AUDIO_BW)),RESOLUTION=640x360,FRAME-RATE=$FPS.000,CODECS="$(video_codec "$WORK/source.mkv" 0),mp4a.40.2",AUDIO="aac"
v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=$(($(peak_bandwidth "$out/v1" "$SEGMENT_SEC") + AUDIO_BW)),RESOLUTION=320x180,FRAME-RATE=$FPS.000,CODECS="$(video_codec "$WORK/source.mkv" 1),mp4a.40.2",AUDIO="aac"
v1/index.m3u8
EOF

echo "make-hls-extra: done"
du -sh "$HERE/hls-ts-6s/v2" "$out"
