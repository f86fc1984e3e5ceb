#!/bin/sh
# `npm test`: typecheck, lint, the unit tier, build, then the network tier (scripts/test-tiers.mjs).
# The unit tier is network-free and needs no build: it runs first, outside any namespace, with the guard
# that fails a test reaching past loopback. Browser tests use Debian's Chromium (installed here with
# apt-get when running as root, else a clear message); WebRTC tests run in a private network namespace.
set -e
cd "$(dirname "$0")/.."
npm run typecheck
npm run lint
npm run test:unit
npm run build
CHROME_BIN=$(sh scripts/ensure-chromium.sh)
export CHROME_BIN
sh scripts/netns-run.sh sh -c 'npm test -w @shoal/core && npm test -w @shoal/hlsjs-loader && npm test -w @shoal/shaka-loader && npm test -w @shoal/videojs && node scripts/run-tests.mjs --tier=network --exclude=test/packaging/'
# The packaging test installs the packed tarballs as a user's app would, with the npm registry behind npm's
# cache (`npm ci` fetches no package metadata): outside the namespace, which has no route to the registry.
node scripts/run-tests.mjs --tier=network test/packaging/
