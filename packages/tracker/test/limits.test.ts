// Each limit of @shoal/tracker exceeded by one client sees its documented rejection (README "Limits"),
// while a well-behaved client of the same tracker keeps announcing and getting offers relayed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES, type RunningTracker } from '../src/index.js';
import { announce, announceAndReply, connect, id, startQuietTracker, type TestClient } from './ws-test-client';

const ORIGIN = 'https://video.example';

/** The well-behaved pair: `good` announces with an offer and `peer` (in the same swarm) receives it. */
async function assertStillWorks(tracker: RunningTracker, tag: string): Promise<void> {
  const infoHash = id(`good-${tag}`);
  const peer = await connect(tracker.url, ORIGIN);
  const good = await connect(tracker.url, ORIGIN);
  try {
    const joined = await announceAndReply(peer, { infoHash, peerId: id(`peer-${tag}`), event: 'started' });
    assert.equal(joined['failure reason'], undefined);
    const reply = await announceAndReply(good, { infoHash, peerId: id(`good-${tag}`), event: 'started', offers: 1 });
    assert.equal(reply['failure reason'], undefined);
    const offer = await peer.next((m) => m.offer !== undefined, 'the good client\'s offer');
    assert.equal(offer.peer_id, id(`good-${tag}`));
  } finally {
    good.close();
    peer.close();
  }
}

