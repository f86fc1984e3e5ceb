/** `SegmentIntegrity`: what the engine knows of the stream's manifest, and when an entry is still on its way. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import type { HttpFetcher, HttpFetchResult } from '../../src/http/http-fetcher';
import { integrityManifestOf, integritySegmentOf } from '../../src/integrity/manifest-builder';
import { SegmentIntegrity } from '../../src/integrity/segment-integrity';
import { nodeSha256 } from '../../sim/node-sha256';

const URL_BASE = 'https://origin.test/live/';

/** A fetcher answering each manifest fetch when the test says, with the segments published so far. */
function manualFetcher(published: string[]): { fetcher: Pick<HttpFetcher, 'fetch'>; answer(): Promise<void>; fetches: number } {
  const pending: Array<() => void> = [];
  const state = {
    fetches: 0,
    fetcher: {
      fetch: () => {
        state.fetches++;
        const manifest = integrityManifestOf(published.map((uri) => integritySegmentOf(uri, new TextEncoder().encode(uri))));
        const bytes = new TextEncoder().encode(JSON.stringify(manifest));
        return new Promise<HttpFetchResult>((resolve) => pending.push(() => resolve({ bytes, sizeBytes: bytes.byteLength, firstByteAtMs: 0 })));
      },
    },
    async answer(): Promise<void> {
      pending.shift()?.();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
  return state;
}

test('entryPending: true while a fetch that may bring the entry runs or waits, false once it is in or none is coming', async () => {
  const clock = new VirtualClock();
  const published = ['1.ts'];
  const source = manualFetcher(published);
  const integrity = new SegmentIntegrity({
    url: `${URL_BASE}live.m3u8.integrity.json`,
    fetcher: source.fetcher as HttpFetcher,
    clock,
    timeoutMs: 10_000,
    sha256: nodeSha256,
    onWarning: () => assert.fail('no warning expected'),
    onUpdated: () => {},
  });
  const one = { url: `${URL_BASE}1.ts` };
  const two = { url: `${URL_BASE}2.ts` };
  assert.equal(integrity.entryPending(one), true, 'the first fetch runs');
  await source.answer();
  assert.ok(integrity.entryFor(one));
  assert.equal(integrity.entryPending(one), false, 'in: nothing to wait for');
  assert.equal(integrity.entryPending(two), false, 'no fetch runs: waiting would only delay HTTP');
  published.push('2.ts');
  integrity.segmentsNamed([one, two]); // a playlist lists 2.ts: fetched again, after the throttle
  assert.equal(integrity.entryPending(two), true, 'a fetch is scheduled');
  clock.advance(1_000);
  assert.equal(source.fetches, 2);
  assert.equal(integrity.entryPending(two), true, 'the fetch runs');
  await source.answer();
  assert.ok(integrity.entryFor(two));
  assert.equal(integrity.entryPending(two), false);
  integrity.destroy();
});
