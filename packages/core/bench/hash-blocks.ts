/**
 * `npm run bench -w @shoal/core`: the integrity manifest's CPU cost in Node — SHA-256 of 63 KiB wire
 * blocks through WebCrypto (`crypto.subtle.digest`, what the engine uses), one block at a time as
 * `SegmentDownload.receive()` checks them. Prints blocks/s and MB/s. Chromium's figure is measured apart
 * (the same call in a page).
 */
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
  const mbPerSec = (best * BLOCK_BYTES) / 1e6;
  console.log(`integrity: SHA-256 of ${BLOCK_BYTES}-byte blocks in Node (WebCrypto): ${Math.round(best)} blocks/s, ${mbPerSec.toFixed(0)} MB/s`);
}

await main();
