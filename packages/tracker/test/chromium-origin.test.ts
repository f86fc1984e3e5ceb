// The origin allow-list in real Chromium (the browser sets the WebSocket `Origin` header itself, a page
// cannot forge it): two pages served from the allowed origin meet through the tracker (one receives the
// other's offer), while a page from another origin (another port) cannot open the tracker socket, so it
// gets no peers. Pages speak the WebTorrent tracker protocol directly (opaque offers, no WebRTC needed).
// Network tier: `sh scripts/netns-run.sh node scripts/run-tests.mjs packages/tracker`.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../../../test/browser/chromium';
import type { RunningTracker } from '../src/index.js';
import { id, startQuietTracker } from './ws-test-client';

/** How long a page listens for messages after announcing (ms): the tracker relays within milliseconds. */
const LISTEN_MS = 1500;

interface PageRun {
  opened: boolean;
  messages: Array<Record<string, unknown>>;
}

async function servePage(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>viewer</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** In the page: open the tracker socket, announce (with `offers` opaque offers), collect what arrives. */
function announceFromPage(page: Page, url: string, peerId: string, offers: number): Promise<PageRun> {
  return page.evaluate(
    ({ url, infoHash, peerId, offers, listenMs }) =>
      new Promise<PageRun>((resolve) => {
        const run: PageRun = { opened: false, messages: [] };
        const ws = new WebSocket(url);
        // No named local functions here: tsx's keep-names helper (__name) does not exist in the page.
        ws.onopen = () => {
          run.opened = true;
          const offerList = Array.from({ length: offers }, (_, i) => ({ offer_id: `offer-${i}`.padEnd(20, '.'), offer: { type: 'offer', sdp: 'v=0 opaque' } }));
          ws.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: peerId, event: 'started', numwant: offers, offers: offerList }));
          setTimeout(() => { ws.close(); resolve(run); }, listenMs);
        };
        ws.onmessage = (event) => run.messages.push(JSON.parse(String(event.data)) as Record<string, unknown>);
        ws.onerror = () => setTimeout(() => resolve(run), 100);
      }),
    { url, infoHash: id('chromium-origin'), peerId, offers, listenMs: LISTEN_MS },
  );
}

let tracker: RunningTracker;
let browser: LaunchedBrowser;
const servers: Server[] = [];
let allowedOrigin = '';
let otherOrigin = '';

before(async () => {
  const allowed = await servePage();
  const other = await servePage();
  servers.push(allowed.server, other.server);
  [allowedOrigin, otherOrigin] = [allowed.origin, other.origin];
  tracker = await startQuietTracker({ allowedOrigins: [allowedOrigin] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await tracker?.close();
  for (const server of servers) server.close();
});

test('Chromium: pages of the allowed origin meet through the tracker; a page of another origin gets no socket and no peers', async () => {
  const [first, second, outsider] = await Promise.all([0, 1, 2].map(() => browser.context.newPage()));
  await first!.goto(`${allowedOrigin}/`);
  await second!.goto(`${allowedOrigin}/`);
  await outsider!.goto(`${otherOrigin}/`);
  // The outsider announces first with offers: were it admitted, the first page would receive them.
  const outsiderRun = announceFromPage(outsider!, tracker.url, id('outsider'), 2);
  const firstRun = announceFromPage(first!, tracker.url, id('first'), 0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const secondRun = await announceFromPage(second!, tracker.url, id('second'), 1);
  const [firstResult, outsiderResult] = await Promise.all([firstRun, outsiderRun]);

  assert.equal(outsiderResult.opened, false, 'the tracker refused the other origin\'s socket');
  assert.deepEqual(outsiderResult.messages, []);
  assert.equal(secondRun.opened, true);
  const offers = firstResult.messages.filter((m) => m.offer !== undefined);
  assert.deepEqual(offers.map((m) => m.peer_id), [id('second')], 'the first page got the second page\'s offer, and no one else\'s');
  const rejected = (await tracker.metrics.rejections.get()).values.find((v) => v.labels.reason === 'origin')?.value;
  assert.equal(rejected, 1);
});
