/**
 * `npm run bench -w @shoal/core`: the integrity manifest's CPU cost — SHA-256 of 63 KiB wire blocks
 * through WebCrypto (`crypto.subtle.digest`, what the engine uses), one block at a time as
 * `SegmentDownload.receive()` checks them, in Node and in headless Chromium (the same loop in a page;
 * Debian's /usr/bin/chromium or CHROME_BIN; skipped with a note where there is none). Prints blocks/s and
 * MB/s for each.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { webCryptoSha256 } from '../src/integrity/sha256';
import { BLOCK_BYTES } from '../src/wire/messages';

/** Blocks hashed per round: 4,096 × 63 KiB ≈ 258 MB, long enough to drown timer noise. */
const BLOCKS_PER_ROUND = 4_096;
/** Rounds; the best is reported (the others were disturbed by something else on the machine). */
const ROUNDS = 3;

async function round(sha256: NonNullable<ReturnType<typeof webCryptoSha256>>, block: Uint8Array): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < BLOCKS_PER_ROUND; i++) {
    block[0] = i & 0xff;
    await sha256(block);
  }
  return BLOCKS_PER_ROUND / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const sha256 = webCryptoSha256();
  if (!sha256) throw new Error('no WebCrypto in this Node');
  const block = new Uint8Array(BLOCK_BYTES).map((_, i) => (i * 131) & 0xff);
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) best = Math.max(best, await round(sha256, block));
  print('Node', best);
  await chromiumFigure();
}

function print(where: string, blocksPerSec: number): void {
  const mbPerSec = (blocksPerSec * BLOCK_BYTES) / 1e6;
  console.log(`integrity: SHA-256 of ${BLOCK_BYTES}-byte blocks in ${where} (WebCrypto): ${Math.round(blocksPerSec)} blocks/s, ${mbPerSec.toFixed(0)} MB/s`);
}

/** The same rounds in a headless Chromium page, served from 127.0.0.1 (a secure context: WebCrypto is there). */
async function chromiumFigure(): Promise<void> {
  const executablePath = process.env.CHROME_BIN ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return console.log(`integrity: no Chromium at ${executablePath}: its figure skipped`);
  const { CHROMIUM_FLAGS } = createRequire(import.meta.url)('../../../scripts/chromium-flags.cjs') as { CHROMIUM_FLAGS: string[] };
  const server = createServer((_request, response) => response.end('<!doctype html><title>hash</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const best = await page.evaluate(
      async ({ blockBytes, blocksPerRound, rounds }) => {
        const block = new Uint8Array(blockBytes).map((_, i) => (i * 131) & 0xff);
        let top = 0;
        for (let r = 0; r < rounds; r++) {
          const start = performance.now();
          for (let i = 0; i < blocksPerRound; i++) {
            block[0] = i & 0xff;
            await crypto.subtle.digest('SHA-256', block);
          }
          top = Math.max(top, blocksPerRound / ((performance.now() - start) / 1000));
        }
        return top;
      },
      { blockBytes: BLOCK_BYTES, blocksPerRound: BLOCKS_PER_ROUND, rounds: ROUNDS },
    );
    print('Chromium', best);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
