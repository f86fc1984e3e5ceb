/**
 * Issue 7: the persistent VOD cache survives a page reload. One Chromium page plays the demo's VOD with
 * `?cache=1` (`persistentCache: true`, IndexedDB); once it has loaded segments from the origin it is
 * reloaded; the reloaded page must get those segments from the cache (source 'cache', bytes identical to
 * the origin's) and must not ask the origin for them again (seen at the network level, by playwright).
 * Counts are printed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Page, Request } from 'playwright-core';
import { startDemo } from '../../demo/src/server';
import { launchChromium, type LaunchedBrowser } from './chromium';
import { waitUntil } from '../../packages/core/test/support/wait';

/** Segments the first visit loads from the origin before the reload. */
const SEGMENTS_BEFORE_RELOAD = 4;

interface PageGlobals {
  shoalDemo?: {
    errors: string[];
    p2pSegments: Array<{ url: string; sha256: string }>;
    engine: { stats(): { httpBytes: number; segmentsBySource: { http: number; p2p: number; cache: number } } };
  };
  document: { querySelector(selector: 'video'): { currentTime: number } };
}

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: LaunchedBrowser | undefined;

before(async () => {
  demo = await startDemo({ port: 0, trackerPort: 0 });
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

function pageState(page: Page) {
  return page.evaluate(() => {
    const { shoalDemo, document } = globalThis as unknown as PageGlobals;
    if (!shoalDemo) return undefined;
    return {
      errors: shoalDemo.errors,
      bySource: shoalDemo.engine.stats().segmentsBySource,
      httpBytes: shoalDemo.engine.stats().httpBytes,
      fromCache: shoalDemo.p2pSegments,
      currentTime: document.querySelector('video').currentTime,
    };
  });
}

/** Media segment URLs the page requests over the network (not playlists), and those whose response finished. */
function recordSegmentRequests(page: Page): { requested: string[]; finished: Set<string>; stop(): void } {
  const requested: string[] = [];
  const finished = new Set<string>();
  const isSegment = (url: string): boolean => /\.(ts|m4s|mp4)(\?|$)/.test(url);
  const onRequest = (request: Request): void => void (isSegment(request.url()) && requested.push(request.url()));
  const onFinished = (request: Request): void => void (isSegment(request.url()) && finished.add(request.url()));
  page.on('request', onRequest);
  page.on('requestfinished', onFinished);
  return {
    requested,
    finished,
    stop: () => {
      page.off('request', onRequest);
      page.off('requestfinished', onFinished);
    },
  };
}

test('VOD segments cached in IndexedDB are served from the cache after a reload; the origin is not asked again', { timeout: 120_000 }, async () => {
  browser = await launchChromium();
  const page = await browser.context.newPage();
  const pageUrl = `${demo.url}/?player=hlsjs&stream=vodTs&cache=1&test=1`;
  const firstVisit = recordSegmentRequests(page);
  await page.goto(pageUrl);
  await waitUntil(async () => ((await pageState(page))?.bySource.http ?? 0) >= SEGMENTS_BEFORE_RELOAD, 'the first visit loads segments from the origin', 60_000);
  // Stop loading and let what finished on the network be stored, so "loaded on the first visit" is exact.
  await page.evaluate(() => (globalThis as unknown as { shoalDemo: { hls: { stopLoad(): void } } }).shoalDemo.hls.stopLoad());
  await waitUntil(async () => ((await pageState(page))?.bySource.http ?? 0) >= firstVisit.finished.size, 'finished segments stored', 20_000);
  firstVisit.stop();
  const before = (await pageState(page))!;
  assert.deepEqual(before.errors, []);
  assert.equal(before.bySource.cache, 0, 'nothing cached on the first visit');

  // The page goes away entirely (no request of it can be counted below), then the same URL opens again.
  await page.goto('about:blank');
  const secondVisit = recordSegmentRequests(page);
  await page.goto(pageUrl);
  await waitUntil(async () => ((await pageState(page))?.bySource.cache ?? 0) >= SEGMENTS_BEFORE_RELOAD, 'the reloaded page gets segments from the cache', 60_000);
  await waitUntil(async () => ((await pageState(page))?.currentTime ?? 0) > 2, 'the reloaded page plays', 60_000);
  secondVisit.stop();
  const after = (await pageState(page))!;

  const cachedUrls = after.fromCache.map((segment) => segment.url);
  const askedAgain = secondVisit.requested.filter((url) => firstVisit.finished.has(url));
  console.log(
    `# first visit: ${firstVisit.finished.size} segments loaded from the origin and cached; ` +
      `reloaded page: ${after.bySource.cache} segments from the cache, ${after.bySource.http} from the origin, ` +
      `${askedAgain.length} origin requests for segments cached before; played to ${after.currentTime.toFixed(1)} s`,
  );
  assert.deepEqual(after.errors, []);
  assert.deepEqual(askedAgain, [], 'no segment cached on the first visit was requested from the origin again');
  // Requested, not necessarily seen finished: the engine completes a download the stopped player let go.
  for (const url of cachedUrls) assert.ok(firstVisit.requested.includes(url), `${url} was requested on the first visit`);
  for (const segment of after.fromCache) {
    const response = await fetch(segment.url);
    const sha256 = createHash('sha256').update(new Uint8Array(await response.arrayBuffer())).digest('hex');
    assert.equal(segment.sha256, sha256, `cached bytes of ${segment.url} match the origin`);
  }
});