describe('@shoal/tracker limits', () => {
  let tracker: RunningTracker;
  before(async () => {
    tracker = await startQuietTracker({
      allowedOrigins: [ORIGIN],
      limits: {
        maxConnectionsPerIp: 6,
        messagesPerSec: 1,
        messageBurst: 10,
        maxMessageBytes: 4096,
        maxOffersPerAnnounce: 2,
        maxSwarms: 8,
        maxPeersPerSwarm: 3,
        maxSwarmsPerConnection: 3,
        maxPeerIdsPerConnection: 3,
      },
    });
  });
  after(() => tracker.close());

  const rejections = async (reason: string): Promise<number> => {
    const value = (await tracker.metrics.rejections.get()).values.find((v) => v.labels.reason === reason)?.value;
    return value ?? 0;
  };

  test('an origin outside the allow-list is refused at the upgrade (403); an allowed one connects', async () => {
    await assert.rejects(connect(tracker.url, 'https://other-site.example'), /status 403/);
    assert.equal(await rejections('origin'), 1);
    await assertStillWorks(tracker, 'origin');
  });

  test('past maxConnectionsPerIp the upgrade is refused (429)', async () => {
    const held: TestClient[] = [];
    try {
      for (let i = 0; i < 6; i++) held.push(await connect(tracker.url, ORIGIN));
      await assert.rejects(connect(tracker.url, ORIGIN), /status 429/);
      assert.equal(await rejections('ip-connections'), 1);
    } finally {
      for (const client of held) client.close();
      await Promise.all(held.map((c) => c.closed));
    }
    await assertStillWorks(tracker, 'per-ip');
  });

  test('a malformed message (aquatic_ws\'s rules) closes its socket (1008), never the tracker', async () => {
    for (const bad of ['not json', '[]', JSON.stringify({ action: 'announce', info_hash: 'short', peer_id: id('p') }), JSON.stringify({ action: 'scrape' }),
      JSON.stringify({ ...announce({ infoHash: id('x'), peerId: id('x') }), offers: [{ offer_id: id('o'), offer: { type: 'answer', sdp: '' } }] })]) {
      const client = await connect(tracker.url, ORIGIN);
      client.send(bad);
      assert.equal(await client.closed, CLOSE_CODES.policy, bad);
    }
    assert.equal(await rejections('malformed'), 5);
    await assertStillWorks(tracker, 'malformed');
  });

  test('a message larger than maxMessageBytes closes its socket (1009)', async () => {
    const client = await connect(tracker.url, ORIGIN);
    client.send({ ...announce({ infoHash: id('big'), peerId: id('big') }), padding: 'x'.repeat(5000) });
    assert.equal(await client.closed, 1009);
    assert.equal(await rejections('message-size'), 1);
    await assertStillWorks(tracker, 'size');
  });

  test('past the message burst and rate the socket is closed (1008)', async () => {
    const client = await connect(tracker.url, ORIGIN);
    for (let i = 0; i < 40; i++) client.send(announce({ infoHash: id('flood'), peerId: id('flood') }));
    assert.equal(await client.closed, CLOSE_CODES.policy);
    assert.equal(await rejections('message-rate'), 1);
    await assertStillWorks(tracker, 'rate');
  });

  test('offers past maxOffersPerAnnounce are dropped: at most that many peers get one', async () => {
    const infoHash = id('offers');
    const members = await Promise.all([0, 1].map(() => connect(tracker.url, ORIGIN)));
    const offerer = await connect(tracker.url, ORIGIN);
    const counter = async (name: 'offersDropped' | 'offersRelayed'): Promise<number> => (await tracker.metrics[name].get()).values[0]?.value ?? 0;
    try {
      for (const [i, member] of members.entries()) await announceAndReply(member, { infoHash, peerId: id(`m${i}`), event: 'started' });
      const [dropped, relayed] = [await counter('offersDropped'), await counter('offersRelayed')];
      await announceAndReply(offerer, { infoHash, peerId: id('offerer'), event: 'started', offers: 5 });
      for (const member of members) await member.next((m) => m.offer !== undefined, 'an offer');
      assert.equal((await counter('offersDropped')) - dropped, 3, '5 offers sent, 2 kept');
      assert.equal((await counter('offersRelayed')) - relayed, 2);
    } finally {
      for (const client of [...members, offerer]) client.close();
      await Promise.all([...members, offerer].map((c) => c.closed));
    }
  });

  test('a full swarm (maxPeersPerSwarm) refuses a newcomer with a failure reason; its members stay', async () => {
    const infoHash = id('full');
    const clients = await Promise.all([0, 1, 2, 3].map(() => connect(tracker.url, ORIGIN)));
    try {
      for (let i = 0; i < 3; i++) assert.equal((await announceAndReply(clients[i]!, { infoHash, peerId: id(`full${i}`), event: 'started' }))['failure reason'], undefined);
      const refused = await announceAndReply(clients[3]!, { infoHash, peerId: id('full3'), event: 'started' });
      assert.match(String(refused['failure reason']), /^swarm-peers:/);
      assert.equal(await rejections('swarm-peers'), 1);
      // A member's re-announce still passes.
      assert.equal((await announceAndReply(clients[0]!, { infoHash, peerId: id('full0') }))['failure reason'], undefined);
    } finally {
      for (const client of clients) client.close();
    }
    await assertStillWorks(tracker, 'swarm-peers');
  });

  test('one connection past maxSwarmsPerConnection and maxPeerIdsPerConnection is refused with a failure reason', async () => {
    const client = await connect(tracker.url, ORIGIN);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await announceAndReply(client, { infoHash: id(`conn-s${i}`), peerId: id('conn-p') }))['failure reason'], undefined);
      const swarms = await announceAndReply(client, { infoHash: id('conn-s3'), peerId: id('conn-p') });
      assert.match(String(swarms['failure reason']), /^connection-swarms:/);
      await announceAndReply(client, { infoHash: id('conn-s0'), peerId: id('conn-q') });
      await announceAndReply(client, { infoHash: id('conn-s0'), peerId: id('conn-r') });
      const ids = await announceAndReply(client, { infoHash: id('conn-s0'), peerId: id('conn-t') });
      assert.match(String(ids['failure reason']), /^connection-peer-ids:/);
    } finally {
      client.close();
      await client.closed;
    }
    await assertStillWorks(tracker, 'per-conn');
  });

  test('past maxSwarms a new info-hash is refused with a failure reason; swarms left empty are dropped', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => connect(tracker.url, ORIGIN)));
    const refusals: string[] = [];
    try {
      for (const [c, client] of clients.entries()) {
        for (let s = 0; s < 3; s++) {
          const reply = await announceAndReply(client, { infoHash: id(`many${c}-${s}`), peerId: id(`many${c}`), event: 'started' });
          if (reply['failure reason'] !== undefined) refusals.push(String(reply['failure reason']));
        }
      }
      assert.ok(refusals.length >= 1, 'nine swarms asked of a tracker that holds eight');
      for (const refusal of refusals) assert.match(refusal, /^swarms:/);
      assert.equal(tracker.health().swarms, 8);
      assert.equal(await rejections('swarms'), refusals.length);
    } finally {
      for (const client of clients) client.close();
      await Promise.all(clients.map((c) => c.closed));
    }
    await assertStillWorks(tracker, 'swarms');
  });

  test('without an Origin header, a tracker with allowMissingOrigin off refuses (403)', async () => {
    const strict = await startQuietTracker({ allowedOrigins: [ORIGIN], allowMissingOrigin: false });
    try {
      await assert.rejects(connect(strict.url), /status 403/);
      (await connect(strict.url, ORIGIN)).close();
    } finally {
      await strict.close();
    }
  });
});
