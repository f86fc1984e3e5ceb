/**
 * Issue 7: a user's build works, not only ours. Every published package is packed with `npm pack`; a tiny
 * consumer app (test/packaging/consumer-app: plain JavaScript, its own package.json depending on the
 * tarballs and hls.js) is installed with npm (outside the test namespace: the registry answers what npm's cache lacks), type-checked against the tarballs' declarations,
 * built by webpack with its default configuration (no polyfills, no resolve.fallback), and loaded in
 * Chromium, where it constructs an engine and plays the demo origin's VOD stream with hls.js through Shoal.
 * Needs `npm run build` first (npm test does it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startDemo, STREAM_PATHS, type RunningDemo } from '../../demo/src/server';
import { serveStatic } from '../../demo/src/http/static-files';
import { publishedPackages, REPO_ROOT } from '../../scripts/published-packages';
import { launchChromium, type LaunchedBrowser } from '../browser/chromium';

const run = promisify(execFile);
const packages = publishedPackages();
const hlsVersion = (createRequire(import.meta.url)('hls.js/package.json') as { version: string }).version;

/** npm's own variables from a surrounding `npm test` (workspace, command…) must not steer the consumer's npm. */
function cleanNpmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') || name === 'npm_config_cache'));
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: cleanNpmEnv(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

let workDir: string;
let appDir: string;
let demo: RunningDemo | undefined;
let appServer: Server | undefined;
let browser: LaunchedBrowser | undefined;

before(() => {
  for (const pkg of packages) {
    for (const file of [pkg.esmFile, pkg.scriptFile]) {
      assert.ok(existsSync(file), `${relative(REPO_ROOT, file)} is built (run \`npm run build\` first)`);
    }
  }
  workDir = mkdtempSync(join(tmpdir(), 'shoal-consumer-'));
  appDir = join(workDir, 'app');
  cpSync(new URL('./consumer-app', import.meta.url), appDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (appServer ? appServer.close(() => resolve()) : resolve()));
  appServer?.closeAllConnections();
  await demo?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Every file a package.json `exports` names (each entry's conditions: `types`, `node`, `import`…), relative. */
function exportedFiles(dir: string): string[] {
  const { exports = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, string | Record<string, string>> };
  return [...new Set(Object.values(exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))))].map((file) => file.replace(/^\.\//, ''));
}

test('npm pack: each package ships every file its exports name (ES modules, declarations, <script> build), and no sources', async () => {
  for (const pkg of packages) {
    const [packed] = JSON.parse(await npm(['pack', '--json', '--pack-destination', workDir], pkg.dir)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = new Set(packed!.files.map((file) => file.path));
    const expected = [pkg.esmFile, pkg.scriptFile, join(pkg.dir, 'dist/types/index.d.ts'), join(pkg.dir, 'package.json')].map((file) => relative(pkg.dir, file));
    for (const file of new Set([...expected, ...exportedFiles(pkg.dir)])) {
      assert.ok(files.has(file), `${pkg.name} tarball has ${file}`);
    }
    assert.deepEqual([...files].filter((path) => path.startsWith('src/') || path.startsWith('test/')), [], `${pkg.name} tarball has no sources or tests`);
  }
});

test('a consumer app installs the tarballs, type-checks, resolves @shoal/core/testing, builds with webpack defaults and plays VOD through Shoal in Chromium', { timeout: 240_000 }, async () => {
  const tarball = (name: string, version: string) => `file:../${name.replace('@', '').replace('/', '-')}-${version}.tgz`;
  const dependencies = Object.fromEntries([...packages.map((pkg) => [pkg.name, tarball(pkg.name, pkg.version)]), ['hls.js', hlsVersion]]);
  writeFileSync(join(appDir, 'package.json'), `${JSON.stringify({ name: 'shoal-consumer', private: true, dependencies }, null, 2)}\n`);
  // Every package imported, so the build proves each one bundles without polyfills.
  writeFileSync(
    join(appDir, 'src/packages.js'),
    packages.map((pkg, i) => `import * as package${i} from '${pkg.name}';\n`).join('') +
      `export const packageExports = {\n${packages.map((pkg, i) => `  '${pkg.name}': Object.keys(package${i}),\n`).join('')}};\n`,
  );
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], appDir);

  await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', appDir]).catch((error: { stdout?: string }) => {
    assert.fail(`the consumer's types-check.ts does not type-check against the tarballs:\n${error.stdout}`);
  });

  // `@shoal/core/testing` (simulator and test helpers; types-check.ts imports it) resolves for the consumer
  // through the installed package's `exports`, as Node sees it. (Only resolved: loading it loads
  // `@shoal/core`, whose Node build needs the optional peer bittorrent-tracker, which the app lacks.)
  const probe = "console.log(import.meta.resolve('@shoal/core/testing'))";
  const { stdout: resolved } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: appDir }).catch((error: { stderr?: string }) => {
    assert.fail(`'@shoal/core/testing' does not resolve for the consumer:\n${error.stderr}`);
  });
  const testingFile = fileURLToPath(resolved.trim());
  assert.equal(relative(appDir, testingFile), join('node_modules', '@shoal', 'core', 'dist', 'testing.js'));
  assert.match(readFileSync(testingFile, 'utf8'), /\bVirtualClock\b/, 'dist/testing.js exports VirtualClock');

  // `npx webpack` in the app with webpack's defaults: ./src/index.js → ./dist/main.js, target web. Only the
  // mode is said (else it warns). Stats as JSON in a file (stdout also carries the CLI's own lines).
  const statsFile = join(workDir, 'webpack-stats.json');
  await run(process.execPath, [join(REPO_ROOT, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production', '--json', statsFile], { cwd: appDir, env: cleanNpmEnv(), maxBuffer: 64 * 1024 * 1024 }).catch((error: { stderr?: string }) => {
    // A failed build exits non-zero; its errors are in the stats file, asserted below.
    assert.ok(existsSync(statsFile), `webpack ran: ${error.stderr}`);
  });
  const { errors = [], warnings = [] } = JSON.parse(readFileSync(statsFile, 'utf8')) as { errors?: Array<{ message: string }>; warnings?: Array<{ message: string }> };
  assert.deepEqual(errors.map((e) => e.message), [], 'webpack built the consumer app without errors');
  // Size hints (hls.js alone is over webpack's 244 KiB hint) are the only acceptable warnings.
  const sizeHint = /recommended size limit|can impact web performance|performance recommendations/;
  assert.deepEqual(warnings.map((w) => w.message).filter((message) => !sizeHint.test(message)), [], 'webpack built it without warnings');

  demo = await startDemo({ port: 0, trackerPort: 0 });
  appServer = createServer((req, res) => void serveStatic(req, res, [{ urlPrefix: '/', dir: appDir }]));
  await new Promise<void>((resolve) => appServer!.listen(0, '127.0.0.1', () => resolve()));
  const appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/`;

  browser = await launchChromium();
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  const consoleLines: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  await page.goto(`${appUrl}?${new URLSearchParams({ src: demo.url + STREAM_PATHS.vodTs, tracker: demo.trackerUrl })}`);

  interface ConsumerGlobals {
    consumer: {
      state: { active: boolean; packageExports: Record<string, string[]>; segments: Array<{ source: string; sizeBytes: number }>; errors: string[] };
      video: { currentTime: number };
    };
  }
  const playing = await page.waitForFunction(() => {
    const { consumer } = globalThis as unknown as ConsumerGlobals;
    return (consumer?.state.segments.length ?? 0) >= 3 && consumer.video.currentTime > 2;
  }, undefined, { timeout: 60_000 }).then(() => true, () => false);
  const state = await page.evaluate(() => (globalThis as unknown as ConsumerGlobals).consumer?.state);
  assert.ok(playing, `the app played 3 segments through the engine: ${JSON.stringify({ state, pageErrors, console: consoleLines.slice(-20) })}`);

  assert.deepEqual(pageErrors, [], 'no page errors');
  assert.deepEqual(state.errors, [], 'no fatal hls.js errors');
  assert.equal(state.active, true, 'Shoal is active under hls.js');
  assert.ok(state.segments.every((segment) => segment.sizeBytes > 0), 'segments loaded through the engine');
  for (const pkg of packages) assert.ok(state.packageExports[pkg.name]!.length > 0, `${pkg.name} has exports in the bundle`);
  const bundleBytes = readFileSync(join(appDir, 'dist/main.js')).length;
  console.log(`# consumer bundle (hls.js + ${packages.map((pkg) => pkg.name).join(' + ')}): ${(bundleBytes / 1024).toFixed(0)} KiB minified; ${state.segments.length} segments through the engine`);
});
