// Real WebRTC through a real bittorrent-tracker server: run inside the network namespace,
// `sh scripts/netns-run.sh node scripts/run-tests.mjs tracker`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { installNodeEndOfCandidatesFix } from '../../src/node';
import type { ShoalError } from '../../src/errors';
import { createPeerId, infoHashFromSwarmId } from '../../src/swarm/swarm-identity';
import type { Transport } from '../../src/transport/transport';
import type { TrackerClientOptions } from '../../src/tracker/tracker-client';
import { DUPLICATE_RACE_WINDOW_MS, WebTorrentTrackerClient } from '../../src/tracker/webtorrent-tracker-client';
import { startTestTracker, waitUntil, type TestTracker } from './tracker-test-support';

/** Nothing listens on port 1: connections are refused at once. */
const DEAD_TRACKER_URL = 'ws://127.0.0.1:1';

interface Probe {
  client: WebTorrentTrackerClient;
  transports: Transport[];
  warnings: ShoalError[];
  /** Open transports by remote peer id. */
  open(): Map<string, Transport>;
}

function probe(options: Partial<TrackerClientOptions> & Pick<TrackerClientOptions, 'announceUrls' | 'infoHashHex'>): Probe {
  const client = new WebTorrentTrackerClient({
    peerId: createPeerId(),
    rtcConfig: { iceServers: [] },
    offerTimeoutMs: 10_000,
    wantedPeers: 5,
    announceIntervalMs: 5_000,
    ...options,
  });
  const transports: Transport[] = [];
  const warnings: ShoalError[] = [];
  client.on('peer', (transport) => transports.push(transport));
  client.on('warning', (warning) => warnings.push(warning));
  return {
    client,
    transports,
    warnings,
    open: () => new Map(transports.filter((t) => !t.closed).map((t) => [t.remotePeerId, t])),
  };
}

function cleanUp(probes: Probe[]): void {
  for (const p of probes) {
    p.client.destroy();
    for (const transport of p.transports) transport.destroy();
  }
}

function frameReceived(transport: Transport): Promise<Uint8Array> {
  return new Promise((resolve) => transport.once('frame', resolve));
}

let tracker: TestTracker;
let swarmCount = 0;
const freshInfoHash = (): string => infoHashFromSwarmId(`https://example.test/stream-${++swarmCount}.m3u8`);

before(async () => {
  installNodeEndOfCandidatesFix();
  tracker = await startTestTracker();
});
after(async () => {
  await tracker.close();
});

