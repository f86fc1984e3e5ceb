// Run by browser-bundle.test.ts as `node --experimental-vm-modules --import tsx browser-bundle-smoke.ts`.
//
// Evaluates dist/index.js (the browser build) as an ES module in a fresh V8 context that has only what a
// browser worker has: no `process`, `require`, `Buffer` or `module`; `self`, WebSocket and WebRTC (here
// node-datachannel's, injected as browser globals). Then one client from the bundle and one from the
// sources meet through a real tracker and connect. Prints one JSON line of results.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { RTCIceCandidate, RTCPeerConnection, RTCSessionDescription } from 'webrtc-polyfill';

import { installNodeEndOfCandidatesFix } from '../../src/node';
import { WebTorrentTrackerClient } from '../../src/tracker/webtorrent-tracker-client';
import { waitUntil } from '../support/wait';
import { startTestTracker } from '../tracker/tracker-test-support';
import type * as CoreModule from '../../src/index';

type Core = typeof CoreModule;

// Node 20 has no global WebSocket; `ws` (bittorrent-tracker's dependency, untyped) stands in for it.
const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: unknown };

installNodeEndOfCandidatesFix();
const bundlePath = new URL('../../dist/index.js', import.meta.url);
const context = vm.createContext({
  console,
  setTimeout,
  clearTimeout,
  setInterval,
  clearInterval,
  queueMicrotask,
  TextEncoder,
  TextDecoder,
  URL,
  URLSearchParams,
  crypto: globalThis.crypto,
  performance,
  WebSocket,
  RTCPeerConnection,
  RTCSessionDescription,
  RTCIceCandidate,
});
vm.runInContext('globalThis.self = globalThis', context);
const module = new vm.SourceTextModule(readFileSync(bundlePath, 'utf8'), { context, identifier: bundlePath.href });
await module.link((specifier) => {
  throw new Error(`the browser bundle imports "${specifier}"`);
});
await module.evaluate();
const core = module.namespace as Core;
const globalsInRealm = vm.runInContext('[typeof process, typeof require, typeof Buffer, typeof window]', context);

const tracker = await startTestTracker();
const swarmId = core.swarmIdFromManifestUrl('https://example.test/live/master.m3u8?token=1');
const infoHashHex = core.infoHashFromSwarmId(swarmId);
const options = {
  infoHashHex,
  rtcConfig: { iceServers: [] },
  offerTimeoutMs: 10_000,
  wantedPeers: 3,
  announceIntervalMs: 5_000,
};
const warnings: string[] = [];
const fromBundle = new core.WebTorrentTrackerClient({ ...options, peerId: core.createPeerId(), announceUrls: [`${tracker.url}/bundle`] });
const fromSources = new WebTorrentTrackerClient({ ...options, peerId: core.createPeerId(), announceUrls: [`${tracker.url}/sources`] });
const remoteIds: string[] = [];
const transports: Array<{ destroy(): void }> = [];
for (const client of [fromBundle, fromSources]) {
  client.on('peer', (transport) => {
    remoteIds.push(transport.remotePeerId);
    transports.push(transport);
  });
  client.on('warning', (warning) => warnings.push(warning.message));
}
const startedMs = Date.now();
fromBundle.start();
fromSources.start();
await waitUntil(() => remoteIds.length === 2, 'the bundle client and the source client to connect', 40_000).catch((error: unknown) => {
  // The clients' warnings say why they never met (a refused announce, a failed offer).
  console.error(`warnings: ${JSON.stringify(warnings)}; connected: ${JSON.stringify(remoteIds)}`);
  throw error;
});
const connectMs = Date.now() - startedMs;
for (const client of [fromBundle, fromSources]) client.destroy();
for (const transport of transports) transport.destroy();
await tracker.close();

console.log(
  JSON.stringify({
    globalsInRealm,
    exports: Object.keys(core).sort(),
    connectMs,
    connectedBothWays: remoteIds.includes(fromBundle.peerId) && remoteIds.includes(fromSources.peerId),
    warnings,
  }),
);
