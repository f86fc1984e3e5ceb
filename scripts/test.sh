#!/bin/sh
# `npm test`: typecheck, build, then every test. Browser tests use Debian's Chromium (installed here with
# apt-get when running as root, else a clear message); WebRTC tests run in a private network namespace.
set -e
cd "$(dirname "$0")/.."
npm run typecheck
npm run build
CHROME_BIN=$(sh scripts/ensure-chromium.sh)
export CHROME_BIN
sh scripts/netns-run.sh sh -c 'npm test -w @shoal/core && npm test -w @shoal/hlsjs-loader && npm test -w @shoal/shaka-loader && npm test -w @shoal/videojs && node scripts/run-tests.mjs'
