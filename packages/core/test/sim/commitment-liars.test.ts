/**
 * Issue 16, requirement 2: no integrity manifest, real engines on the in-memory network. Holders commit
 * to each complete segment's SHA-256 in their `have`; a receiver checks what it assembled from peers
 * against those commitments. A liar committing honestly while sending wrong bytes is caught and dropped;
 * a liar whose commitment matches its wrong bytes is caught when an honest holder's commitment conflicts,
 * and alone it is not (the documented limit of this mode) — until the player rejects the segment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import type { SegmentKey, Segment } from '../../src/types';
import { BLOCK_BYTES } from '../../src/wire/messages';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { SimOrigin } from '../../sim/sim-origin';
import { consistentLyingTrackerClients, flipOneByte, lyingTrackerClients, wrongBytes } from '../../sim/lying-peer';
import { waitVirtual } from './virtual-wait';

const SEGMENT_BYTES = 1_000_000;
const LINK = { latencyMs: 10, bandwidthBytesPerSec: 4_000_000 };
const ORIGIN = { ttfbMs: 50, bandwidthBytesPerSec: 2_000_000 };
const MANIFEST_URL = 'sim://origin/vod/master.m3u8';
const SEGMENTS: Array<Segment & { durationSec: number; startTimeSec: number }> = [7, 8].map((id) => ({ renditionId: 'r', segmentId: id, url: `sim://origin/vod/${id}.ts`, durationSec: 2, startTimeSec: 30 + 2 * (id - 7) }));

/** What a peer corrupting every block with `wrongBytes` serves for a whole segment (one block a `data`). */
function wrongSegment(sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  for (let start = 0; start < sizeBytes; start += BLOCK_BYTES) wrongBytes(bytes.subarray(start, Math.min(sizeBytes, start + BLOCK_BYTES)));
  return bytes;
}

const sha256Base64 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

interface Seen {
  violations: Array<{ peerId: string; blockIndex: number }>;
  suspects: Array<{ key: SegmentKey; peerIds: string[]; reason: string }>;
  closedReasons: Map<string, string | undefined>;
  failures: number;
}

type LiarKind = 'flip-honest-commitment' | 'consistent';

