// The adapter's browser tests: real hls.js playing the demo media (demo/media, made by
// demo/media/make-media.sh) in headless Chromium, Shoal's engine under it.
//   npm test -w @shoal/hlsjs-loader   (needs `npm run build -w @shoal/core` first: the specs use core's
//                                      browser bundle, dist/index.js, as a page would)
// Chromium: $CHROME_BIN, default /usr/bin/chromium (Debian's; it decodes H.264 and AAC for MSE).
const { adapterKarmaConfig } = require('../../scripts/karma-adapter.cjs');

module.exports = adapterKarmaConfig({ packageDir: __dirname });
