#!/bin/sh
# make-dash.sh — the demo's DASH media, from the same synthetic source as make-media.sh.
#
# What: 30 s of `testsrc2` video and a beeping `sine` tone, encoded ONCE with the same settings as
# make-media.sh (libx264 main, 24 fps, a keyframe every 48 frames, no scene cuts: exact 2 s segments;
# AAC), then packaged with `-c copy`:
#   dash/             manifest.mpd, SegmentTemplate with $Number$ (no timeline): init-<rep>.m4s and
#                     chunk-<rep>-<number>.m4s
#   dash-time/        manifest.mpd, SegmentTemplate with a SegmentTimeline and $Time$ addressing:
#                     chunk-<rep>-<time>.m4s
#   dash-single/      one fMP4 file per Representation, media-<rep>.mp4 (ftyp, moov, one global sidx,
#                     then the fragments), described twice:
#                       segmentlist.mpd  as ffmpeg writes it: SegmentList, a mediaRange per segment;
#                       segmentbase.mpd  SegmentBase: only the Initialization range and the sidx's indexRange,
#                                        written by make-segmentbase.mjs from the files' box layout (ffmpeg's
#                                        dash muxer writes no SegmentBase)
# Representations: video 640x360 ~280 kbit/s and 320x180 ~100 kbit/s (exact 16:9 sizes: ffmpeg's DASH muxer
# refuses renditions of different aspect ratios), one 48 kbit/s mono AAC audio.
# Small on purpose: committed to git.
#
# x264 runs on one thread and every muxer is bitexact, so a rerun rewrites the same bytes.
#
# How to rerun (idempotent: deletes and rewrites dash/, dash-time/ and dash-single/, nothing else):
#   sh demo/media/make-dash.sh
# Needs: ffmpeg (Debian `ffmpeg` 5.1 tested) and node. Takes a few seconds.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=encode-source.sh
. "$HERE/encode-source.sh"
LABEL_TAG=" DASH"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "make-dash: encoding ${DURATION_SEC} s of test video and audio"
encode_source "$WORK/source.mkv" "-map 1:a" "-c:a aac -ac 1 -b:a 48k"

# $1 = output folder name, $2 = MPD file name, then extra muxer options.
package() {
  out="$HERE/$1"
  shift
  rm -rf "$out"
  mkdir -p "$out"
  mpd=$1
  shift
  ffmpeg -hide_banner -loglevel error -y -i "$WORK/source.mkv" -map 0 -c copy \
    -fflags +bitexact -flags +bitexact \
    -f dash -seg_duration "$SEGMENT_SEC" -adaptation_sets "id=0,streams=v id=1,streams=a" \
    "$@" "$out/$mpd"
  echo "make-dash: $out/$mpd"
}

package dash manifest.mpd -use_template 1 -use_timeline 0 \
  -init_seg_name 'init-$RepresentationID$.m4s' -media_seg_name 'chunk-$RepresentationID$-$Number%05d$.m4s'
package dash-time manifest.mpd -use_template 1 -use_timeline 1 \
  -init_seg_name 'init-$RepresentationID$.m4s' -media_seg_name 'chunk-$RepresentationID$-$Time$.m4s'
package dash-single segmentlist.mpd -use_template 0 -use_timeline 0 -single_file 1 -global_sidx 1 \
  -single_file_name 'media-$RepresentationID$.mp4'
node "$HERE/make-segmentbase.mjs" "$HERE/dash-single/segmentlist.mpd" "$HERE/dash-single/segmentbase.mpd"
du -sh "$HERE/dash" "$HERE/dash-time" "$HERE/dash-single"
