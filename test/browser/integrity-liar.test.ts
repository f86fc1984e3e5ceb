/**
 * Issue 16, origin-anchored integrity in real Chromium: four viewers of the live demo stream, the first of
 * whose pages corrupts every block it uploads (`&testCorruptUploads=1`, test-only). With the integrity
 * manifest the demo page uses: every segment the three honest players got from peers is byte-identical to
 * the origin's (SHA-256), each of them dropped the liar with `corrupt-data` after an `integrity:violation`,
 * and they play on without an error or a stall. Shares and stalls are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertPeerBytesMatchOrigin, currentTime, readReport, reportLine, useDemoFixture } from './demo-pages';

const RUN_MS = 45_000;
const JOIN_STAGGER_MS = 2_500;

const fixture = useDemoFixture();

interface IntegrityGlobals {
  shoalDemo: {
    engine: { peerId: string };
    integrityViolations: Array<{ peerId: string; segment: string; blockIndex: number }>;
    closedPeers: Array<{ peerId: string; code?: string }>;
  };
}

function integrityOf(page: Page): Promise<IntegrityGlobals['shoalDemo'] & { peerId: string }> {
  return page.evaluate(() => {
    const { shoalDemo } = globalThis as unknown as IntegrityGlobals;
    return { peerId: shoalDemo.engine.peerId, integrityViolations: shoalDemo.integrityViolations, closedPeers: shoalDemo.closedPeers, engine: { peerId: shoalDemo.engine.peerId } };
  });
}

test('a page corrupting every block it uploads: 3 honest live viewers get origin-identical bytes, drop it, never stall', { timeout: 240_000 }, async () => {
  // The liar joins first: it fetches the first segments from the origin, so the others ask it for them.
  const liar = await fixture.viewers.open('stream=liveTs&testCorruptUploads=1');
  const honest: Page[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
    honest.push(await fixture.viewers.open('stream=liveTs'));
  }
  const startTimes = await Promise.all(honest.map(currentTime));
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  const reports = await Promise.all(honest.map(readReport));
  const liarReport = await readReport(liar);
  console.log([reportLine('lying page', liarReport), ...reports.map((r, i) => reportLine(`honest page ${i}`, r))].join('\n'));

  const liarId = (await integrityOf(liar)).peerId;
  for (const [i, page] of honest.entries()) {
    const r = reports[i]!;
    const integrity = await integrityOf(page);
    console.log(`# honest page ${i}: ${integrity.integrityViolations.length} corrupt blocks caught, closed peers ${JSON.stringify(integrity.closedPeers)}`);
    assert.deepEqual(r.errors, [], `honest page ${i} had no error`);
    assert.equal(r.stalls, 0, `honest page ${i} never stalled`);
    assert.ok(r.currentTime > startTimes[i]! + (RUN_MS / 1000) * 0.8, `honest page ${i} played on (${startTimes[i]} → ${r.currentTime})`);
    assert.ok(integrity.integrityViolations.length > 0 && integrity.integrityViolations.every((v) => v.peerId === liarId), `honest page ${i} caught the liar`);
    assert.ok(integrity.closedPeers.some((c) => c.peerId === liarId && c.code === 'corrupt-data'), `honest page ${i} dropped the liar for corrupt data`);
    assert.ok(!integrity.closedPeers.some((c) => c.peerId !== liarId && c.code === 'corrupt-data'), `honest page ${i} dropped no honest peer`);
  }
  const checked = await assertPeerBytesMatchOrigin(reports);
  console.log(`# ${checked} segments from peers on the honest pages, all identical to the origin's`);
});
