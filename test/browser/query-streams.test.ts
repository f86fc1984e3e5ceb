/**
 * Issue 16, swarm identity in real Chromium: two live streams whose manifest URLs differ only in their query
 * string (`?channel=1`, `?channel=2`) are two swarms — no page of one connects to, or takes a byte from, a
 * page of the other — while two viewers of one channel with different per-viewer tokens (`&token=…`) are one
 * swarm and trade segments. Every segment that came from peers is byte-identical to the origin's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertPeerBytesMatchOrigin, readReport, reportLine, useDemoFixture } from './demo-pages';
import { waitUntil } from '../../packages/core/test/support/wait';

const RUN_MS = 30_000;
const JOIN_STAGGER_MS = 2_000;

const fixture = useDemoFixture();

interface SwarmGlobals {
  shoalDemo: { engine: { peerId: string; stats(): { swarmId: string | undefined } }; connectedPeers: string[] };
}

function swarmOf(page: Page): Promise<{ peerId: string; swarmId: string | undefined; connectedPeers: string[] }> {
  return page.evaluate(() => {
    const { shoalDemo } = globalThis as unknown as SwarmGlobals;
    return { peerId: shoalDemo.engine.peerId, swarmId: shoalDemo.engine.stats().swarmId, connectedPeers: [...shoalDemo.connectedPeers] };
  });
}

test('streams differing only in their query never share a swarm; per-viewer tokens do not split one', { timeout: 180_000 }, async () => {
  const queries = ['channel%3D1%26token%3Da', 'channel%3D2%26token%3Da', 'channel%3D1%26token%3Db', 'channel%3D2%26token%3Db'];
  const pages: Page[] = [];
  for (const streamQuery of queries) {
    pages.push(await fixture.viewers.open(`stream=liveTs&test=1&streamQuery=${streamQuery}`));
    await new Promise((resolve) => setTimeout(resolve, JOIN_STAGGER_MS));
  }
  const channelOf = (i: number): string => (i % 2 === 0 ? '1' : '2');
  // Each page's one same-channel partner connects (the two channels each form a pair).
  await waitUntil(async () => (await Promise.all(pages.map(swarmOf))).every((s) => s.connectedPeers.length > 0), 'every page to connect to a peer', 60_000);
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  const swarms = await Promise.all(pages.map(swarmOf));
  const reports = await Promise.all(pages.map(readReport));
  console.log(reports.map((r, i) => reportLine(`channel ${channelOf(i)} page ${i}`, r)).join('\n'));

  assert.equal(swarms[0]!.swarmId, swarms[2]!.swarmId, 'channel 1 with two tokens: one swarm');
  assert.equal(swarms[1]!.swarmId, swarms[3]!.swarmId, 'channel 2 with two tokens: one swarm');
  assert.notEqual(swarms[0]!.swarmId, swarms[1]!.swarmId, 'channel 1 and channel 2: two swarms');
  for (const [i, swarm] of swarms.entries()) {
    const sameChannel = swarms.filter((_, j) => j !== i && channelOf(j) === channelOf(i)).map((s) => s.peerId);
    assert.ok(swarm.connectedPeers.length > 0, `page ${i} connected`);
    assert.ok(swarm.connectedPeers.every((peerId) => sameChannel.includes(peerId)), `page ${i} (channel ${channelOf(i)}) connected only to its channel: ${JSON.stringify(swarm.connectedPeers)}`);
    assert.deepEqual(reports[i]!.errors, [], `page ${i} had no error`);
  }
  // The later joiner of each channel took segments from its partner.
  assert.ok(reports[2]!.p2pBytes > 0 && reports[3]!.p2pBytes > 0, 'the second page of each channel got bytes from peers');
  const checked = await assertPeerBytesMatchOrigin(reports);
  console.log(`# ${checked} segments from peers, all identical to the origin's`);
});
