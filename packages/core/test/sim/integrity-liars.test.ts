/**
 * Issue 16, origin-anchored integrity: real engines on the in-memory network, one of them a liar that
 * corrupts what it uploads, every engine configured with the stream's integrity manifest. Whatever the
 * liar does: `loadSegment` returns the origin's bytes (0 wrong bytes), never fails, the liar is dropped
 * with `corrupt-data`, `integrity:violation` names it, and it is never connected again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import type { FetchLike } from '../../src/http/http-fetcher';
import { integrityManifestOf, integritySegmentOf } from '../../src/integrity/manifest-builder';
import type { Segment } from '../../src/types';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import { flipOneByte, lyingTrackerClients, wrongBytes, type Corruption } from '../../sim/lying-peer';
import { jsonResponse } from './json-response';
import { sleepVirtual, waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 1_000_000;
const LINK = { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 };
const ORIGIN = { ttfbMs: 50, bandwidthBytesPerSec: 2_000_000 };
const MANIFEST_URL = 'sim://origin/vod/master.m3u8';
const SEGMENTS: Array<Segment & { durationSec: number; startTimeSec: number }> = [7, 8].map((id) => ({ renditionId: 'r', segmentId: id, url: `sim://origin/vod/${id}.ts`, durationSec: 2, startTimeSec: 30 + 2 * (id - 7) }));

interface Events {
  violations: Array<{ peerId: string; blockIndex: number }>;
  closedReasons: Map<string, string | undefined>;
  connects: Map<string, number>;
  failures: number;
}

/** The origin's fetch, also serving `{manifestUrl}.integrity.json` made with the publisher tool. */
function withManifest(origin: SimOrigin): FetchLike {
  return (url, init) => {
    if (!url.endsWith('.integrity.json')) return origin.fetch(url, init);
    return jsonResponse(integrityManifestOf(SEGMENTS.map((s) => integritySegmentOf(s.url.split('/').pop()!, origin.bytesOf(s.url)))));
  };
}

function setup(options: { names: string[]; liar: string; corrupt: Corruption; canConnect?: (a: number, b: number) => boolean }) {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ...ORIGIN, sizeOf: () => SEGMENT_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: LINK, ...(options.canConnect ? { canConnect: options.canConnect } : {}) });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const engines = new Map<string, ShoalEngine>();
  const events = new Map<string, Events>();
  for (const name of options.names) {
    const createTrackerClient = name === options.liar ? lyingTrackerClients(hub.createClient, options.corrupt) : hub.createClient;
    const engine = new ShoalEngine(
      // 4 blocks in flight per peer: a segment's 16 blocks are spread over every holder, the liar included.
      { trackerUrls: ['sim://tracker'], integrityManifestUrl: '{manifestUrl}.integrity.json', peerPipelineBlocks: 4 },
      // Peer ids are 40 lower-case hex chars (what trackers use): the name's char code, padded.
      { clock, fetch: withManifest(origin), createTrackerClient, peerId: name.charCodeAt(0).toString(16).padEnd(40, '0') },
    );
    const seen: Events = { violations: [], closedReasons: new Map(), connects: new Map(), failures: 0 };
    engine.on('integrity:violation', ({ peerId, blockIndex }) => seen.violations.push({ peerId, blockIndex }));
    engine.on('peer:closed', ({ peerId, reason }) => seen.closedReasons.set(peerId, reason?.code));
    engine.on('peer:connected', ({ peerId }) => seen.connects.set(peerId, (seen.connects.get(peerId) ?? 0) + 1));
    engine.on('segment:failed', () => seen.failures++);
    engine.setStreams({ manifestUrl: MANIFEST_URL, live: false, renditions: [{ id: 'r', metadata: {}, segments: SEGMENTS }] });
    // 30 s of buffer before the segments are needed: peers are preferred to the origin.
    engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 30, activeRenditions: [] });
    engines.set(name, engine);
    events.set(name, seen);
  }
  const peerIdOf = (name: string): string => engines.get(name)!.peerId;
  const destroy = (): void => {
    for (const engine of engines.values()) engine.destroy();
    stop();
  };
  return { clock, origin, engines, events, peerIdOf, destroy };
}

