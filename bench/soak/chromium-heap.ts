/**
 * `npm run bench:soak -- [--minutes M] [--viewers N]` (defaults: 10 minutes, 3 viewers)
 *
 * Issue 17's real-browser memory soak: the demo (origin throttled as in bench:swarm, its tracker) and N Shoal
 * viewers of the live stream, each in its own Chromium process, for M minutes. Every minute each page's
 * JS heap is measured after a full garbage collection (CDP `HeapProfiler.collectGarbage`, then
 * `Runtime.getHeapUsage`) and a table row is printed, with the swarm's P2P share and what played; at the
 * end, each page's heap growth from minute 1 (warm) to the last. Figures are printed, nothing asserted.
 * WebRTC needs the netns wrapper: the npm script runs this through scripts/netns-run.sh.
 */
import type { CDPSession, Page } from 'playwright-core';
import { startDemo } from '../../demo/src/server';
import { launchChromium, type LaunchedBrowser } from '../../test/browser/chromium';
import { DEFAULT_THROTTLE } from '../swarm/options';

const USAGE = 'usage: npm run bench:soak -- [--minutes M] [--viewers N]   (defaults: 10 minutes, 3 viewers)';
const SAMPLE_INTERVAL_MS = 60_000;
/** Between joins: each launch costs a second of CPU on a small machine; the pages already playing keep on. */
const JOIN_STAGGER_MS = 2_500;
const MB = 1024 * 1024;

interface Options {
  minutes: number;
  viewers: number;
}

interface Viewer {
  browser: LaunchedBrowser;
  page: Page;
  cdp: CDPSession;
}

interface Sample {
  heapUsedBytes: number;
  currentTime: number;
  stalls: number;
  errors: number;
  p2pBytes: number;
  httpBytes: number;
  peers: number;
}

/** What the demo page exposes (demo/web/state.ts), as `page.evaluate` sees it. */
interface PageGlobals {
  shoalDemo?: {
    errors: string[];
    stalls: number;
    engine: { stats(): { httpBytes: number; p2pBytes: number; peerCount: number } };
  };
  document: { querySelector(selector: 'video'): { currentTime: number } };
}

function parseArgs(argv: string[]): Options {
  const options: Options = { minutes: 10, viewers: 3 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = Number(inline ?? argv[++i]);
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number\n${USAGE}`);
    if (flag === '--minutes') options.minutes = value;
    else if (flag === '--viewers') options.viewers = Math.round(value);
    else throw new Error(`unknown flag ${flag}\n${USAGE}`);
  }
  return options;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openViewer(demoUrl: string): Promise<Viewer> {
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.goto(`${demoUrl}/?stream=liveTs`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).shoalDemo !== undefined, undefined, { timeout: 30_000 });
  const cdp = await browser.context.newCDPSession(page);
  return { browser, page, cdp };
}

async function sample({ page, cdp }: Viewer): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const state = await page.evaluate(() => {
    const { shoalDemo, document } = globalThis as unknown as Required<PageGlobals>;
    const stats = shoalDemo.engine.stats();
    return {
      currentTime: document.querySelector('video').currentTime,
      stalls: shoalDemo.stalls,
      errors: shoalDemo.errors.length,
      p2pBytes: stats.p2pBytes,
      httpBytes: stats.httpBytes,
      peers: stats.peerCount,
    };
  });
  return { heapUsedBytes: usedSize, ...state };
}

const mb = (bytes: number) => (bytes / MB).toFixed(2);

function row(minute: number, samples: Sample[]): string {
  const p2p = samples.reduce((sum, s) => sum + s.p2pBytes, 0);
  const http = samples.reduce((sum, s) => sum + s.httpBytes, 0);
  const share = p2p + http === 0 ? 0 : p2p / (p2p + http);
  const heaps = samples.map((s) => mb(s.heapUsedBytes).padStart(9)).join(' ');
  const played = samples.map((s) => s.currentTime.toFixed(0).padStart(5)).join(' ');
  const stalls = samples.reduce((sum, s) => sum + s.stalls, 0);
  const errors = samples.reduce((sum, s) => sum + s.errors, 0);
  const peers = samples.map((s) => s.peers).join('/');
  return `# ${String(minute).padStart(6)} ${heaps}   ${(share * 100).toFixed(0).padStart(4)} %  ${peers.padEnd(7)} ${String(stalls).padStart(6)} ${String(errors).padStart(6)}  ${played}`;
}

function header(viewers: number): string {
  const heaps = Array.from({ length: viewers }, (_, i) => `heap ${i} MB`.padStart(9)).join(' ');
  const played = Array.from({ length: viewers }, (_, i) => `t${i} s`.padStart(5)).join(' ');
  return `# minute ${heaps}   P2P    peers   stalls errors  ${played}`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const demo = await startDemo({ port: 0, trackerPort: 0, throttle: { ...DEFAULT_THROTTLE } });
  const viewers: Viewer[] = [];
  try {
    for (let i = 0; i < options.viewers; i++) {
      if (i > 0) await sleep(JOIN_STAGGER_MS);
      viewers.push(await openViewer(demo.url));
    }
    console.log(`# chromium heap soak: ${options.viewers} Shoal viewers of the live demo stream for ${options.minutes} min; JS heap after a full GC, per page`);
    console.log(header(options.viewers));
    const startedMs = Date.now();
    const rows: Sample[][] = [];
    for (let minute = 0; minute <= options.minutes; minute++) {
      await sleep(Math.max(0, startedMs + minute * SAMPLE_INTERVAL_MS - Date.now()));
      const samples = await Promise.all(viewers.map(sample));
      rows.push(samples);
      console.log(row(minute, samples));
    }
    const warm = rows[Math.min(1, rows.length - 1)]!;
    const last = rows[rows.length - 1]!;
    const spanMin = Math.max(1, rows.length - 2);
    const growth = last.map((s, i) => {
      const deltaBytes = s.heapUsedBytes - warm[i]!.heapUsedBytes;
      return `page ${i} ${deltaBytes >= 0 ? '+' : ''}${mb(deltaBytes)} MB (${(deltaBytes / 1024 / spanMin).toFixed(0)} KiB/min)`;
    });
    console.log(`# heap from minute ${Math.min(1, rows.length - 1)} to ${rows.length - 1}: ${growth.join(', ')}`);
  } finally {
    for (const viewer of viewers) await viewer.browser.close();
    await demo.close();
  }
}

main().catch((error: Error) => {
  console.error(`bench:soak failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
