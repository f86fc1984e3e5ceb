/**
 * Launching Debian's Chromium (never a downloaded browser) for real-browser tests, through
 * playwright-core: each browser gets a fresh, empty profile, autoplay without a gesture, and real IP
 * ICE candidates (mDNS hiding off) so pages connect over WebRTC inside the test network namespace.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The same flags as every Chromium of the project (scripts/chromium-flags.cjs). */
export const CHROMIUM_FLAGS: string[] = (createRequire(import.meta.url)('../../scripts/chromium-flags.cjs') as { CHROMIUM_FLAGS: string[] }).CHROMIUM_FLAGS;

/** The browser binary: $CHROME_BIN, /usr/bin/chromium, or installed by scripts/ensure-chromium.sh. */
export function chromiumPath(): string {
  return execFileSync('sh', [new URL('../../scripts/ensure-chromium.sh', import.meta.url).pathname], { encoding: 'utf8' }).trim();
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** One browser process with its own empty profile (like a separate viewer's machine). */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'shoal-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
