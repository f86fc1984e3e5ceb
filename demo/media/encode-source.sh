# encode-source.sh — sourced by make-media.sh and make-dash.sh: the one synthetic source both package.
#
# 30 s of `testsrc2` video in two renditions (640x360 ~280 kbit/s, 320x180 ~100 kbit/s) with a burnt-in
# label, clock, frame number and segment number (when a DejaVu font is installed) and a `sine` tone that
# beeps once a second, encoded with libx264 (main, 24 fps, a keyframe every 48 frames, no scene cuts:
# exact 2 s segments) and AAC. x264 runs on one thread and every muxer is bitexact, so a rerun writes the
# same bytes.

DURATION_SEC=30
FPS=24
SEGMENT_SEC=2
GOP_FRAMES=$((FPS * SEGMENT_SEC))
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf

# Burnt-in text: rendition (and $LABEL_TAG), stream clock, frame number and segment number (floor(t / 2 s)).
label() { # $1 = rendition name, $2 = font size in px, $3 = margin in px
  if [ -f "$FONT" ]; then
    printf "drawtext=fontfile=%s:fontsize=%s:fontcolor=white:box=1:boxcolor=black@0.6:x=%s:y=%s:" "$FONT" "$2" "$3" "$3"
    printf "text='%s%s  %%{pts\\\\:hms}  frame %%{n}  seg %%{eif\\\\:floor(t/%s)\\\\:d}'" "$1" "${LABEL_TAG:-}" "$SEGMENT_SEC"
  else
    printf "null"
  fi
}

# encode_source <output.mkv> <audio maps> <audio options>: video streams first (360p, 180p), then the
# caller's audio streams (the maps and options are word-split on purpose).
encode_source() {
  # shellcheck disable=SC2086
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=640x360:rate=${FPS}:duration=${DURATION_SEC}" \
    -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=48000:duration=${DURATION_SEC}" \
    -filter_complex "[0:v]split=2[a][b];[a]$(label 360p 28 12)[v0];[b]scale=320:180,setsar=1,$(label 180p 14 6)[v1]" \
    -map "[v0]" -map "[v1]" $2 \
    -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -r "$FPS" -threads:v 1 \
    -g "$GOP_FRAMES" -keyint_min "$GOP_FRAMES" -sc_threshold 0 -bf 0 \
    -b:v:0 280k -maxrate:v:0 310k -bufsize:v:0 560k \
    -b:v:1 100k -maxrate:v:1 110k -bufsize:v:1 200k \
    $3 \
    -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
    "$1"
}

# Peak bitrate in bit/s over the segments in folder $1, whose segments last $2 s.
peak_bandwidth() {
  max=0
  for f in "$1"/seg-*.ts; do
    size=$(wc -c <"$f")
    [ "$size" -gt "$max" ] && max=$size
  done
  echo $((max * 8 / $2))
}

# RFC 6381 codec string of video stream $2 of file $1: avc1.<profile 4d = Main><constraints 40><level>.
video_codec() {
  level=$(ffprobe -v error -select_streams "v:$2" -show_entries stream=level -of csv=p=0 "$1")
  printf 'avc1.4d40%02x' "$level"
}
