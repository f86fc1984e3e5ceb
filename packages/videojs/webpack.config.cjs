// Builds @shoal/videojs (`npm run build -w @shoal/videojs`, after @shoal/core and @shoal/hlsjs-loader):
// dist/index.js (ES module; `@shoal/core`, `@shoal/hlsjs-loader`, `hls.js` and `video.js` stay imports,
// the players are used for types only) and dist/types.
const { adapterWebpackConfig } = require('../../scripts/webpack-adapter.cjs');

module.exports = adapterWebpackConfig({ packageDir: __dirname, player: 'video.js', externals: ['@shoal/hlsjs-loader', 'hls.js'] });
