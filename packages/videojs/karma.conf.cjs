// The video.js source handler's browser specs: video.js 8 players with hls.js and Shoal on the demo media
// in headless Chromium.   npm test -w @shoal/videojs   (after `npm run build` of core and hlsjs-loader:
// the specs use their browser bundles, as a page would)
const { adapterKarmaConfig } = require('../../scripts/karma-adapter.cjs');

module.exports = adapterKarmaConfig({ packageDir: __dirname });
