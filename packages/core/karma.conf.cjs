// Core's browser specs (test/browser/*.spec.ts): what only a browser has, in headless Chromium: IndexedDB,
// and the transport contract on the page's own RTCPeerConnection (needs ICE candidates: run it inside
// scripts/netns-run.sh, as scripts/test.sh does).
//   CHROME_BIN=/usr/bin/chromium sh scripts/netns-run.sh npm test -w @shoal/core
// The shared contract suites are written for `node --test`; in the browser `node:test` and
// `node:assert/strict` are small mocha-backed stand-ins (test/browser/node-test-shim.ts, node-assert-shim.ts).
const path = require('node:path');
const { adapterKarmaConfig } = require('../../scripts/karma-adapter.cjs');

module.exports = adapterKarmaConfig({
  packageDir: __dirname,
  standIns: {
    'node:test': path.join(__dirname, 'test/browser/node-test-shim.ts'),
    'node:assert/strict': path.join(__dirname, 'test/browser/node-assert-shim.ts'),
  },
});
