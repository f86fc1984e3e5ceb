// Builds the demo page (web/main.ts) into dist/demo.js and one chunk per player (web/players/). It takes
// @shoal/core and the adapters from their built browser bundles (run `npm run build` at the root first),
// hls.js and shaka-player from node_modules; p2p-media-loader's core as its browser bundle (its
// `p2pml:core-as-bundle` export condition: the plain ESM build needs Node's `process`).
const path = require('node:path');

module.exports = {
  mode: 'production',
  context: __dirname,
  target: ['web', 'es2022'],
  entry: { demo: './web/main.ts' },
  devtool: 'source-map',
  experiments: { outputModule: true },
  output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', chunkFilename: '[name].js', publicPath: '/dist/', module: true, clean: true },
  performance: { hints: false },
  resolve: { extensions: ['.ts', '.js', '.mjs'], conditionNames: ['p2pml:core-as-bundle', 'browser', 'import', 'module', 'default'] },
  module: {
    rules: [
      // Stylesheets (video.js's skin) are emitted as files; the player module links them.
      { test: /\.css$/, type: 'asset/resource', generator: { filename: '[name][ext]' } },
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: { loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { lib: ['ES2022', 'DOM'] } } },
      },
    ],
  },
};
