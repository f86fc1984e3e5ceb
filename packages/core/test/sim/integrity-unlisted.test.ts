/**
 * A live segment the player asks for before any segment list reached the engine (Shaka computes live DASH
 * `SegmentTemplate` segments from the clock; its adapter re-reads the lists every 2 s), in strong mode:
 * the integrity manifest the engine holds has no entry for it yet. The ask itself fetches the manifest
 * again, and the segment comes from the peer that holds it, verified, instead of over HTTP (measured in
 * real Shaka viewers of live DASH: a third of their segments fell back to HTTP this way).
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
import { jsonResponse } from './json-response';
import { sleepVirtual, waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 200_000;
const MANIFEST_URL = 'sim://origin/live/manifest.mpd';
const segmentAt = (id: number): Segment & { durationSec: number; startTimeSec: number } => ({
  renditionId: 'video',
  segmentId: id,
  url: `sim://origin/live/chunk-${id}.m4s`,
  durationSec: 2,
  startTimeSec: 2 * id,
});

test('strong mode: a segment asked before any list named it is fetched from its holder, once the manifest is fetched again', { timeout: 60_000 }, async () => {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ttfbMs: 50, bandwidthBytesPerSec: 2_000_000, sizeOf: () => SEGMENT_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 } });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  /** Segment ids the live origin has published: its integrity manifest lists exactly these. */
  const published = [1];
  const manifestFetches = new Map<string, number>();
  const engines: ShoalEngine[] = [];
  const makeEngine = (name: string): ShoalEngine => {
    const fetch: FetchLike = (url, init) => {
      if (!url.endsWith('.integrity.json')) return origin.fetch(url, init);
      manifestFetches.set(name, (manifestFetches.get(name) ?? 0) + 1);
      return jsonResponse(integrityManifestOf(published.map((id) => integritySegmentOf(`chunk-${id}.m4s`, origin.bytesOf(segmentAt(id).url)))));
    };
    const engine = new ShoalEngine(
      { trackerUrls: ['sim://tracker'], integrityManifestUrl: '{manifestUrl}.integrity.json' },
      { clock, fetch, createTrackerClient: hub.createClient, peerId: name.charCodeAt(0).toString(16).padEnd(40, '0') },
    );
    engine.setStreams({ manifestUrl: MANIFEST_URL, live: true, renditions: [{ id: 'video', metadata: {}, segments: [segmentAt(1)] }] });
    // 10 s of buffer: peers are worth waiting for.
    engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 10, activeRenditions: ['video'] });
    engines.push(engine);
    return engine;
  };
  try {
    const holder = makeEngine('H');
    const viewer = makeEngine('V');
    await waitVirtual(clock, () => viewer.stats().peerCount === 1);
    await sleepVirtual(clock, 2_000); // both fetched the manifest (segment 1 only) long ago
    published.push(2);
    const fetchesBefore = manifestFetches.get('V') ?? 0;
    const segment = segmentAt(2); // in no list the engines were given
    await holder.loadSegment(segment);
    await waitVirtual(clock, () => viewer.availability(segment) > 0);
    const result = await viewer.loadSegment(segment);
    assert.deepEqual(result.bytes, origin.bytesOf(segment.url));
    assert.ok((manifestFetches.get('V') ?? 0) > fetchesBefore, 'the ask fetched the integrity manifest again');
    assert.equal(result.source, 'p2p', 'from the holder, not the origin');
    assert.equal(result.p2pBytes, SEGMENT_BYTES);
  } finally {
    for (const engine of engines) engine.destroy();
    stop();
  }
});
