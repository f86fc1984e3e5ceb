/**
 * Issue 7: a page with only script tags (demo/public/script-tag.html: hls.js's own hls.min.js, then
 * shoal.min.js and shoal-hlsjs.min.js from the packages' builds) plays the live stream with P2P. Two
 * viewers, each in its own Chromium, on the demo origin (throttled like a CDN) and its real tracker; both
 * play without errors and bytes come from peers. And every package's script build loads after the players'
 * own scripts and shoal.min.js, into its namespace of the one `Shoal` global.
 * Needs `npm run build` first (npm test does it).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import type { Page } from 'playwright-core';
import { publishedPackages } from '../../scripts/published-packages';
import { launchChromium, type LaunchedBrowser } from './chromium';
import { currentTime, readReport, reportLine, type PageReport, useDemoFixture } from './demo-pages';

const JOIN_STAGGER_MS = 2_500;
/** Media seconds each page must play past where it was once both were open. */
const PLAYED_SEC = 8;
const TIMEOUT_MS = 90_000;

const fixture = useDemoFixture();
let browser: LaunchedBrowser | undefined;

after(async () => {
  await browser?.close();
});

test('two script-tag pages play the live stream and share segments over WebRTC', { timeout: 150_000 }, async () => {
  const pages: Page[] = [await fixture.viewers.open('stream=liveTs', '/script-tag.html')];
  await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
  pages.push(await fixture.viewers.open('stream=liveTs', '/script-tag.html'));
  const startTimes = await Promise.all(pages.map(currentTime));

  // Until both played PLAYED_SEC and peers delivered bytes, a page failed, or time is up.
  const deadline = Date.now() + TIMEOUT_MS;
  let reports: PageReport[];
  for (;;) {
    reports = await Promise.all(pages.map(readReport));
    const played = reports.every((r, i) => r.currentTime > startTimes[i]! + PLAYED_SEC);
    if ((played && reports.some((r) => r.p2pBytes > 0)) || reports.some((r) => r.errors.length > 0) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  console.log(reports.map((r, i) => reportLine(`script-tag page ${i}`, r)).join('\n'));

  reports.forEach((r, i) => {
    assert.deepEqual(r.errors, [], `page ${i} had no error`);
    assert.ok(r.currentTime > startTimes[i]! + PLAYED_SEC, `page ${i} played (currentTime ${startTimes[i]} → ${r.currentTime})`);
  });
  assert.ok(reports.some((r) => r.p2pBytes > 0), 'bytes came from peers');
});

test('every package\'s script build loads after the players\' scripts and shoal.min.js, into the Shoal global', { timeout: 60_000 }, async () => {
  browser = await launchChromium();
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${fixture.demo.url}/config.json`);
  const players = ['/npm/hls.js/dist/hls.min.js', '/npm/shaka-player/dist/shaka-player.compiled.js', '/npm/video.js/dist/video.min.js'];
  // Core first (the adapters read `Shoal` as they load), then the adapters, as the README says.
  const shoal = publishedPackages()
    .sort((a, b) => Number(b.name === '@shoal/core') - Number(a.name === '@shoal/core'))
    .map((pkg) => `/npm/${pkg.name}/${relative(pkg.dir, pkg.scriptFile)}`);
  for (const url of [...players, ...shoal]) await page.addScriptTag({ url });

  // Page code as a string: tsx would wrap the callbacks below in a `__name` helper the page does not have.
  const result = (await page.evaluate(`(() => {
    const engine = new Shoal.ShoalEngine({ trackerUrls: ['ws://127.0.0.1:9'], rtcConfig: { iceServers: [] } });
    const hls = new Hls({ ...Shoal.hlsjs.shoalHlsConfig(engine) });
    Shoal.shaka.registerShoal(shaka);
    const registration = Shoal.videojs.registerShoalSourceHandler(videojs, { Hls, createEngine: () => engine });
    registration.unregister();
    hls.destroy();
    engine.destroy();
    return { namespaces: Object.keys(Shoal).filter((key) => typeof Shoal[key] === 'object' && !Array.isArray(Shoal[key])) };
  })()`)) as { namespaces: string[] };
  assert.deepEqual(pageErrors, [], 'the scripts loaded and ran without errors');
  for (const namespace of ['hlsjs', 'shaka', 'videojs']) assert.ok(result.namespaces.includes(namespace), `Shoal.${namespace} is set: ${result.namespaces.join(', ')}`);
});
