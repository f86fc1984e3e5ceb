// The build both player adapters share: src/index.ts → dist/index.js, one ES module, with `@shoal/core`
// and the player kept as imports (the page has one engine module, shared with the code that creates the
// engine, and its own player build), plus declarations in dist/types from the package's tsconfig.build.json.
const path = require('node:path');

/**
 * @param {{ packageDir: string, player: string, externals?: string[] }} options  `player`: the player package
 *   kept external; `externals`: more packages kept as imports (another Shoal adapter, a second player).
 */
module.exports.adapterWebpackConfig = ({ packageDir, player, externals = [] }) => {
  const dist = path.resolve(packageDir, 'dist');
  return {
    mode: 'production',
    name: 'browser',
    context: packageDir,
    target: ['web', 'es2022'],
    devtool: 'source-map',
    entry: { index: './src/index.ts' },
    experiments: { outputModule: true },
    performance: { hints: false },
    resolve: { extensions: ['.ts', '.js', '.mjs'], extensionAlias: { '.js': ['.ts', '.js'] } },
    externalsType: 'module',
    externals: Object.fromEntries(['@shoal/core', player, ...externals].map((name) => [name, name])),
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          use: {
            loader: 'ts-loader',
            options: {
              configFile: path.resolve(packageDir, 'tsconfig.build.json'),
              compilerOptions: { declaration: true, declarationDir: path.join(dist, 'types') },
            },
          },
        },
      ],
    },
    output: { path: dist, filename: '[name].js', module: true, library: { type: 'module' }, chunkFormat: 'module' },
  };
};
