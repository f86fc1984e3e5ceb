// Builds @shoal/hlsjs-loader (`npm run build -w @shoal/hlsjs-loader`, after @shoal/core): dist/index.js (ES
// module; `@shoal/core` and `hls.js` stay imports, hls.js is used for types only), dist/types, and
// dist/shoal-hlsjs.min.js for a <script> tag after shoal.min.js (the global `Shoal.hlsjs`).
const { adapterWebpackConfig } = require('../../scripts/webpack-adapter.cjs');
const { scriptWebpackConfig } = require('../../scripts/webpack-script.cjs');

module.exports = [
  adapterWebpackConfig({ packageDir: __dirname, player: 'hls.js' }),
  scriptWebpackConfig({ packageDir: __dirname, fileName: 'shoal-hlsjs.min.js', globalName: ['Shoal', 'hlsjs'], globals: { 'hls.js': 'Hls' } }),
];
