// The `<script>` build every Shoal package ships next to its ES module (the packaging conventions; a new
// package such as packages/videojs follows them too):
//
// - dist/index.js        the ES module for bundlers (`exports["."].import`), with dist/types/*.d.ts
//                        (`exports["."].types`). It must bundle or avoid anything that would make a user's
//                        bundler need Node polyfills (test/packaging builds a consumer app to prove it).
// - dist/<name>.min.js   this build: the same ES module wrapped for a classic `<script>` tag, minified, that
//                        sets one global, `Shoal` (core: `Shoal.ShoalEngine`, …) or a namespace inside it
//                        (`Shoal.hlsjs`, `Shoal.shaka`, `Shoal.videojs`). `@shoal/core` is read from the global
//                        `Shoal` and players from their own globals (`Hls`, `shaka`, `videojs`), so a page loads
//                        the player's script, then shoal.min.js, then the adapter's script. Exported as
//                        "./dist/<name>.min.js" in package.json, listed in `sideEffects` (it sets a global).
// - package.json         `exports` with `types`, `import` and `default`; `sideEffects` false except the script
//                        build; players as `peerDependencies` (only the versions tested); `files: ["dist", …]`.
//
// The script build is made from dist/index.js (so it runs after the package's ES module build, which must be
// named 'browser'): both files hold the same code, compiled once.
const path = require('node:path');

/**
 * @param {{
 *   packageDir: string,
 *   fileName: string,                          e.g. 'shoal-hlsjs.min.js'
 *   globalName: string[],                      e.g. ['Shoal'] or ['Shoal', 'hlsjs']
 *   globals?: Record<string, string | string[]>, imports read from globals, e.g. { 'hls.js': 'Hls' }
 * }} options
 */
module.exports.scriptWebpackConfig = ({ packageDir, fileName, globalName, globals = {} }) => ({
  mode: 'production',
  name: 'script',
  dependencies: ['browser'],
  context: packageDir,
  target: ['web', 'es2022'],
  devtool: false,
  entry: { script: './dist/index.js' },
  performance: { hints: false },
  externalsType: 'var',
  externals: globalName.length > 1 ? { '@shoal/core': 'Shoal', ...globals } : globals,
  // `self`: `self.Shoal = …` for core, `(self.Shoal = self.Shoal || {}).hlsjs = …` for a namespace in it.
  output: { path: path.resolve(packageDir, 'dist'), filename: fileName, library: { name: globalName, type: 'self' } },
});
