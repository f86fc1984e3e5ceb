/**
 * Issue 2, tests 3–7: a real swarm in Node. A bittorrent-tracker server on loopback, a real HTTP origin,
 * engines that find each other through the tracker and trade segments over node-datachannel.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalEngine, WebTorrentTrackerClient, createPeerId, infoHashFromSwarmId, type Segment, type Transport } from '@shoal/core';
import { installNodeEndOfCandidatesFix } from '../packages/core/src/node';
import { startOrigin, sha256, type TestOrigin } from './support/origin';
import { startTracker, type TestTracker } from './support/tracker-server';
import { waitUntil } from '../packages/core/test/support/wait';

installNodeEndOfCandidatesFix();

const RENDITION = 'r-test';
let origin: TestOrigin;
let tracker: TestTracker;
let engines: ShoalEngine[] = [];
let streamNumber = 0;

before(async () => {
  origin = await startOrigin({ sizeOf: (name) => (name.startsWith('big') ? 2 * 1024 * 1024 : 600 * 1024) });
  tracker = await startTracker();
});
after(async () => {
  await tracker.close();
  await origin.close();
});
afterEach(() => {
  for (const engine of engines) engine.destroy();
  engines = [];
});

/** `count` engines in one fresh swarm, connected to each other. */
async function swarmOf(count: number, trackerUrls = [tracker.url]): Promise<{ engines: ShoalEngine[]; manifestUrl: string }> {
  const manifestUrl = `${origin.baseUrl}/stream-${++streamNumber}/master.m3u8?token=${Math.random()}`;
  const created: ShoalEngine[] = [];
  for (let i = 0; i < count; i++) {
    const engine = new ShoalEngine({ trackerUrls, rtcConfig: { iceServers: [] }, announceIntervalMs: 1_000 });
    engine.on('tracker:warning', () => {});
    engine.setStreams({ manifestUrl });
    created.push(engine);
    engines.push(engine);
  }
  await waitUntil(() => created.every((e) => e.stats().peerCount === count - 1), `${count} engines to connect`, 30_000);
  return { engines: created, manifestUrl };
}

function segment(name: string, segmentId: number): Segment {
  return { renditionId: RENDITION, segmentId, url: `${origin.baseUrl}/seg/${name}.bin` };
}

