#!/bin/sh
# Every stream layout, Shoal vs p2p-media-loader vs the plain player, one bench:swarm run per row.
#
#   npm run bench:sweep -- [N] [ROUNDS] [SECONDS] [FILTER]     (defaults: 4 viewers, 1 round, 45 s, every row)
#
# Origin as in issue 20: 40 ms to first byte, 8 Mbit/s per response; the "slow" rows 80 ms, 4 Mbit/s.
# FILTER keeps the rows whose label contains it. Each row's full output goes to .bench/sweep-<stamp>/,
# the arms tables of every row to .bench/sweep-<stamp>/tables.txt (printed at the end). Build first:
# the npm script does; rows run inside one network namespace (scripts/netns-run.sh).
set -e
N="${1:-4}"
ROUNDS="${2:-1}"
SECONDS_PER_PHASE="${3:-45}"
FILTER="${4:-}"
FAST="40,1000000"
SLOW="80,500000"
DIR=".bench/sweep-$(date -u +%Y%m%dT%H%M%S)"
mkdir -p "$DIR"

# label | player | stream | extra flags
ROWS="
hlsjs-vodTs|hlsjs|vodTs|
hlsjs-vodFmp4|hlsjs|vodFmp4|
hlsjs-vodFmp4-apart|hlsjs|vodFmp4|--vod-apart
hlsjs-vodTsByteRange|hlsjs|vodTsByteRange|
hlsjs-vodFmp4ByteRange|hlsjs|vodFmp4ByteRange|
hlsjs-vodFmp4ByteRange-apart|hlsjs|vodFmp4ByteRange|--vod-apart
hlsjs-vodTs6s|hlsjs|vodTs6s|
hlsjs-vodTsAudioGroup|hlsjs|vodTsAudioGroup|
hlsjs-liveTs|hlsjs|liveTs|
hlsjs-liveTs-slow|hlsjs|liveTs|slow
hlsjs-liveFmp4|hlsjs|liveFmp4|
hlsjs-liveTsByteRange|hlsjs|liveTsByteRange|
hlsjs-liveFmp4ByteRange|hlsjs|liveFmp4ByteRange|
hlsjs-liveTs6s|hlsjs|liveTs6s|
hlsjs-liveTsAudioGroup|hlsjs|liveTsAudioGroup|
shaka-vodDash|shaka|vodDash|
shaka-vodDash-apart|shaka|vodDash|--vod-apart
shaka-vodDashTime|shaka|vodDashTime|
shaka-vodDashSegmentBase|shaka|vodDashSegmentBase|
shaka-vodDashSegmentList|shaka|vodDashSegmentList|
shaka-vodTsAudioGroup|shaka|vodTsAudioGroup|
shaka-liveDash|shaka|liveDash|
shaka-liveDash-slow|shaka|liveDash|slow
"

# Each row starts its first round with the next arm (--first-round): in a one-round sweep no arm runs
# first in every row (the first phase of a row measured slower startups).
ROW=0
echo "$ROWS" | while IFS='|' read -r label player stream extra; do
  [ -n "$label" ] || continue
  case "$label" in *"$FILTER"*) ;; *) continue ;; esac
  ROW=$((ROW + 1))
  throttle="$FAST"
  if [ "$extra" = "slow" ]; then throttle="$SLOW"; extra=""; fi
  seconds="--seconds $SECONDS_PER_PHASE"
  # --vod-apart sets its own length: (N − 1) × 20 + 32 s.
  case "$extra" in *--vod-apart*) seconds="" ;; esac
  echo "== $label (N=$N, $ROUNDS round(s), throttle $throttle) $(date -u +%H:%M:%S)"
  # shellcheck disable=SC2086
  if tsx bench/swarm/run.ts --viewers "$N" --rounds "$ROUNDS" $seconds --player "$player" --stream "$stream" \
      --throttle "$throttle" --compare p2pml --first-round "$((ROW - 1))" $extra > "$DIR/$label.log" 2>&1; then
    { echo "## $label — throttle $throttle"; sed -n '/^arms, /,/^wrote /p' "$DIR/$label.log" | grep -v '^wrote '; echo; } >> "$DIR/tables.txt"
  else
    { echo "## $label — FAILED: $(tail -n 1 "$DIR/$label.log")"; echo; } >> "$DIR/tables.txt"
  fi
done
cat "$DIR/tables.txt"
echo "wrote $DIR/tables.txt"
