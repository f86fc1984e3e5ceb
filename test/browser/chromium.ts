/**
 * Launching Debian's Chromium (never a downloaded browser) for real-browser tests, through
 * playwright-core: each browser gets a fresh, empty profile, autoplay without a gesture, and real IP
 * ICE candidates (mDNS hiding off) so pages connect over WebRTC inside the test network namespace.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  /**
   * SIGKILL every process of this browser (a viewer's machine losing power): no page event, no WebSocket
   * close frame, no WebRTC goodbye. Returns how many processes were killed. `close()` still cleans up.
   */
  kill(): number;
  close(): Promise<void>;
}

/** Pids of the processes started with `--user-data-dir=<profile>`: this browser's own (playwright passes it). */
function processesOfProfile(profile: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (args.includes(`--user-data-dir=${profile}`)) pids.push(Number(entry));
  }
  return pids;
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
    kill: () => {
      const pids = processesOfProfile(profile);
      if (pids.length === 0) throw new Error(`no Chromium process with the profile ${profile}`);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      return pids.length;
    },
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
