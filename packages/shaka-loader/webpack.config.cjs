// Builds @shoal/shaka-loader (`npm run build -w @shoal/shaka-loader`, after @shoal/core): dist/index.js (ES
// module; `@shoal/core` and `shaka-player` stay imports, Shaka is used for types only) and dist/types.
const { adapterWebpackConfig } = require('../../scripts/webpack-adapter.cjs');

module.exports = adapterWebpackConfig({ packageDir: __dirname, player: 'shaka-player' });
