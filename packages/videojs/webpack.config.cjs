// Builds @shoal/videojs (`npm run build -w @shoal/videojs`, after @shoal/core and @shoal/hlsjs-loader):
// dist/index.js (ES module; `@shoal/core`, `@shoal/hlsjs-loader`, `hls.js` and `video.js` stay imports,
// the players are used for types only: the page passes its own `videojs` and `Hls`), dist/types, and
// dist/shoal-videojs.min.js for a <script> tag after shoal.min.js and shoal-hlsjs.min.js (the global
// `Shoal.videojs`).
const { adapterWebpackConfig } = require('../../scripts/webpack-adapter.cjs');
const { scriptWebpackConfig } = require('../../scripts/webpack-script.cjs');

module.exports = [
  adapterWebpackConfig({ packageDir: __dirname, player: 'video.js', externals: ['@shoal/hlsjs-loader', 'hls.js'] }),
  scriptWebpackConfig({
    packageDir: __dirname,
    fileName: 'shoal-videojs.min.js',
    globalName: ['Shoal', 'videojs'],
    globals: { '@shoal/hlsjs-loader': ['Shoal', 'hlsjs'], 'hls.js': 'Hls', 'video.js': 'videojs' },
  }),
];
