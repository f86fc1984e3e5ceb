// Builds @shoal/core (`npm run build -w packages/core`):
// - dist/index.js       src/index.ts for browsers: one ES module with every dependency bundled (the
//                       bittorrent-tracker client included), so players need no Node polyfills.
// - dist/index.node.js  src/index.ts for Node: an ES module importing its dependencies from node_modules
//                       (node-datachannel WebRTC through webrtc-polyfill). Picked by the "node" condition.
// - dist/node.js        src/node.ts (Node-only additions, `@shoal/core/node`), dependencies external too,
//                       so its WebRTC fix patches the same webrtc-polyfill that dist/index.node.js uses.
// - dist/integrity.js  src/integrity-tools.ts (`@shoal/core/integrity`: the integrity manifest's publisher
//                       tools and the `shoal-integrity` CLI's code), Node-only, no WebRTC.
// - dist/testing.js     src/testing.ts (`@shoal/core/testing`: VirtualClock, the memory transport), one ES module
//                       for Node and browsers alike. Not part of dist/index.js or shoal.min.js: it imports
//                       `@shoal/core` for the modules the two share (see `fromPublicEntry`).
// - dist/types/         declarations, emitted by ts-loader from tsconfig.build.json (browser build only).
// - dist/shoal.min.js    dist/index.js for a <script> tag: the global `Shoal` (scripts/webpack-script.cjs).
const fs = require('node:fs');
const path = require('node:path');
const webpack = require('webpack');
const { scriptWebpackConfig } = require('../../scripts/webpack-script.cjs');

const dist = path.resolve(__dirname, 'dist');

/** Directory of an installed package, found the way Node looks (its `exports` may hide package.json). */
function packageDir(name) {
  for (const nodeModules of require.resolve.paths(name) ?? []) {
    const dir = path.join(nodeModules, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${name} is not installed`);
}

const uint8UtilBrowserBuild = path.join(packageDir('uint8-util'), 'dist/src/browser.js');

/**
 * ts-loader with tsconfig.build.json. The browser build type-checks and emits the declarations; the
 * Node builds only transpile (same sources, no second check).
 */
function typescriptRule({ declarations }) {
  return {
    test: /\.ts$/,
    exclude: /node_modules/,
    use: {
      loader: 'ts-loader',
      options: {
        configFile: path.resolve(__dirname, 'tsconfig.build.json'),
        ...(declarations
          ? { compilerOptions: { declaration: true, declarationDir: path.join(dist, 'types') } }
          : { transpileOnly: true }),
      },
    },
  };
}

const shared = {
  mode: 'production',
  context: __dirname,
  devtool: 'source-map',
  experiments: { outputModule: true },
  performance: { hints: false },
  // Sources import each other without extensions; `.js` specifiers may name `.ts` files.
  resolve: { extensions: ['.ts', '.js', '.mjs'], extensionAlias: { '.js': ['.ts', '.js'] } },
};

/** Every bare import (a package or a Node built-in) stays an `import` of the installed module. */
function externalPackages({ request }, callback) {
  if (/^(node:|[a-z@])/i.test(request)) return callback(null, `module ${request}`);
  return callback();
}

const browser = {
  ...shared,
  name: 'browser',
  target: ['web', 'es2022'],
  entry: { index: './src/index.ts' },
  module: { rules: [typescriptRule({ declarations: true })] },
  resolve: {
    ...shared.resolve,
    // Browser builds of dependencies: package.json `browser` fields and export conditions drop
    // node-datachannel (webrtc-polyfill's browser build uses the native RTCPeerConnection), `ws`, `socks`,
    // and bittorrent-tracker's HTTP/UDP trackers and server. `events` is the npm package.
    aliasFields: ['browser'],
    conditionNames: ['browser', 'import', 'module', 'default'],
    mainFields: ['browser', 'module', 'main'],
    alias: {
      // uint8-util with fallbacks for Uint8Array.prototype.toHex & co. (ES2026): see build/uint8-util-browser.mjs.
      'uint8-util$': path.resolve(__dirname, 'build/uint8-util-browser.mjs'),
      'uint8-util-original$': uint8UtilBrowserBuild,
      // Never reached in a browser (bittorrent-tracker's Node-only modules are already `false`), listed
      // so that a stray import fails at build time instead of bundling a native module.
      'node-datachannel': false,
      ws: false,
      socks: false,
    },
  },
  plugins: [
    // bittorrent-tracker reads `process.browser` (else it requires a TCP `port`, and "process is not defined").
    new webpack.DefinePlugin({ 'process.browser': 'true' }),
  ],
  output: {
    path: dist,
    filename: '[name].js',
    module: true,
    library: { type: 'module' },
    chunkFormat: 'module',
  },
};

function nodeBuild(name, entry) {
  return {
    ...shared,
    name,
    target: 'node20',
    entry,
    module: { rules: [typescriptRule({ declarations: false })] },
    externalsPresets: { node: true },
    externalsType: 'module',
    externals: [externalPackages],
    optimization: { minimize: false },
    output: {
      path: dist,
      filename: '[name].js',
      module: true,
      library: { type: 'module' },
      chunkFormat: 'module',
    },
  };
}

/**
 * Core modules the testing entry takes from `@shoal/core` (the package importing itself: the `node` or
 * `browser` condition picks the same file the user's own `import '@shoal/core'` gets) instead of bundling a
 * second copy: one `ShoalError` class, so `isShoalError` holds for a memory transport's errors. Its imports
 * from these modules must be names src/index.ts exports (the build test runs dist/testing.js to check).
 */
const fromPublicEntry = new Set(['errors', 'wire/messages'].map((module) => path.join(__dirname, 'src', module)));

function publicEntryModules({ context, request }, callback) {
  if (request.startsWith('.') && fromPublicEntry.has(path.resolve(context, request).replace(/\.[cm]?[jt]s$/, ''))) {
    return callback(null, 'module @shoal/core');
  }
  return callback();
}

/** dist/testing.js: plain ES2022 with no platform API, its one dependency (eventemitter3) bundled. */
const testing = {
  ...shared,
  name: 'testing',
  target: 'es2022',
  entry: { testing: './src/testing.ts' },
  module: { rules: [typescriptRule({ declarations: false })] },
  externalsType: 'module',
  externals: [publicEntryModules],
  output: {
    path: dist,
    filename: '[name].js',
    module: true,
    library: { type: 'module' },
    chunkFormat: 'module',
  },
};

module.exports = [
  browser,
  scriptWebpackConfig({ packageDir: __dirname, fileName: 'shoal.min.js', globalName: ['Shoal'] }),
  nodeBuild('node-index', { 'index.node': './src/index.ts' }),
  nodeBuild('node-extras', { node: './src/node.ts' }),
  nodeBuild('node-integrity', { integrity: './src/integrity-tools.ts' }),
  testing,
];