describe('a real swarm over a bittorrent-tracker server and node-datachannel', { timeout: 90_000 }, () => {
  test('a segment one engine fetched over HTTP reaches the other three over P2P, byte-identical', async () => {
    const { engines: [a, ...others] } = await swarmOf(4);
    const seg = segment('first', 1);
    const fromHttp = await a!.loadSegment(seg);
    assert.equal(fromHttp.source, 'http');
    const expected = sha256(origin.bytesOf('first'));
    assert.equal(sha256(fromHttp.bytes), expected);
    for (const engine of others) {
      await waitUntil(() => engine.availability(seg) > 0, 'the have to arrive');
      const result = await engine.loadSegment(seg);
      assert.equal(result.source, 'p2p');
      assert.equal(sha256(result.bytes), expected);
      assert.equal(engine.stats().httpBytes, 0);
    }
    assert.equal(origin.requests.get('/seg/first.bin'), 1, 'the origin served the segment once');
  });

  test('one segment is assembled from blocks served by two different peers', async () => {
    const { engines: [a, b, c] } = await swarmOf(3);
    const seg = segment('big-two-peers', 7);
    await a!.loadSegment(seg);
    await waitUntil(() => b!.availability(seg) > 0, 'b to learn a has it');
    await b!.loadSegment(seg);
    await waitUntil(() => c!.availability(seg) === 2, 'c to learn both have it');
    const uploadedBefore = [a!.stats().uploadedBytes, b!.stats().uploadedBytes];
    const result = await c!.loadSegment(seg);
    assert.equal(result.source, 'p2p');
    assert.equal(sha256(result.bytes), sha256(origin.bytesOf('big-two-peers')));
    assert.deepEqual(new Set(result.peerIds), new Set([a!.peerId, b!.peerId]));
    assert.ok(a!.stats().uploadedBytes > uploadedBefore[0]!, 'a served blocks');
    assert.ok(b!.stats().uploadedBytes > uploadedBefore[1]!, 'b served blocks');
  });

  test('a serving peer destroyed mid-segment: the rest comes from another peer, bytes identical, delivered once', async () => {
    const { engines: [a, b, c] } = await swarmOf(3);
    const seg = segment('big-vanish', 9);
    await a!.loadSegment(seg);
    await waitUntil(() => b!.availability(seg) > 0, 'b to learn a has it');
    await b!.loadSegment(seg);
    await waitUntil(() => c!.availability(seg) === 2, 'c to learn both have it');
    let bUploads = 0;
    b!.on('bytes:uploaded', () => {
      if (++bUploads === 1) b!.destroy();
    });
    let loadedEvents = 0;
    c!.on('segment:loaded', () => loadedEvents++);
    const result = await c!.loadSegment(seg);
    assert.equal(bUploads >= 1, true, 'b served at least one block before vanishing');
    assert.equal(sha256(result.bytes), sha256(origin.bytesOf('big-vanish')));
    assert.equal(result.source, 'p2p', 'completed from the remaining peer, not HTTP');
    assert.equal(c!.stats().httpBytes, 0);
    assert.equal(loadedEvents, 1);
    assert.equal(result.p2pBytes, result.sizeBytes, 'every block delivered and counted once');
    assert.ok(result.peerIds.includes(a!.peerId));
  });

  test('a peer that sends garbage is dropped; the others keep trading', async () => {
    const { engines: [a, b], manifestUrl } = await swarmOf(2);
    // A rogue: a raw tracker client in the same swarm that answers every connection with garbage.
    const roguePeerId = createPeerId();
    const rogue = new WebTorrentTrackerClient({
      infoHashHex: infoHashFromSwarmId(a!.stats().swarmId!),
      peerId: roguePeerId,
      announceUrls: [tracker.url],
      rtcConfig: { iceServers: [] },
      offerTimeoutMs: 10_000,
      wantedPeers: 5,
      announceIntervalMs: 1_000,
    });
    const rogueTransports: Transport[] = [];
    rogue.on('warning', () => {});
    rogue.on('peer', (transport) => {
      rogueTransports.push(transport);
      transport.send(new Uint8Array([0x05, 1, 2])); // a truncated `data` frame
    });
    const dropped = new Set<string>(); // the rogue reconnects after a drop: count engines, not drops
    for (const engine of [a!, b!]) {
      engine.on('peer:closed', ({ peerId, reason }) => {
        if (peerId === roguePeerId && reason?.code === 'peer-protocol') dropped.add(engine.peerId);
      });
    }
    rogue.start();
    try {
      await waitUntil(() => dropped.size === 2, 'both engines to drop the rogue', 45_000);
      assert.equal(manifestUrl.length > 0, true);
      const seg = segment('after-rogue', 3);
      await a!.loadSegment(seg);
      await waitUntil(() => b!.availability(seg) > 0, 'b to learn a has it');
      const result = await b!.loadSegment(seg);
      assert.equal(result.source, 'p2p');
      assert.equal(sha256(result.bytes), sha256(origin.bytesOf('after-rogue')));
      assert.equal(a!.stats().peerCount, 1);
    } finally {
      rogue.destroy();
    }
  });

  test('with the tracker gone, loadSegment still completes over HTTP', async () => {
    const deadTracker = await startTracker();
    const url = deadTracker.url;
    await deadTracker.close();
    const engine = new ShoalEngine({ trackerUrls: [url], rtcConfig: { iceServers: [] } });
    engines.push(engine);
    const warnings: string[] = [];
    engine.on('tracker:warning', ({ error }) => warnings.push(error.code));
    engine.setStreams({ manifestUrl: `${origin.baseUrl}/alone/master.m3u8` });
    const result = await engine.loadSegment(segment('alone', 1));
    assert.equal(result.source, 'http');
    assert.equal(sha256(result.bytes), sha256(origin.bytesOf('alone')));
    await waitUntil(() => warnings.length > 0, 'a tracker warning');
    assert.ok(warnings.every((code) => code === 'tracker-warning'));
  });
});