function setup(options: { names: string[]; liar: string; kind: LiarKind }) {
  const clock = new VirtualClock();
  const origin = new SimOrigin({ clock, ...ORIGIN, sizeOf: () => SEGMENT_BYTES });
  const hub = new MemoryTrackerHub({ clock, link: LINK });
  const stop = clock.autoAdvance({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
  const lieCommitment = sha256Base64(wrongSegment(SEGMENT_BYTES));
  const engines = new Map<string, ShoalEngine>();
  const seen = new Map<string, Seen>();
  for (const name of options.names) {
    const createTrackerClient =
      name !== options.liar
        ? hub.createClient
        : options.kind === 'consistent'
          ? consistentLyingTrackerClients(hub.createClient, wrongBytes, () => lieCommitment)
          : lyingTrackerClients(hub.createClient, flipOneByte);
    // No integrityManifestUrl: the commitment mode. 4 blocks in flight per peer spread a segment over holders.
    const engine = new ShoalEngine({ trackerUrls: ['sim://tracker'], peerPipelineBlocks: 4 }, { clock, fetch: origin.fetch, createTrackerClient, peerId: name.charCodeAt(0).toString(16).padEnd(40, '0') });
    const events: Seen = { violations: [], suspects: [], closedReasons: new Map(), failures: 0 };
    engine.on('integrity:violation', ({ peerId, blockIndex }) => events.violations.push({ peerId, blockIndex }));
    engine.on('integrity:suspect', (event) => events.suspects.push(event));
    engine.on('peer:closed', ({ peerId, reason }) => events.closedReasons.set(peerId, reason?.code));
    engine.on('segment:failed', () => events.failures++);
    engine.setStreams({ manifestUrl: MANIFEST_URL, live: false, renditions: [{ id: 'r', metadata: {}, segments: SEGMENTS }] });
    engine.setPlayback({ positionSec: 0, rate: 1, bufferedUntilSec: 30, activeRenditions: [] });
    engines.set(name, engine);
    seen.set(name, events);
  }
  const peerIdOf = (name: string): string => engines.get(name)!.peerId;
  const destroy = (): void => {
    for (const engine of engines.values()) engine.destroy();
    stop();
  };
  return { clock, origin, engines, seen, peerIdOf, destroy };
}

test('a liar committing to the true hash but flipping bytes: 0 wrong bytes, no failure, the liar dropped (proven alone)', { timeout: 60_000 }, async () => {
  const sim = setup({ names: ['L', 'V'], liar: 'L', kind: 'flip-honest-commitment' });
  try {
    const [liar, victim] = [sim.engines.get('L')!, sim.engines.get('V')!];
    await waitVirtual(sim.clock, () => victim.stats().peerCount === 1);
    const segment = SEGMENTS[0]!;
    await liar.loadSegment(segment);
    await waitVirtual(sim.clock, () => victim.availability(segment) > 0);
    const result = await victim.loadSegment(segment);
    assert.deepEqual(result.bytes, sim.origin.bytesOf(segment.url), '0 wrong bytes');
    assert.equal(result.source, 'http', 'the rejected peer copy was replaced by the origin’s');
    const events = sim.seen.get('V')!;
    assert.deepEqual(events.violations, [{ peerId: sim.peerIdOf('L'), blockIndex: -1 }]);
    assert.deepEqual(events.suspects.map((s) => s.reason), ['commitment-mismatch']);
    assert.equal(events.closedReasons.get(sim.peerIdOf('L')), 'corrupt-data');
    assert.equal(events.failures, 0);
    // The victim stored the origin's copy and commits to its true hash.
    assert.deepEqual(await victim.loadSegment(segment).then((r) => r.bytes), sim.origin.bytesOf(segment.url));
  } finally {
    sim.destroy();
  }
});

test('a consistent liar beside an honest holder: the commitments conflict, the origin settles it, the liar is dropped', { timeout: 60_000 }, async () => {
  const sim = setup({ names: ['H', 'L', 'V'], liar: 'L', kind: 'consistent' });
  try {
    const [honest, liar, victim] = [sim.engines.get('H')!, sim.engines.get('L')!, sim.engines.get('V')!];
    await waitVirtual(sim.clock, () => victim.stats().peerCount === 2);
    const segment = SEGMENTS[0]!;
    await honest.loadSegment(segment);
    await liar.loadSegment(segment);
    await waitVirtual(sim.clock, () => victim.availability(segment) === 2);
    const result = await victim.loadSegment(segment);
    assert.deepEqual(result.bytes, sim.origin.bytesOf(segment.url), '0 wrong bytes');
    assert.equal(result.source, 'http');
    const events = sim.seen.get('V')!;
    assert.deepEqual(events.suspects.map((s) => s.reason), ['commitment-conflict']);
    assert.deepEqual(events.violations, [{ peerId: sim.peerIdOf('L'), blockIndex: -1 }], 'the origin’s digest proved the liar');
    assert.equal(events.closedReasons.get(sim.peerIdOf('L')), 'corrupt-data');
    assert.equal(events.closedReasons.has(sim.peerIdOf('H')), false, 'the honest holder stays connected');
    assert.equal(events.failures, 0);
  } finally {
    sim.destroy();
  }
});

test('a consistent liar alone is undetectable without a manifest; the player’s rejection sends the segment to HTTP and puts the liar on probation', { timeout: 60_000 }, async () => {
  const sim = setup({ names: ['L', 'V'], liar: 'L', kind: 'consistent' });
  try {
    const [liar, victim] = [sim.engines.get('L')!, sim.engines.get('V')!];
    await waitVirtual(sim.clock, () => victim.stats().peerCount === 1);
    const [segment, next] = [SEGMENTS[0]!, SEGMENTS[1]!];
    await liar.loadSegment(segment);
    await waitVirtual(sim.clock, () => victim.availability(segment) > 0);
    const fooled = await victim.loadSegment(segment);
    // The documented limit: one holder, one commitment, bytes matching it — nothing to compare against.
    assert.deepEqual(fooled.bytes, wrongSegment(SEGMENT_BYTES), 'the liar’s bytes pass their own commitment');
    assert.equal(fooled.source, 'p2p');
    const events = sim.seen.get('V')!;
    assert.deepEqual(events.suspects, []);
    // The player refuses them (hls.js FRAG_PARSING_ERROR): the copy is dropped and the next load is the origin's.
    assert.equal(victim.reportRejected(segment), true);
    assert.deepEqual(events.suspects, [{ key: { renditionId: 'r', segmentId: segment.segmentId }, peerIds: [sim.peerIdOf('L')], reason: 'player-rejected' }]);
    const again = await victim.loadSegment(segment);
    assert.deepEqual(again.bytes, sim.origin.bytesOf(segment.url));
    assert.equal(again.source, 'http');
    assert.equal(victim.reportRejected(segment), false, 'an origin copy is not charged to peers');
    // On probation the liar may still serve, alone: its next copy is again only as good as its commitment.
    await liar.loadSegment(next);
    await waitVirtual(sim.clock, () => victim.availability(next) > 0);
    const alone = await victim.loadSegment(next);
    assert.deepEqual(alone.peerIds, [sim.peerIdOf('L')]);
    assert.equal(events.failures, 0);
  } finally {
    sim.destroy();
  }
});
