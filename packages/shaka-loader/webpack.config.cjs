// Builds @shoal/shaka-loader (`npm run build -w @shoal/shaka-loader`, after @shoal/core): dist/index.js (ES
// module; `@shoal/core` and `shaka-player` stay imports, Shaka is used for types only), dist/types, and
// dist/shoal-shaka.min.js for a <script> tag after shoal.min.js (the global `Shoal.shaka`).
const { adapterWebpackConfig } = require('../../scripts/webpack-adapter.cjs');
const { scriptWebpackConfig } = require('../../scripts/webpack-script.cjs');

module.exports = [
  adapterWebpackConfig({ packageDir: __dirname, player: 'shaka-player' }),
  scriptWebpackConfig({ packageDir: __dirname, fileName: 'shoal-shaka.min.js', globalName: ['Shoal', 'shaka'], globals: { 'shaka-player': 'shaka' } }),
];
