/**
 * The contract every `TrackerClient` passes (libp2p interface-compliance style): one suite, run from one
 * spec file per implementation. It pins down what the engine's Swarm relies on:
 * - after `start()`, peers arrive as `peer` events carrying open transports named by the other client's
 *   `peerId`; the clients of one info-hash connect, with one open transport per pair once settled (a
 *   crossing offer race leaves no duplicate open), and a second `peer` for the same remote peer comes only
 *   after the first transport was closed (the Swarm then replaces its session);
 * - clients of different info-hashes never connect;
 * - `setWantedPeers(0)` makes no new connections, a client that wants none still accepts a newcomer's
 *   connection, and a later positive count (a re-announce) connects;
 * - `destroy()` is idempotent and silent afterwards, and leaves the transports it handed out open: their
 *   receiver owns them (the Swarm destroys its tracker client, then says goodbye over them);
 * - `swarmSize()`, where implemented, counts this client;
 * - an unreachable tracker URL, where an implementation takes URLs, is a `warning` (`tracker-warning`),
 *   never a throw.
 * `setup` returns a fresh harness per test; the suite destroys every client it made and every transport
 * handed out, then calls `teardown`. Waits are in real time (a virtual clock must be auto-advanced), each
 * bounded by the test's timeout; none asserts how long anything took.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { isShoalError, type ShoalError } from '../src/errors';
import { infoHashFromSwarmId } from '../src/swarm/swarm-identity';
import type { TrackerClient } from '../src/tracker/tracker-client';
import type { Transport } from '../src/transport/transport';
import { waitUntil } from './support/wait';

export interface TrackerClientRequest {
  /** 40 hex chars: the swarm. */
  infoHashHex: string;
  wantedPeers: number;
  /** Replaces the harness's own announce URLs (only asked of harnesses with an `unreachableUrl`). */
  announceUrls?: string[];
}

export interface TrackerHarness {
  /** A new client of the harness's tracker (a fresh peer id), not started. */
  createClient(request: TrackerClientRequest): TrackerClient;
  /**
   * Resolves once none of these started clients has an announce or a connection attempt in flight: each
   * has been answered by its tracker, and every offer or answer it made has connected or been closed.
   * After it, nothing connects these clients until one announces again.
   */
  settle(clients: readonly TrackerClient[]): Promise<void>;
  /** An announce URL nobody answers, for implementations that take tracker URLs. */
  unreachableUrl?: string;
  teardown?: () => Promise<void> | void;
}

export type TrackerHarnessSetup = () => Promise<TrackerHarness>;

export interface TrackerContractOptions {
  /** Real-time limit per test. Default 60 s: real WebRTC on a loaded machine. */
  timeoutMs?: number;
}

/** Peers wanted by clients that want some: more than any test's swarm, as the engine's `maxPeers`. */
const WANTED_PEERS = 5;
/**
 * Real time one wait may take before it fails with its name (rather than as a bare test timeout that
 * leaves the poll running): a WebRTC connection takes ~1 s, many more on a loaded 2-core machine.
 */
const WAIT_LIMIT_MS = 45_000;

/** A client with everything it emitted recorded. */
interface Probe {
  client: TrackerClient;
  transports: Transport[];
  warnings: ShoalError[];
  /** `peer` events for a remote peer that still had an open transport from this client. */
  overlaps: string[];
  /** Events emitted after `destroy()`. */
  afterDestroy: string[];
  destroyed: boolean;
  /** Open transports to `remotePeerId`. */
  openTo(remotePeerId: string): Transport[];
  destroy(): void;
}

