// The adapter's browser tests: real Shaka Player playing the demo DASH media (demo/media/dash, made by
// demo/media/make-dash.sh) in headless Chromium, Shoal's engine under it.
//   npm test -w @shoal/shaka-loader          (needs `npm run build -w @shoal/core` first: the specs use core's
//                                             browser bundle, dist/index.js, as a page would)
// Chromium: $CHROME_BIN, default /usr/bin/chromium (Debian's; it decodes H.264 and AAC for MSE).
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
process.env.CHROME_BIN ||= '/usr/bin/chromium';

module.exports = (config) => {
  config.set({
    // The repository root, so the media are served under /base/demo/media/.
    basePath: root,
    frameworks: ['mocha', 'webpack'],
    plugins: ['karma-mocha', 'karma-webpack', 'karma-chrome-launcher'],
    files: [
      { pattern: 'packages/shaka-loader/test/**/*.spec.ts', watched: false },
      { pattern: 'demo/media/**/*', included: false, served: true, watched: false, nocache: true },
    ],
    preprocessors: { 'packages/shaka-loader/test/**/*.spec.ts': ['webpack'] },
    mime: { 'application/dash+xml': ['mpd'], 'application/vnd.apple.mpegurl': ['m3u8'], 'video/mp2t': ['ts'], 'video/mp4': ['mp4', 'm4s'] },
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
            use: {
              loader: 'ts-loader',
              // Type checking is `tsc` (root, and packages/shaka-loader/tsconfig.json); here only transpile.
              options: { configFile: path.join(__dirname, 'tsconfig.json'), transpileOnly: true },
            },
          },
        ],
      },
      performance: { hints: false },
    },
    // SHOAL_GREP=<substring of a test title> runs only the matching tests.
    client: { mocha: { timeout: 30_000, ...(process.env.SHOAL_GREP ? { grep: process.env.SHOAL_GREP } : {}) } },
    reporters: ['progress'],
    browsers: ['ChromeHeadlessShoal'],
    customLaunchers: {
      ChromeHeadlessShoal: {
        base: 'ChromeHeadless',
        flags: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--autoplay-policy=no-user-gesture-required',
          '--disable-features=WebRtcHideLocalIpsWithMdns',
        ],
      },
    },
    listenAddress: '127.0.0.1',
    hostname: '127.0.0.1',
    browserNoActivityTimeout: 120_000,
    captureTimeout: 60_000,
    singleRun: true,
    autoWatch: false,
  });
};
