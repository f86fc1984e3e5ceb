// The two test tiers of the Node tests (`*.test.ts`, run by scripts/run-tests.mjs):
//
// - network: a test file whose path starts with one of NETWORK_TESTS below. It may use WebRTC
//   (node-datachannel), a tracker server, Chromium, npm or anything else; `npm test` runs it inside the
//   network namespace of scripts/netns-run.sh (the packaging test outside it, for the npm cache).
// - unit: every other test file. Network-free: no WebRTC, no tracker server, no browser, no npm; it opens
//   no connection beyond loopback, listens only on loopback and sends no UDP. A test that serves HTTP to
//   itself on 127.0.0.1 is still a unit test (the demo origin tests): it runs the same on a machine with
//   no network interface but `lo`. `npm run test:unit` runs this tier (no build needed) with
//   scripts/unit-tier-guard.mjs loaded, which makes a connection or listen past loopback, UDP or a WebRTC
//   peer connection throw and fail the file, so a network test left off this list fails loudly instead
//   of passing by luck. (A tracker server on loopback would pass the guard: keep it off by this list.)
//
// A new network test: put it under a folder listed here (core's `transport/`, `tracker/`, `build/`; the
// root `test/browser/`, `test/packaging/`), name a root Node swarm test `test/real-*.test.ts`, or add
// its path here with the reason.

/** Path prefixes (from the repository root) of the network tier, each with why it needs the network. */
export const NETWORK_TESTS = [
  { prefix: 'packages/core/test/build/', why: 'the browser bundle smoke test connects its tracker client over WebRTC' },
  { prefix: 'packages/core/test/tracker/', why: 'a real bittorrent-tracker server and WebRTC between clients' },
  { prefix: 'packages/core/test/transport/', why: 'the transport suite over node-datachannel (WebRTC)' },
  { prefix: 'packages/tracker/test/', why: 'a real @shoal/tracker server, WebSocket clients and (contract suite) WebRTC' },
  { prefix: 'demo/test/demo-server.test.ts', why: 'the one-command demo runs its WebSocket tracker' },
  { prefix: 'test/browser/', why: 'Chromium pages in a swarm over WebRTC' },
  { prefix: 'test/packaging/', why: 'npm installs the packed tarballs; Chromium loads the built app' },
  { prefix: 'test/real-', why: 'a real Node swarm: tracker server, node-datachannel, HTTP origin' },
];

/** @param {string} file a test file's path from the repository root, `/`-separated */
export function tierOf(file) {
  return NETWORK_TESTS.some(({ prefix }) => file.startsWith(prefix)) ? 'network' : 'unit';
}