describe('WebTorrentTrackerClient', () => {
  it('connects three clients to each other, with a dead tracker alongside the live one', async () => {
    const infoHashHex = freshInfoHash();
    // One URL path per client: each gets its own WebSocket, like three browsers (the library shares one
    // socket per URL within a process).
    const probes = [1, 2, 3].map((i) =>
      probe({ infoHashHex, announceUrls: [`${tracker.url}/viewer-${i}`, DEAD_TRACKER_URL] }),
    );
    try {
      const startedMs = Date.now();
      for (const p of probes) p.client.start();
      await waitUntil(() => probes.every((p) => p.open().size === 2), 'a full mesh of 3 clients', 45_000);
      // The time is a figure, printed: on a loaded 2-core machine an assertion on it only flakes.
      console.log(`# full mesh of 3 clients after ${Date.now() - startedMs} ms`);

      for (const p of probes) {
        const others = probes.filter((o) => o !== p).map((o) => o.client.peerId);
        assert.deepEqual([...p.open().keys()].sort(), others.sort());
      }
      // The last to announce heard the tracker count all three (the earlier ones may have heard fewer).
      await waitUntil(() => probes.some((p) => p.client.swarmSize() === 3), 'a tracker count of 3', 5_000);
      for (const p of probes) assert.ok((p.client.swarmSize() ?? 0) >= 1, `swarmSize ${p.client.swarmSize()}`);
      // Frames pass through every connection, both ways.
      for (const p of probes) {
        for (const [remotePeerId, transport] of p.open()) {
          const remote = probes.find((o) => o.client.peerId === remotePeerId)!;
          const back = remote.open().get(p.client.peerId)!;
          const received = frameReceived(back);
          transport.send(new TextEncoder().encode(`${p.client.peerId}->${remotePeerId}`));
          assert.equal(new TextDecoder().decode(await received), `${p.client.peerId}->${remotePeerId}`);
        }
      }
      await waitUntil(() => probes.every((p) => p.warnings.length > 0), 'warnings from the dead tracker', 5_000);
      for (const p of probes) {
        assert.ok(p.warnings.every((w) => w.code === 'tracker-warning' && w.source === 'tracker' && !w.fatal));
      }
    } finally {
      cleanUp(probes);
    }
  });

  it('meshes four clients of one swarm that share a tracker URL in one process', async () => {
    // The library would put all four on one WebSocket, where every offer reaches every client.
    const infoHashHex = freshInfoHash();
    const probes = [1, 2, 3, 4].map(() => probe({ infoHashHex, announceUrls: [tracker.url] }));
    try {
      const startedMs = Date.now();
      for (const p of probes) p.client.start();
      await waitUntil(() => probes.every((p) => p.open().size === 3), 'a full mesh of 4 clients', 45_000);
      console.log(`# full mesh of 4 clients on one URL after ${Date.now() - startedMs} ms`);
    } finally {
      cleanUp(probes);
    }
  });

  it('keeps one transport per peer pair while re-announces keep making duplicate connections', async () => {
    const infoHashHex = freshInfoHash();
    // Each re-announce (5 offers each) offers to the peer already connected, making a second connection;
    // after DUPLICATE_RACE_WINDOW_MS it must be closed and the established transport kept, on both sides.
    const announceIntervalMs = DUPLICATE_RACE_WINDOW_MS + 1_000;
    const probes = [1, 2].map(() => probe({ infoHashHex, announceUrls: [tracker.url], announceIntervalMs }));
    try {
      for (const p of probes) p.client.start();
      await waitUntil(() => probes.every((p) => p.open().size === 1), 'a connected pair', 45_000);
      const established = probes.map((p) => [...p.open().values()][0]!);
      await new Promise((resolve) => setTimeout(resolve, announceIntervalMs + 2_000));
      for (const [i, p] of probes.entries()) {
        const open = p.transports.filter((t) => !t.closed);
        assert.deepEqual(open, [established[i]], 'only the established transport is open');
      }
      const received = frameReceived(established[1]!);
      established[0]!.send(new Uint8Array([1, 2, 3]));
      assert.deepEqual([...(await received)], [1, 2, 3]);
    } finally {
      cleanUp(probes);
    }
  });

  it('with only a dead tracker: warnings, no throw, destroy is clean', async () => {
    const p = probe({ infoHashHex: freshInfoHash(), announceUrls: [DEAD_TRACKER_URL, 'ws://not a host', 'http://x.test/announce'] });
    try {
      p.client.start();
      await waitUntil(() => p.warnings.length >= 3, 'three warnings', 5_000);
      assert.ok(p.warnings.some((w) => /ECONNREFUSED|connect/i.test(w.message)), p.warnings.map((w) => w.message).join());
      p.client.setWantedPeers(3);
    } finally {
      cleanUp([p]);
    }
    p.client.destroy(); // idempotent
  });

  it('closes offers nobody answers after offerTimeoutMs', async () => {
    const p = probe({ infoHashHex: freshInfoHash(), announceUrls: [tracker.url], offerTimeoutMs: 500, wantedPeers: 3 });
    try {
      p.client.start();
      await waitUntil(() => p.client.pendingConnectionCount === 3, 'three offers', 5_000);
      const madeMs = Date.now();
      await waitUntil(() => p.client.pendingConnectionCount === 0, 'offers closed', 5_000);
      const closedAfterMs = Date.now() - madeMs;
      assert.ok(closedAfterMs < 1_500, `closed after ${closedAfterMs} ms`);
    } finally {
      cleanUp([p]);
    }
  });

  it('setWantedPeers(0) closes pending offers and makes no new ones', async () => {
    const infoHashHex = freshInfoHash();
    const a = probe({ infoHashHex, announceUrls: [`${tracker.url}/a`], wantedPeers: 3 });
    const b = probe({ infoHashHex, announceUrls: [`${tracker.url}/b`], wantedPeers: 0 });
    try {
      a.client.start();
      await waitUntil(() => a.client.pendingConnectionCount === 3, 'three offers', 5_000);
      // Right after the offers were created, before they were sent: they close once sent, and the
      // announce that carries them still goes out (b below can only reach a if a is registered).
      a.client.setWantedPeers(0);
      await waitUntil(() => a.client.pendingConnectionCount === 0, 'offers closed', 2_000);
      b.client.start();
      // Neither makes offers, so nobody connects.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      assert.equal(a.transports.length + b.transports.length, 0);
      assert.equal(a.client.pendingConnectionCount + b.client.pendingConnectionCount, 0);
      // Wanting peers again re-announces with offers; `a` answers and they connect.
      b.client.setWantedPeers(2);
      await waitUntil(() => a.open().size === 1 && b.open().size === 1, 'a and b connected', 45_000);
    } finally {
      cleanUp([a, b]);
    }
  });

  it('rate-limits announces when the wanted count keeps rising', async () => {
    const infoHashHex = freshInfoHash();
    const p = probe({ infoHashHex, announceUrls: [tracker.url], wantedPeers: 0 });
    try {
      p.client.start();
      await waitUntil(() => tracker.announces(infoHashHex) === 1, 'the start announce', 5_000);
      for (let count = 1; count <= 5; count++) p.client.setWantedPeers(count);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(tracker.announces(infoHashHex), 1, 'no announce within MIN_ANNOUNCE_GAP_MS of start');
      await waitUntil(() => tracker.announces(infoHashHex) === 2, 'the coalesced announce', 5_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(tracker.announces(infoHashHex), 2, 'five rising wanted counts made one announce');
      // Alone in its swarm, it makes no offers: they would reach nobody.
      assert.equal(p.client.pendingConnectionCount, 0);
    } finally {
      cleanUp([p]);
    }
  });

  it('leaves nothing running after destroy: the process exits on its own', () => {
    const fixture = fileURLToPath(new URL('./tracker-exit-fixture.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.signal, null, `fixture did not exit by itself: ${result.stdout}${result.stderr}`);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /connected/);
    console.log(`# ${result.stdout.trim().split('\n').join('; ')}`);
  });
});
