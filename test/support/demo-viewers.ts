/**
 * Viewers of a demo page in real Chromium, each in its own browser process (like separate machines): open a
 * page of the running demo, then read what it exposes on `window.shoalDemo` (an `engine` and an `errors`
 * list; every demo page has them) and its `<video>`. For tests that assert that a page plays with peers.
 */
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../browser/chromium';

export interface DemoViewer {
  page: Page;
  /** Uncaught exceptions of the page. */
  pageErrors: string[];
}

export interface ViewerReading {
  currentTime: number;
  /** `window.shoalDemo.errors` (fatal player errors), then uncaught page exceptions. */
  errors: string[];
  p2pBytes: number;
  httpBytes: number;
  peers: number;
}

/** What demo pages expose, as seen from code that `page.evaluate` runs in the page. */
interface PageGlobals {
  shoalDemo?: {
    errors: string[];
    engine?: { stats(): { httpBytes: number; p2pBytes: number; peers: number } };
  };
  document: { querySelector(selector: 'video'): { currentTime: number } | null };
}

export class DemoViewers {
  private readonly browsers: LaunchedBrowser[] = [];
  readonly viewers: DemoViewer[] = [];

  /** A new browser with `url` open. */
  async open(url: string): Promise<DemoViewer> {
    const browser = await launchChromium();
    this.browsers.push(browser);
    const page = await browser.context.newPage();
    const viewer: DemoViewer = { page, pageErrors: [] };
    page.on('pageerror', (error) => viewer.pageErrors.push(error.message));
    await page.goto(url);
    this.viewers.push(viewer);
    return viewer;
  }

  /** Every browser closed; safe to call twice. */
  async close(): Promise<void> {
    for (const browser of this.browsers.splice(0)) await browser.close();
    this.viewers.length = 0;
  }
}

export async function readViewer(viewer: DemoViewer): Promise<ViewerReading> {
  const reading = await viewer.page.evaluate(() => {
    const { shoalDemo, document } = globalThis as unknown as PageGlobals;
    const stats = shoalDemo?.engine?.stats();
    return {
      currentTime: document.querySelector('video')?.currentTime ?? 0,
      errors: shoalDemo ? [...shoalDemo.errors] : ['window.shoalDemo is missing'],
      p2pBytes: stats?.p2pBytes ?? 0,
      httpBytes: stats?.httpBytes ?? 0,
      peers: stats?.peers ?? 0,
    };
  });
  return { ...reading, errors: [...reading.errors, ...viewer.pageErrors] };
}
