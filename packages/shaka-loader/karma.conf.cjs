// The adapter's browser tests: real Shaka Player playing the demo DASH media (demo/media/dash, made by
// demo/media/make-dash.sh) in headless Chromium, Shoal's engine under it.
//   npm test -w @shoal/shaka-loader   (needs `npm run build -w @shoal/core` first: the specs use core's
//                                      browser bundle, dist/index.js, as a page would)
// Chromium: $CHROME_BIN, default /usr/bin/chromium (Debian's; it decodes H.264 and AAC for MSE).
// SHOAL_SHAKA=4 runs the same specs against Shaka Player 4.x (the `shaka-player-4` npm alias) instead of 5.x;
// SHOAL_SHAKA=<folder> against the shaka-player package in that folder (e.g. another version installed with
// `npm install --prefix /tmp/shaka shaka-player@4.3`, then SHOAL_SHAKA=/tmp/shaka/node_modules/shaka-player):
//   SHOAL_SHAKA=4 npm test -w @shoal/shaka-loader
const path = require('node:path');
const { adapterKarmaConfig } = require('../../scripts/karma-adapter.cjs');

const SHAKA_PACKAGES = { 4: 'shaka-player-4', 5: 'shaka-player' };
const choice = process.env.SHOAL_SHAKA || '5';
const shakaPackage = SHAKA_PACKAGES[choice] ?? (path.isAbsolute(choice) ? choice : undefined);
if (!shakaPackage) throw new Error(`SHOAL_SHAKA=${choice}: use 4, 5 or an absolute shaka-player folder`);

module.exports = adapterKarmaConfig({
  packageDir: __dirname,
  extraMime: { 'application/dash+xml': ['mpd'] },
  standIns: { 'shaka-player': require.resolve(shakaPackage) },
});
