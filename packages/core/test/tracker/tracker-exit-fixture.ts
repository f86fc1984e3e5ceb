// Run by webtorrent-tracker-client.test.ts in a child process: connect two clients through a live
// tracker (and a dead one), destroy everything, and then simply end. If any socket, peer connection or
// timer survives `destroy()`, this process does not exit and the test fails on its timeout.
import { installNodeEndOfCandidatesFix } from '../../src/node';
import { createPeerId, infoHashFromSwarmId } from '../../src/swarm/swarm-identity';
import type { Transport } from '../../src/transport/transport';
import { WebTorrentTrackerClient } from '../../src/tracker/webtorrent-tracker-client';
import { startTestTracker, waitUntil } from './tracker-test-support';

installNodeEndOfCandidatesFix();
const tracker = await startTestTracker();
const infoHashHex = infoHashFromSwarmId('https://example.test/exit.m3u8');
const transports: Transport[] = [];
const clients = [1, 2].map((i) => {
  const client = new WebTorrentTrackerClient({
    infoHashHex,
    peerId: createPeerId(),
    announceUrls: [`${tracker.url}/exit-${i}`, 'ws://127.0.0.1:1'],
    rtcConfig: { iceServers: [] },
    offerTimeoutMs: 20_000,
    wantedPeers: 5,
    announceIntervalMs: 1_000,
  });
  client.on('peer', (transport) => transports.push(transport));
  client.on('warning', () => {});
  client.start();
  return client;
});
const startedMs = Date.now();
await waitUntil(() => transports.length >= 2, 'two transports', 15_000);
console.log(`connected in ${Date.now() - startedMs} ms`);
// Pending offers of the first client (nobody answered them) are still open here: destroy must close them.
for (const client of clients) {
  console.log(`pending connections at destroy: ${client.pendingConnectionCount}`);
  client.destroy();
}
for (const transport of transports) transport.destroy();
await tracker.close();
console.log('destroyed');
