/**
 * `startupPeers`: while the player starts, the engine asks the tracker for that many peers only; once
 * the playhead moves in a buffered range (or `STARTUP_PEERS_MAX_MS` after joining), for up to `maxPeers`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { ShoalEngine } from '../../src/engine';
import { STARTUP_PEERS_MAX_MS } from '../../src/swarm/swarm';
import type { TrackerClient, TrackerClientOptions } from '../../src/tracker/tracker-client';
import { MemoryTrackerHub } from '../../sim/memory-tracker';

/** A client alone on a tracker hub of its own (it connects nobody), recording every wanted-peer count. */
function recordingTracker(wanted: number[], clock: VirtualClock, options: TrackerClientOptions): TrackerClient {
  const client = new MemoryTrackerHub({ clock }).createClient(options);
  const setWantedPeers = client.setWantedPeers.bind(client);
  client.setWantedPeers = (count: number) => {
    wanted.push(count);
    setWantedPeers(count);
  };
  return client;
}

function engineWith(wanted: number[], clock: VirtualClock, config: { startupPeers?: number } = {}): ShoalEngine {
  const engine = new ShoalEngine(
    { trackerUrls: ['sim://tracker'], maxPeers: 12, ...config },
    { clock, createTrackerClient: (options) => recordingTracker(wanted, clock, options) },
  );
  engine.setStreams({ manifestUrl: 'https://cdn.example/live.m3u8', live: true });
  return engine;
}

const playback = (positionSec: number, bufferedUntilSec: number) => ({
  positionSec,
  rate: 1,
  bufferedUntilSec,
  activeRenditions: [],
});

test('a joining viewer asks for startupPeers until its playhead moves in a buffered range, then maxPeers', () => {
  const clock = new VirtualClock();
  const wanted: number[] = [];
  const engine = engineWith(wanted, clock);
  try {
    assert.deepEqual(wanted, [2]);
    engine.setPlayback(playback(0, 0)); // nothing buffered: starting
    engine.setPlayback(playback(6, 8)); // a live start position, buffered, not moving yet
    assert.deepEqual(wanted, [2]);
    engine.setPlayback(playback(6.25, 8)); // playing
    assert.deepEqual(wanted, [2, 12]);
    engine.setPlayback(playback(6.5, 8));
    clock.advance(STARTUP_PEERS_MAX_MS);
    assert.deepEqual(wanted, [2, 12], 'asked once');
  } finally {
    engine.destroy();
  }
});

test('without a playing player, the swarm grows to maxPeers STARTUP_PEERS_MAX_MS after joining', () => {
  const clock = new VirtualClock();
  const wanted: number[] = [];
  const engine = engineWith(wanted, clock);
  try {
    clock.advance(STARTUP_PEERS_MAX_MS - 1);
    assert.deepEqual(wanted, [2]);
    clock.advance(1);
    assert.deepEqual(wanted, [2, 12]);
  } finally {
    engine.destroy();
  }
});

test('startupPeers at or above maxPeers changes nothing', () => {
  const clock = new VirtualClock();
  const wanted: number[] = [];
  const engine = engineWith(wanted, clock, { startupPeers: 20 });
  try {
    clock.advance(STARTUP_PEERS_MAX_MS);
    assert.deepEqual(wanted, [12]);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    engine.destroy();
  }
});