/** The victim dropped the liar for corrupt data, was told which block, and took it back no more. */
function assertLiarDropped(seen: Events, liarId: string): void {
  assert.ok(seen.violations.length > 0 && seen.violations.every((v) => v.peerId === liarId), `violations ${JSON.stringify(seen.violations)}`);
  assert.equal(seen.closedReasons.get(liarId), 'corrupt-data');
  assert.equal(seen.connects.get(liarId), 1, 'the liar was never connected again');
  assert.equal(seen.failures, 0, 'no load failed');
}

test('a liar flipping one byte per block: the victim gets the origin bytes, drops the liar, refuses it after', { timeout: 60_000 }, async () => {
  const sim = setup({ names: ['L', 'V'], liar: 'L', corrupt: flipOneByte });
  try {
    const [liar, victim] = [sim.engines.get('L')!, sim.engines.get('V')!];
    await waitVirtual(sim.clock, () => victim.stats().peerCount === 1);
    for (const segment of SEGMENTS) await liar.loadSegment(segment);
    await waitVirtual(sim.clock, () => victim.availability(SEGMENTS[0]!) > 0);
    for (const segment of SEGMENTS) {
      const result = await victim.loadSegment(segment);
      assert.deepEqual(result.bytes, sim.origin.bytesOf(segment.url), `segment ${segment.segmentId}: 0 wrong bytes`);
      assert.ok(!result.peerIds.includes(sim.peerIdOf('L')), 'no byte of the liar was used');
    }
    assertLiarDropped(sim.events.get('V')!, sim.peerIdOf('L'));
    assert.equal(victim.stats().p2pBytes, 0, 'no unverified byte counted');
    // Re-announces offer the liar again: it is refused each time.
    await sleepVirtual(sim.clock, 60_000);
    assert.equal(sim.events.get('V')!.connects.get(sim.peerIdOf('L')), 1);
    assert.equal(victim.stats().peerCount, 0);
  } finally {
    sim.destroy();
  }
});

test('a liar sending a whole wrong segment beside an honest holder: the rest comes from the honest peer, 0 wrong bytes', { timeout: 60_000 }, async () => {
  const sim = setup({ names: ['H', 'L', 'V'], liar: 'L', corrupt: wrongBytes });
  try {
    const [honest, liar, victim] = [sim.engines.get('H')!, sim.engines.get('L')!, sim.engines.get('V')!];
    await waitVirtual(sim.clock, () => victim.stats().peerCount === 2);
    const segment = SEGMENTS[0]!;
    await honest.loadSegment(segment);
    await liar.loadSegment(segment);
    await waitVirtual(sim.clock, () => victim.availability(segment) === 2);
    const httpRequestsBefore = sim.origin.requests.get(segment.url) ?? 0;
    const result = await victim.loadSegment(segment);
    assert.deepEqual(result.bytes, sim.origin.bytesOf(segment.url), '0 wrong bytes');
    assert.equal(result.source, 'p2p');
    assert.deepEqual(result.peerIds, [sim.peerIdOf('H')], 'only the honest peer delivered');
    assert.equal(sim.origin.requests.get(segment.url) ?? 0, httpRequestsBefore, 'the honest peer filled in: no origin request');
    assertLiarDropped(sim.events.get('V')!, sim.peerIdOf('L'));
    assert.equal(sim.events.get('V')!.closedReasons.has(sim.peerIdOf('H')), false, 'the honest peer stays');
  } finally {
    sim.destroy();
  }
});

test('a relay corrupting what it relays cut-through (A → L → C): C gets the origin bytes over HTTP Range, drops L', { timeout: 60_000 }, async () => {
  // Only neighbours in the chain connect: A–L and L–C.
  const sim = setup({ names: ['A', 'L', 'C'], liar: 'L', corrupt: flipOneByte, canConnect: (a, b) => Math.abs(a - b) === 1 });
  try {
    const [a, liar, c] = [sim.engines.get('A')!, sim.engines.get('L')!, sim.engines.get('C')!];
    await waitVirtual(sim.clock, () => a.stats().peerCount === 1 && c.stats().peerCount === 1);
    const segment = SEGMENTS[0]!;
    const loads = [
      a.loadSegment(segment),
      (async () => {
        await waitVirtual(sim.clock, () => liar.availability(segment, { includePartial: true }) > 0);
        return liar.loadSegment(segment);
      })(),
      (async () => {
        await waitVirtual(sim.clock, () => c.availability(segment, { includePartial: true }) > 0);
        return c.loadSegment(segment);
      })(),
    ];
    const [, relayed, victim] = await Promise.all(loads);
    const expected = sim.origin.bytesOf(segment.url);
    assert.deepEqual(relayed!.bytes, expected, 'the liar itself received good bytes from A');
    assert.equal(relayed!.source, 'p2p');
    assert.deepEqual(victim!.bytes, expected, '0 wrong bytes at the end of the chain');
    assert.ok(!victim!.peerIds.includes(sim.peerIdOf('L')));
    assertLiarDropped(sim.events.get('C')!, sim.peerIdOf('L'));
  } finally {
    sim.destroy();
  }
});

