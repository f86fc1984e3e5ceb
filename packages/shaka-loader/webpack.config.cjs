// Builds @shoal/shaka-loader (`npm run build -w @shoal/shaka-loader`, after @shoal/core):
// - dist/index.js   src/index.ts as one ES module. `@shoal/core` and `shaka-player` stay imports: the page has
//                   one engine module (shared with the code that creates the engine) and its own Shaka
//                   build (this package imports shaka-player for types only).
// - dist/types/     declarations, emitted by ts-loader from tsconfig.build.json.
const path = require('node:path');

const dist = path.resolve(__dirname, 'dist');

module.exports = {
  mode: 'production',
  name: 'browser',
  context: __dirname,
  target: ['web', 'es2022'],
  devtool: 'source-map',
  entry: { index: './src/index.ts' },
  experiments: { outputModule: true },
  performance: { hints: false },
  resolve: { extensions: ['.ts', '.js', '.mjs'], extensionAlias: { '.js': ['.ts', '.js'] } },
  externalsType: 'module',
  externals: { '@shoal/core': '@shoal/core', 'shaka-player': 'shaka-player' },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: {
          loader: 'ts-loader',
          options: {
            configFile: path.resolve(__dirname, 'tsconfig.build.json'),
            compilerOptions: { declaration: true, declarationDir: path.join(dist, 'types') },
          },
        },
      },
    ],
  },
  output: {
    path: dist,
    filename: '[name].js',
    module: true,
    library: { type: 'module' },
    chunkFormat: 'module',
  },
};
