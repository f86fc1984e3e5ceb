/**
 * The guard on bittorrent-tracker's private fields: `hookLibraryInternals` names each one it did not find,
 * and `WebTorrentTrackerClient` emits a `tracker-warning` for it at start-up (never a throw). Network-free:
 * the only tracker URL is a closed port on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Client from 'bittorrent-tracker';

import type { ShoalError } from '../../src/errors';
import { createPeerId, infoHashFromSwarmId } from '../../src/swarm/swarm-identity';
import { BITTORRENT_TRACKER_CHECKED_VERSION, hookLibraryInternals } from '../../src/tracker/bittorrent-tracker-internals';
import { WebTorrentTrackerClient } from '../../src/tracker/webtorrent-tracker-client';

/** Nothing listens on port 1: the library's socket is refused at once, and no peer is ever made. */
const CLOSED_URL = 'ws://127.0.0.1:1';
const infoHashHex = infoHashFromSwarmId('https://example.test/internals.m3u8');

const hook = (shape: object): readonly string[] => hookLibraryInternals(shape as unknown as Client, () => {}).missing;
const tracker = (fields: object = {}): object => ({ _createPeer: () => ({}), peers: {}, reconnectTimer: null, ...fields });

test('hookLibraryInternals names every private field it did not find', () => {
  assert.deepEqual(hook({ _trackers: [tracker(), tracker()] }), []);
  assert.deepEqual(hook({ _trackers: [] }), []);
  assert.deepEqual(hook({}), ['_trackers']);
  assert.deepEqual(hook({ _trackers: [tracker(), tracker({ _createPeer: undefined })] }), ['_trackers[1]._createPeer']);
  assert.deepEqual(hook({ _trackers: [tracker({ peers: null })] }), ['_trackers[0].peers']);
  const withoutTimer = tracker() as Record<string, unknown>;
  delete withoutTimer['reconnectTimer'];
  assert.deepEqual(hook({ _trackers: [withoutTimer] }), ['_trackers[0].reconnectTimer']);
  // A URL the library rejected leaves null in its place: nothing to hook there, nothing missing.
  assert.deepEqual(hook({ _trackers: [null, tracker()] }), []);
});

test('the pinned bittorrent-tracker is the version checked, and every hook attaches to it', () => {
  const installed = JSON.parse(readFileSync(new URL('../../../../node_modules/bittorrent-tracker/package.json', import.meta.url), 'utf8'));
  const core = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(installed.version, BITTORRENT_TRACKER_CHECKED_VERSION);
  assert.equal(core.peerDependencies['bittorrent-tracker'], BITTORRENT_TRACKER_CHECKED_VERSION);
  assert.equal(core.devDependencies['bittorrent-tracker'], BITTORRENT_TRACKER_CHECKED_VERSION);

  const client = new Client({ infoHash: infoHashHex, peerId: createPeerId(), announce: [CLOSED_URL], port: 6881 });
  client.on('warning', () => {});
  client.on('error', () => {});
  try {
    assert.equal((client as unknown as { _trackers: unknown[] })._trackers.length, 1, 'one WebSocket tracker made');
    assert.deepEqual(hookLibraryInternals(client, () => {}).missing, []);
  } finally {
    client.destroy();
  }
});

function startedClient(): { client: WebTorrentTrackerClient; warnings: ShoalError[] } {
  const client = new WebTorrentTrackerClient({
    infoHashHex,
    peerId: createPeerId(),
    announceUrls: [CLOSED_URL],
    offerTimeoutMs: 1_000,
    wantedPeers: 0,
    announceIntervalMs: 60_000,
  });
  const warnings: ShoalError[] = [];
  client.on('warning', (warning) => warnings.push(warning));
  assert.doesNotThrow(() => client.start());
  return { client, warnings };
}

test('a missing private field is a tracker-warning at start-up, naming it and the version checked', () => {
  // The library's WebSocket tracker class, reached through an instance: take `_createPeer` off it.
  const probe = new Client({ infoHash: infoHashHex, peerId: createPeerId(), announce: [CLOSED_URL], port: 6881 });
  probe.on('warning', () => {});
  probe.on('error', () => {});
  const prototype = Object.getPrototypeOf((probe as unknown as { _trackers: object[] })._trackers[0]) as Record<string, unknown>;
  probe.destroy();
  const createPeer = prototype['_createPeer'];
  delete prototype['_createPeer'];
  let started: ReturnType<typeof startedClient> | undefined;
  try {
    started = startedClient();
  } finally {
    prototype['_createPeer'] = createPeer;
    started?.client.destroy();
  }
  // Emitted synchronously by start(); the refused socket's own warning comes later.
  const internal = started.warnings.filter((w) => /internal/.test(w.message));
  assert.equal(internal.length, 1, started.warnings.map((w) => w.message).join('\n'));
  const [warning] = internal;
  assert.equal(warning!.code, 'tracker-warning');
  assert.equal(warning!.source, 'tracker');
  assert.equal(warning!.fatal, false);
  assert.match(warning!.message, /_trackers\[0\]\._createPeer/);
  assert.match(warning!.message, new RegExp(BITTORRENT_TRACKER_CHECKED_VERSION.replace(/\./g, '\\.')));
});

test('on the installed library, start-up warns of no private field', () => {
  const { client, warnings } = startedClient();
  client.destroy();
  assert.deepEqual(warnings.map((w) => w.message), []);
});
