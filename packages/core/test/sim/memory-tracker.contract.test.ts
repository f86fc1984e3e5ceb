/**
 * The simulator's tracker hub, the one fake tracker of the tests, against the `TrackerClient` contract:
 * on an auto-advanced virtual clock with a simulated link (as the simulator runs it), and on the system
 * clock with the default instant link (as the karma specs run it).
 */
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { createPeerId } from '../../src/swarm/swarm-identity';
import { MemoryTrackerHub } from '../../sim/memory-tracker';
import { runTrackerClientContract, type TrackerHarness } from '../tracker-contract';

const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function harnessOf(hub: MemoryTrackerHub, teardown?: () => void): TrackerHarness {
  return {
    createClient: ({ infoHashHex, wantedPeers }) =>
      hub.createClient({
        infoHashHex,
        wantedPeers,
        peerId: createPeerId(),
        announceUrls: ['sim://tracker'],
        offerTimeoutMs: 10_000,
        announceIntervalMs: 30_000,
      }),
    // Connections are made at once, inside start() and setWantedPeers(): nothing is ever in flight.
    settle: async () => {},
    ...(teardown ? { teardown } : {}),
  };
}

runTrackerClientContract('memory tracker hub, auto-advanced virtual clock, 40 ms links', async () => {
  const clock = new VirtualClock();
  const stop = clock.autoAdvance({ yieldToHost });
  const hub = new MemoryTrackerHub({ clock, link: { latencyMs: 40, bandwidthBytesPerSec: 8 * 1024 * 1024 } });
  return harnessOf(hub, () => {
    stop();
    assert.equal(clock.pendingTimers, 0, 'timers left after every client and transport was destroyed');
  });
});

runTrackerClientContract('memory tracker hub, system clock, default link (the karma specs’)', async () => harnessOf(new MemoryTrackerHub()));

runTrackerClientContract('memory tracker hub with the tracker-server model (announce interval, random subsets, expiry)', async () => {
  const clock = new VirtualClock();
  const stop = clock.autoAdvance({ yieldToHost });
  const hub = new MemoryTrackerHub({
    clock,
    link: { latencyMs: 40, bandwidthBytesPerSec: 8 * 1024 * 1024 },
    model: { announceIntervalMs: 120_000, maxNumwant: 50, peerTtlMs: 240_000, reportSwarmSize: true },
  });
  return harnessOf(hub, () => {
    stop();
    assert.equal(clock.pendingTimers, 0, 'timers left after every client and transport was destroyed');
  });
});
