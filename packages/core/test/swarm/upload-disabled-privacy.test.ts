/**
 * Privacy of a viewer with `uploadEnabled: false`: it tells peers nothing of what it holds (no haveSet
 * content, no have, no lost), yet still downloads from peers. In-memory swarm, virtual clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import type { ShoalConfig } from '../../src/config';
import { ShoalEngine } from '../../src/engine';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';

function world() {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 5_000_000, sizeOf: () => 400_000 });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 5_000_000 } });
  const engines: ShoalEngine[] = [];
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engine = (config: Partial<ShoalConfig> = {}): ShoalEngine => {
    const created = new ShoalEngine({ trackerUrls: ['sim://tracker'], ...config }, { clock, fetch: origin.fetch, createTrackerClient: hub.createClient });
    created.setStreams({ manifestUrl: 'sim://origin/master.m3u8' });
    engines.push(created);
    return created;
  };
  const settle = async (rounds = 200): Promise<void> => {
    for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const close = (): void => {
    for (const e of engines) e.destroy();
    stop();
  };
  return { origin, engine, settle, close };
}

test('a viewer with uploads off announces none of its holdings, old or new', async () => {
  const { engine, settle, close } = world();
  try {
    const quiet = engine({ uploadEnabled: false });
    const before = { renditionId: 'r', segmentId: 1, url: 'sim://origin/1.ts' };
    await quiet.loadSegment(before); // held before any peer connects: would be in the haveSet
    const other = engine();
    while (other.stats().peerCount === 0) await settle(1);
    const after = { renditionId: 'r', segmentId: 2, url: 'sim://origin/2.ts' };
    await quiet.loadSegment(after); // held after: would be a have
    await settle();
    assert.equal(other.availability(before, { includePartial: true }), 0);
    assert.equal(other.availability(after, { includePartial: true }), 0);
  } finally {
    close();
  }
});

test('a viewer with uploads off still downloads from peers', async () => {
  const { engine, settle, close } = world();
  try {
    const holder = engine();
    const segment = { renditionId: 'r', segmentId: 3, url: 'sim://origin/3.ts' };
    await holder.loadSegment(segment);
    const quiet = engine({ uploadEnabled: false });
    while (quiet.availability(segment) === 0) await settle(1);
    const result = await quiet.loadSegment(segment);
    assert.ok(result.p2pBytes > 0, `bytes from the peer (${result.p2pBytes})`);
  } finally {
    close();
  }
});
