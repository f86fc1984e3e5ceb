// Shoal's WebTorrentTrackerClient against @shoal/tracker (default limits), with the engine's TrackerClient
// contract suite: real WebRTC (node-datachannel). Run inside the network namespace:
// `sh scripts/netns-run.sh node scripts/run-tests.mjs packages/tracker`.
import { installNodeEndOfCandidatesFix } from '../../core/src/node';
import { createPeerId } from '../../core/src/swarm/swarm-identity';
import type { TrackerClient } from '../../core/src/tracker/tracker-client';
import { WebTorrentTrackerClient } from '../../core/src/tracker/webtorrent-tracker-client';
import { runTrackerClientContract } from '../../core/test/tracker-contract';
import { waitUntil } from '../../core/test/support/wait';
import { startQuietTracker } from './ws-test-client';

/** Nothing listens on port 1: connections are refused at once. */
const DEAD_TRACKER_URL = 'ws://127.0.0.1:1';
/** As core's contract run against bittorrent-tracker: unanswered offers close after this (ms). */
const OFFER_TIMEOUT_MS = 5_000;
/** Re-announce interval (ms), short as in a busy swarm; see core's webtorrent-tracker-client.contract.test.ts. */
const ANNOUNCE_INTERVAL_MS = 4_000;
/** Real time `settle` may take (ms): an offer's timeout plus a slow connection's close. */
const SETTLE_LIMIT_MS = OFFER_TIMEOUT_MS + 20_000;

runTrackerClientContract('WebTorrentTrackerClient, @shoal/tracker, node-datachannel', async () => {
  installNodeEndOfCandidatesFix();
  const tracker = await startQuietTracker();
  const clients = new Map<TrackerClient, WebTorrentTrackerClient>();
  return {
    createClient: ({ infoHashHex, wantedPeers, announceUrls }) => {
      const client = new WebTorrentTrackerClient({
        infoHashHex,
        wantedPeers,
        peerId: createPeerId(),
        announceUrls: announceUrls ?? [tracker.url],
        rtcConfig: { iceServers: [] },
        offerTimeoutMs: OFFER_TIMEOUT_MS,
        announceIntervalMs: ANNOUNCE_INTERVAL_MS,
      });
      clients.set(client, client);
      return client;
    },
    settle: (settling) =>
      waitUntil(
        () => settling.every((c) => c.swarmSize?.() !== undefined && clients.get(c)?.pendingConnectionCount === 0),
        'announces answered and no connection attempt in flight',
        SETTLE_LIMIT_MS,
      ),
    unreachableUrl: DEAD_TRACKER_URL,
    teardown: () => tracker.close(),
  };
});
