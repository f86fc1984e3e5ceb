// Builds the demo page (web/main.ts) into dist/demo.js. It takes @shoal/core and @shoal/hlsjs-loader from
// their built browser bundles (run `npm run build` at the root first), hls.js from node_modules.
const path = require('node:path');

module.exports = {
  mode: 'production',
  context: __dirname,
  target: ['web', 'es2022'],
  entry: { demo: './web/main.ts' },
  devtool: 'source-map',
  experiments: { outputModule: true },
  output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', module: true, clean: true },
  performance: { hints: false },
  resolve: { extensions: ['.ts', '.js', '.mjs'], conditionNames: ['browser', 'import', 'module', 'default'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: { loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { lib: ['ES2022', 'DOM'] } } },
      },
    ],
  },
};