export function runTrackerClientContract(name: string, setup: TrackerHarnessSetup, options: TrackerContractOptions = {}): void {
  const timeout = options.timeoutMs ?? 60_000;
  let swarmCount = 0;
  const freshInfoHash = (): string => infoHashFromSwarmId(`https://contract.test/${name}/${++swarmCount}.m3u8`);

  type Body = (harness: TrackerHarness, probe: (request: TrackerClientRequest) => Probe, t: TestContext) => Promise<void>;
  const withHarness = (body: Body) =>
    async (t: TestContext): Promise<void> => {
      const harness = await setup();
      const probes: Probe[] = [];
      try {
        await body(harness, (request) => {
          const made = probeOf(harness.createClient(request));
          probes.push(made);
          return made;
        }, t);
      } finally {
        for (const made of probes) made.destroy();
        for (const made of probes) for (const transport of made.transports) transport.destroy();
        await harness.teardown?.();
      }
    };

  describe(`TrackerClient contract: ${name}`, () => {
    test('start(): clients of one swarm get open transports to each other, named by peer id', { timeout }, withHarness(async (harness, probe) => {
      const infoHashHex = freshInfoHash();
      const a = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      const b = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      assert.equal(a.transports.length + b.transports.length, 0, 'nothing before start()');
      a.client.start();
      b.client.start();
      await waitFor(() => a.openTo(b.client.peerId).length > 0 && b.openTo(a.client.peerId).length > 0, 'a and b connected');
      for (const [self, other] of [[a, b], [b, a]] as const) {
        for (const transport of self.transports) assert.equal(transport.remotePeerId, other.client.peerId);
        const [transport] = self.openTo(other.client.peerId);
        assert.equal(transport!.closed, false);
      }
      await assertPaired(a, b);
    }));

    test('a crossing offer race leaves one open transport per side: the two ends of one connection', { timeout }, withHarness(async (harness, probe) => {
      const infoHashHex = freshInfoHash();
      // All want peers and start together: each may offer to the others while they offer to it.
      const probes = [1, 2, 3].map(() => probe({ infoHashHex, wantedPeers: WANTED_PEERS }));
      for (const p of probes) p.client.start();
      await waitFor(
        () => probes.every((p) => probes.every((o) => o === p || p.openTo(o.client.peerId).length > 0)),
        'a full mesh of three',
      );
      await harness.settle(probes.map((p) => p.client));
      for (const p of probes) {
        assert.deepEqual(p.overlaps, [], 'a second transport to a peer while the first was open');
        for (const o of probes) if (o !== p) assert.equal(p.openTo(o.client.peerId).length, 1, 'one open transport per pair');
      }
      await assertPaired(probes[0]!, probes[1]!);
      await assertPaired(probes[1]!, probes[2]!);
      await assertPaired(probes[2]!, probes[0]!);
    }));

    test('clients of different info-hashes never connect', { timeout }, withHarness(async (harness, probe) => {
      const infoHashHex = freshInfoHash();
      const a = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      const stranger = probe({ infoHashHex: freshInfoHash(), wantedPeers: WANTED_PEERS });
      const b = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      for (const p of [a, stranger, b]) p.client.start();
      // a and b meet (the tracker works); the stranger, announced among them, meets no one.
      await waitFor(() => a.openTo(b.client.peerId).length > 0 && b.openTo(a.client.peerId).length > 0, 'a and b connected');
      await harness.settle([a.client, stranger.client, b.client]);
      assert.deepEqual(stranger.transports, []);
      for (const p of [a, b]) assert.deepEqual(p.transports.filter((t) => t.remotePeerId === stranger.client.peerId), []);
    }));

    test('setWantedPeers(0) makes no new connection; a later positive count re-announces and connects', { timeout }, withHarness(async (harness, probe) => {
      const infoHashHex = freshInfoHash();
      // a, alone, made its offers; it then wants no more (a full engine), and b joins wanting none.
      const a = probe({ infoHashHex, wantedPeers: 3 });
      a.client.start();
      await harness.settle([a.client]);
      a.client.setWantedPeers(0);
      const b = probe({ infoHashHex, wantedPeers: 0 });
      b.client.start();
      await harness.settle([a.client, b.client]);
      assert.equal(a.transports.length + b.transports.length, 0, 'neither wants peers: no connection');
      // b wants peers again: it re-announces, and a, wanting none, still accepts it.
      b.client.setWantedPeers(2);
      await waitFor(() => a.openTo(b.client.peerId).length > 0 && b.openTo(a.client.peerId).length > 0, 'a and b connected');
      await assertPaired(a, b);
    }));

    test('destroy(): idempotent, silent afterwards, and the transports it handed out stay open', { timeout }, withHarness(async (harness, probe) => {
      const infoHashHex = freshInfoHash();
      const a = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      const b = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      const neverStarted = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      a.client.start();
      b.client.start();
      await waitFor(() => a.openTo(b.client.peerId).length > 0 && b.openTo(a.client.peerId).length > 0, 'a and b connected');
      await harness.settle([a.client, b.client]);
      a.destroy();
      a.destroy();
      neverStarted.destroy();
      // Calls after destroy() are ignored, and throw nothing.
      for (const p of [a, neverStarted]) {
        p.client.start();
        p.client.setWantedPeers(WANTED_PEERS);
        p.client.destroy();
      }
      // The receiver owns the transport: it still carries frames (the Swarm's goodbye goes over it).
      await assertPaired(a, b);
      // A newcomer finds b, and never the destroyed clients.
      const newcomer = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      newcomer.client.start();
      await waitFor(() => newcomer.openTo(b.client.peerId).length > 0, 'the newcomer connected to b');
      await harness.settle([b.client, newcomer.client]);
      for (const gone of [a, neverStarted]) {
        assert.deepEqual(gone.afterDestroy, [], 'events after destroy()');
        assert.deepEqual(newcomer.transports.filter((t) => t.remotePeerId === gone.client.peerId), []);
      }
      assert.deepEqual(neverStarted.transports, []);
    }));

    test('swarmSize(), where implemented, counts this client', { timeout }, withHarness(async (harness, probe, t) => {
      const infoHashHex = freshInfoHash();
      const a = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      if (typeof a.client.swarmSize !== 'function') return t.skip('no swarmSize()');
      assert.equal(a.client.swarmSize(), undefined, 'no count before the first announce');
      a.client.start();
      await harness.settle([a.client]);
      assert.equal(a.client.swarmSize(), 1, 'alone: itself');
      const b = probe({ infoHashHex, wantedPeers: WANTED_PEERS });
      b.client.start();
      await harness.settle([b.client]);
      assert.equal(b.client.swarmSize?.(), 2, 'a joiner counts the one before it and itself');
    }));

    test('an unreachable tracker URL is a tracker-warning, never a throw', { timeout }, withHarness(async (harness, probe, t) => {
      if (harness.unreachableUrl === undefined) return t.skip('takes no tracker URL');
      const p = probe({ infoHashHex: freshInfoHash(), wantedPeers: WANTED_PEERS, announceUrls: [harness.unreachableUrl] });
      p.client.start();
      await waitFor(() => p.warnings.length > 0, 'a warning');
      for (const warning of p.warnings) {
        assert.ok(isShoalError(warning), `a ShoalError, got ${String(warning)}`);
        assert.equal(warning.code, 'tracker-warning');
        assert.equal(warning.source, 'tracker');
        assert.equal(warning.fatal, false);
      }
      p.client.setWantedPeers(WANTED_PEERS + 1);
      p.destroy();
    }));
  });
}

