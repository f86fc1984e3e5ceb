// The WebTorrent tracker client against the `TrackerClient` contract: a real bittorrent-tracker server on
// 127.0.0.1 per test and real WebRTC (node-datachannel). Run inside the network namespace:
// `sh scripts/netns-run.sh node scripts/run-tests.mjs webtorrent-tracker-client.contract`.
import { installNodeEndOfCandidatesFix } from '../../src/node';
import { createPeerId } from '../../src/swarm/swarm-identity';
import type { TrackerClient } from '../../src/tracker/tracker-client';
import { WebTorrentTrackerClient } from '../../src/tracker/webtorrent-tracker-client';
import { runTrackerClientContract } from '../tracker-contract';
import { startTestTracker, waitUntil } from './tracker-test-support';

/** Nothing listens on port 1: connections are refused at once. */
const DEAD_TRACKER_URL = 'ws://127.0.0.1:1';
/**
 * Unanswered offers close after this; `settle` waits for them. Long next to a connection's setup (~1 s,
 * several on a loaded machine), short enough that the tests waiting for stray offers stay brief.
 */
const OFFER_TIMEOUT_MS = 5_000;
/**
 * The periodic re-announce, short as in a busy swarm: it is how the real client retries a connection that
 * failed (node-datachannel now and then rejects an answer: "Got a remote candidate without ICE
 * transport"). Once a client is connected to everyone its tracker counts, it announces with no offers.
 */
const ANNOUNCE_INTERVAL_MS = 4_000;
/** Real time `settle` may take: an offer's timeout plus a slow connection's close. */
const SETTLE_LIMIT_MS = OFFER_TIMEOUT_MS + 20_000;

runTrackerClientContract('WebTorrentTrackerClient, real tracker server, node-datachannel', async () => {
  installNodeEndOfCandidatesFix();
  const tracker = await startTestTracker();
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
    // Answered by the tracker (it counted the swarm for it), and no offer or answer still connecting.
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
