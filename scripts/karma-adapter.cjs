// The karma setup every package with browser specs shares (the player adapters, core's IndexedDB storage):
// their specs (webpack + ts-loader, transpile only: `tsc` type-checks), the demo media served under
// /base/demo/media/, and Debian's Chromium headless. Each package's karma.conf.cjs calls it with its own
// folder; `standIns` replaces modules the browser lacks (core's shared contract suites import `node:test`).
const path = require('node:path');
const webpack = require('webpack');
const { CHROMIUM_FLAGS } = require('./chromium-flags.cjs');

const root = path.resolve(__dirname, '..');
process.env.CHROME_BIN ||= '/usr/bin/chromium';

/** @param {{ packageDir: string, extraMime?: Record<string, string[]>, standIns?: Record<string, string> }} options  `standIns`: module request → file used instead. */
module.exports.adapterKarmaConfig = ({ packageDir, extraMime = {}, standIns = {} }) => (config) => {
  const specs = `${path.relative(root, packageDir)}/test/**/*.spec.ts`;
  config.set({
    // The repository root, so the media are served under /base/demo/media/.
    basePath: root,
    frameworks: ['mocha', 'webpack'],
    plugins: ['karma-mocha', 'karma-webpack', 'karma-chrome-launcher'],
    files: [
      { pattern: specs, watched: false },
      { pattern: 'demo/media/**/*', included: false, served: true, watched: false, nocache: true },
    ],
    preprocessors: { [specs]: ['webpack'] },
    mime: { 'application/vnd.apple.mpegurl': ['m3u8'], 'video/mp2t': ['ts'], 'video/mp4': ['mp4', 'm4s'], ...extraMime },
    webpack: {
      mode: 'development',
      devtool: 'inline-source-map',
      target: ['web', 'es2022'],
      resolve: {
        extensions: ['.ts', '.js', '.mjs'],
        extensionAlias: { '.js': ['.ts', '.js'] },
        // `@shoal/core` resolves to its browser bundle through its package.json `exports`.
        conditionNames: ['browser', 'import', 'module', 'default'],
      },
      // `node:` requests are read before aliases apply: replace them as whole requests.
      plugins: Object.entries(standIns).map(
        ([request, file]) => new webpack.NormalModuleReplacementPlugin(new RegExp(`^${request.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`), file),
      ),
      module: {
        rules: [
          {
            test: /\.ts$/,
            exclude: /node_modules/,
            use: { loader: 'ts-loader', options: { configFile: path.join(packageDir, 'tsconfig.json'), transpileOnly: true } },
          },
        ],
      },
      performance: { hints: false },
    },
    // SHOAL_GREP=<substring of a test title> runs only the matching tests.
    client: { mocha: { timeout: 30_000, ...(process.env.SHOAL_GREP ? { grep: process.env.SHOAL_GREP } : {}) } },
    reporters: ['progress'],
    browsers: ['ChromeHeadlessShoal'],
    customLaunchers: { ChromeHeadlessShoal: { base: 'ChromeHeadless', flags: CHROMIUM_FLAGS } },
    listenAddress: '127.0.0.1',
    hostname: '127.0.0.1',
    browserNoActivityTimeout: 120_000,
    captureTimeout: 60_000,
    singleRun: true,
    autoWatch: false,
  });
};