function probeOf(client: TrackerClient): Probe {
  const probe: Probe = {
    client,
    transports: [],
    warnings: [],
    overlaps: [],
    afterDestroy: [],
    destroyed: false,
    openTo: (remotePeerId) => probe.transports.filter((t) => !t.closed && t.remotePeerId === remotePeerId),
    destroy() {
      probe.destroyed = true;
      client.destroy();
    },
  };
  client.on('peer', (transport) => {
    if (probe.destroyed) probe.afterDestroy.push(`peer ${transport.remotePeerId}`);
    if (probe.openTo(transport.remotePeerId).some((open) => open !== transport)) probe.overlaps.push(transport.remotePeerId);
    probe.transports.push(transport);
  });
  client.on('warning', (warning) => {
    if (probe.destroyed) probe.afterDestroy.push(`warning ${warning.message}`);
    probe.warnings.push(warning);
  });
  return probe;
}

/** `a`'s open transport to `b` and `b`'s to `a` are the two ends of one connection: frames cross both ways. */
async function assertPaired(a: Probe, b: Probe): Promise<void> {
  const [toB] = a.openTo(b.client.peerId);
  const [toA] = b.openTo(a.client.peerId);
  assert.ok(toB && toA, 'an open transport each way');
  for (const [from, to] of [[toB, toA], [toA, toB]] as const) {
    const frame = new TextEncoder().encode(`${to.remotePeerId} -> ${from.remotePeerId}`);
    const received = new Promise<Uint8Array>((resolve) => to.once('frame', resolve));
    from.send(frame);
    assert.deepEqual([...(await withinLimit(received, 'a frame across the pair'))], [...frame]);
  }
}

/**
 * `promise`, or a rejection naming `what` after `WAIT_LIMIT_MS`. Its timer also keeps Node's event loop
 * alive while an implementation's own timers are unref'd (the system clock's are).
 */
async function withinLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${WAIT_LIMIT_MS} ms waiting for ${what}`)), WAIT_LIMIT_MS);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `predicate` until it holds; rejects naming `what` after `WAIT_LIMIT_MS` (the test timeout also bounds it). */
function waitFor(predicate: () => boolean, what: string): Promise<void> {
  return waitUntil(predicate, what, WAIT_LIMIT_MS);
}