test('without an entry for a segment, it is fetched over HTTP only even when a peer holds it', { timeout: 60_000 }, async () => {
  const sim = setup({ names: ['H', 'V'], liar: 'none', corrupt: flipOneByte });
  try {
    const [honest, victim] = [sim.engines.get('H')!, sim.engines.get('V')!];
    await waitVirtual(sim.clock, () => victim.stats().peerCount === 1);
    const unlisted: Segment = { renditionId: 'r', segmentId: 9, url: 'sim://origin/vod/9.ts', durationSec: 2, startTimeSec: 34 };
    await honest.loadSegment(unlisted);
    await waitVirtual(sim.clock, () => victim.availability(unlisted) > 0);
    const result = await victim.loadSegment(unlisted);
    assert.equal(result.source, 'http');
    assert.deepEqual(result.bytes, sim.origin.bytesOf(unlisted.url));
    // And a listed one does come from the peer, verified.
    const listed = SEGMENTS[0]!;
    await honest.loadSegment(listed);
    await waitVirtual(sim.clock, () => victim.availability(listed) > 0);
    const fromPeer = await victim.loadSegment(listed);
    assert.equal(fromPeer.source, 'p2p');
    assert.deepEqual(fromPeer.bytes, sim.origin.bytesOf(listed.url));
  } finally {
    sim.destroy();
  }
});

test('origin bytes that contradict the manifest: refetched once (a glitch heals), then the load fails integrity-mismatch', { timeout: 60_000 }, async () => {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ...ORIGIN, sizeOf: () => SEGMENT_BYTES });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  let corruptResponses = 0;
  const manifestFetch = withManifest(origin);
  // A cache in front of the origin serving damaged copies: `corruptResponses` of them, one byte flipped.
  const fetch: FetchLike = async (url, init) => {
    const response = await manifestFetch(url, init);
    if (url.endsWith('.integrity.json') || corruptResponses === 0) return response;
    corruptResponses--;
    const reader = response.body!.getReader();
    let first = true;
    return {
      ...response,
      body: {
        getReader: () => ({
          read: async () => {
            const next = await reader.read();
            if (next.value && first) {
              first = false;
              const value = next.value.slice();
              value[0] = value[0]! ^ 1;
              return { done: false, value };
            }
            return next;
          },
          cancel: () => reader.cancel(),
        }),
      },
    };
  };
  const engine = new ShoalEngine({ trackerUrls: ['sim://tracker'], p2pEnabled: true, integrityManifestUrl: '{manifestUrl}.integrity.json' }, {
    clock,
    fetch,
    createTrackerClient: new MemoryTrackerHub({ clock, link: LINK }).createClient,
  });
  try {
    engine.setStreams({ manifestUrl: MANIFEST_URL, live: false, renditions: [{ id: 'r', metadata: {}, segments: SEGMENTS }] });
    await sleepVirtual(clock, 500);
    corruptResponses = 1;
    const healed = await engine.loadSegment(SEGMENTS[0]!);
    assert.deepEqual(healed.bytes, origin.bytesOf(SEGMENTS[0]!.url));
    assert.equal(origin.requests.get(SEGMENTS[0]!.url), 2, 'the whole segment, then the damaged block once more');
    corruptResponses = 2;
    await assert.rejects(engine.loadSegment(SEGMENTS[1]!), (error: { code?: string }) => error.code === 'integrity-mismatch');
  } finally {
    engine.destroy();
    stop();
  }
});
