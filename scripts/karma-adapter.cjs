// The karma setup both player adapters share: their specs (webpack + ts-loader, transpile only: `tsc`
// type-checks), the demo media served under /base/demo/media/, and Debian's Chromium headless.
// Each package's karma.conf.cjs calls it with its own folder.
const path = require('node:path');
const { CHROMIUM_FLAGS } = require('./chromium-flags.cjs');

const root = path.resolve(__dirname, '..');
process.env.CHROME_BIN ||= '/usr/bin/chromium';

/** @param {{ packageDir: string, extraMime?: Record<string, string[]> }} options */
module.exports.adapterKarmaConfig = ({ packageDir, extraMime = {} }) => (config) => {
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
