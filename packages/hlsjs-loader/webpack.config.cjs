// Builds @shoal/hlsjs-loader (`npm run build -w @shoal/hlsjs-loader`, after @shoal/core): dist/index.js (ES
// module; `@shoal/core` and `hls.js` stay imports, hls.js is used for types only) and dist/types.
const { adapterWebpackConfig } = require('../../scripts/webpack-adapter.cjs');

module.exports = adapterWebpackConfig({ packageDir: __dirname, player: 'hls.js' });
