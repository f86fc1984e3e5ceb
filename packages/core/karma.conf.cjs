// Core's browser specs (test/browser/*.spec.ts): what only a browser has, IndexedDB, in headless Chromium.
//   npm test -w @shoal/core
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
