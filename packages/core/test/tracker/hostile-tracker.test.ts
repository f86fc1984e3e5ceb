// A raw `ws` WebSocket server scripted to send hostile tracker messages to a real WebTorrentTrackerClient:
// network tier, run inside the network namespace,
// `sh scripts/netns-run.sh node scripts/run-tests.mjs hostile-tracker`.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocketServer, type WebSocket } from 'ws';

import type { ShoalError } from '../../src/errors';
import { installNodeEndOfCandidatesFix } from '../../src/node';
import { createPeerId, infoHashFromSwarmId } from '../../src/swarm/swarm-identity';
import { MAX_PENDING_ANSWERS, WebTorrentTrackerClient } from '../../src/tracker/webtorrent-tracker-client';
import { waitUntil } from './tracker-test-support';

interface Hostile {
  url: string;
  sockets: WebSocket[];
  /** Announces received, over all sockets. */
  announces: Array<Record<string, unknown>>;
  closedByClient: number;
  close(): Promise<void>;
}

async function startHostileTracker(): Promise<Hostile> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const hostile: Hostile = {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets: [],
    announces: [],
    closedByClient: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of hostile.sockets) socket.terminate();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (socket) => {
    hostile.sockets.push(socket);
    socket.on('message', (data) => hostile.announces.push(JSON.parse(String(data)) as Record<string, unknown>));
    socket.on('close', () => hostile.closedByClient++);
  });
  return hostile;
}

/** A real SDP offer (no candidates: enough for the client to start answering it). */
async function realOfferSdp(): Promise<string> {
  const connection = new RTCPeerConnection();
  connection.createDataChannel('probe');
  const offer = await connection.createOffer();
  connection.close();
  return offer.sdp ?? '';
}

const binary = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1');

let swarmCount = 0;
function startClient(url: string): { client: WebTorrentTrackerClient; warnings: ShoalError[]; infoHashHex: string } {
  const infoHashHex = infoHashFromSwarmId(`https://example.test/hostile-${++swarmCount}.m3u8`);
  const client = new WebTorrentTrackerClient({
    infoHashHex,
    peerId: createPeerId(),
    announceUrls: [url],
    rtcConfig: { iceServers: [] },
    offerTimeoutMs: 10_000,
    wantedPeers: 0,
    announceIntervalMs: 60_000,
  });
  const warnings: ShoalError[] = [];
  client.on('warning', (warning) => warnings.push(warning));
  client.start();
  return { client, warnings, infoHashHex };
}

describe('WebTorrentTrackerClient against a hostile tracker', () => {
  let hostile: Hostile;
  before(async () => {
    installNodeEndOfCandidatesFix();
    hostile = await startHostileTracker();
  });
  after(() => hostile.close());

  it('ignores unknown actions, non-JSON, odd peer ids and a tiny interval with warnings, keeping its socket', async () => {
    const { client, warnings, infoHashHex } = startClient(hostile.url);
    try {
      await waitUntil(() => hostile.announces.length > 0, 'the first announce');
      const socket = hostile.sockets.at(-1)!;
      const infoHash = binary(infoHashHex);
      const closedBefore = hostile.closedByClient;
      socket.send(JSON.stringify({ action: 'bogus' }));
      socket.send('not json {');
      socket.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: 12345, offer_id: 6, offer: { type: 'offer', sdp: 'v=0' } }));
      socket.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: 12345, answer: { type: 'answer', sdp: 'v=0' } }));
      socket.send(JSON.stringify({ action: 'announce', info_hash: infoHash, interval: 0.001, complete: 'many' }));
      await waitUntil(() => warnings.length >= 5, 'five tracker-warnings');
      assert.ok(warnings.every((warning) => warning.code === 'tracker-warning'));
      assert.match(warnings.map((w) => w.message).join('\n'), /unknown action[\s\S]*not JSON[\s\S]*peer_id[\s\S]*interval/);
      const announcesBefore = hostile.announces.length;
      // With the library's reading of interval 0.001, this wait alone would see hundreds of announces.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.ok(hostile.announces.length - announcesBefore <= 1, `${hostile.announces.length - announcesBefore} announces`);
      assert.equal(hostile.closedByClient, closedBefore, 'the socket stayed up');
      assert.equal(socket.readyState, socket.OPEN);
    } finally {
      client.destroy();
    }
  });

  it(`answers at most ${MAX_PENDING_ANSWERS} remote offers at once; the rest are dropped with a warning`, async () => {
    const { client, warnings, infoHashHex } = startClient(hostile.url);
    try {
      const announced = hostile.announces.length;
      await waitUntil(() => hostile.announces.length > announced, 'the first announce');
      const socket = hostile.sockets.at(-1)!;
      const sdp = await realOfferSdp();
      for (let i = 0; i < 40; i++) {
        socket.send(
          JSON.stringify({
            action: 'announce',
            info_hash: binary(infoHashHex),
            peer_id: binary(createPeerId()),
            offer_id: binary(createPeerId()),
            offer: { type: 'offer', sdp },
          }),
        );
      }
      await waitUntil(() => warnings.filter((w) => /too many/.test(w.message)).length >= 40 - MAX_PENDING_ANSWERS, 'the offers beyond the cap dropped');
      assert.ok(client.pendingConnectionCount <= MAX_PENDING_ANSWERS, `${client.pendingConnectionCount} pending`);
    } finally {
      client.destroy();
    }
  });

  it('reconnects within seconds when the tracker drops its socket (not the library 10 s to 5 min)', async () => {
    const { client } = startClient(hostile.url);
    try {
      const sockets = hostile.sockets.length;
      await waitUntil(() => hostile.sockets.length > sockets, 'the first connection');
      hostile.sockets.at(-1)!.terminate();
      await waitUntil(() => hostile.sockets.length > sockets + 1, 'the reconnection', 8_000);
    } finally {
      client.destroy();
    }
  });
});
