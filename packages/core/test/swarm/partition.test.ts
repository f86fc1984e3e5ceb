import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partitionIndexOf, partitionInfoHash, planPartition, trackersForPartition } from '../../src/swarm/partition';
import { infoHashFromSwarmId } from '../../src/swarm/swarm-identity';

const SWARM = 'https://cdn.example/live/master.m3u8';
const URLS = ['wss://t1.example', 'wss://t2.example', 'wss://t3.example', 'wss://t4.example', 'wss://t5.example'];
const peerId = (i: number): string => (i + 1).toString(16).padStart(40, '0');

test('one partition keeps the swarm info-hash and every tracker URL', () => {
  const plan = planPartition({ swarmId: SWARM, peerIdHex: peerId(1), count: 1, trackerUrls: URLS, trackersPerPartition: 2 });
  assert.deepEqual(plan, { index: 0, infoHashHex: infoHashFromSwarmId(SWARM), announceUrls: URLS });
});

test('a viewer stays in its partition, and partitions have distinct info-hashes', () => {
  for (let i = 0; i < 50; i++) assert.equal(partitionIndexOf(peerId(i), 8), partitionIndexOf(peerId(i).toUpperCase(), 8));
  const hashes = new Set(Array.from({ length: 8 }, (_, p) => partitionInfoHash(SWARM, p, 8)));
  assert.equal(hashes.size, 8);
  assert.ok(!hashes.has(infoHashFromSwarmId(SWARM)));
});

test('viewers spread evenly over partitions', () => {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) counts[partitionIndexOf(peerId(i), 10)]!++;
  for (const count of counts) assert.ok(count > 850 && count < 1150, `partition sizes ${counts.join(',')}`);
});

test('each partition is on two trackers, chosen by rendezvous hashing and spread over all URLs', () => {
  const load = new Map<string, number>();
  for (let p = 0; p < 200; p++) {
    const urls = trackersForPartition(partitionInfoHash(SWARM, p, 200), URLS, 2);
    assert.equal(urls.length, 2);
    assert.equal(new Set(urls).size, 2);
    for (const url of urls) load.set(url, (load.get(url) ?? 0) + 1);
  }
  for (const url of URLS) assert.ok((load.get(url) ?? 0) > 50 && (load.get(url) ?? 0) < 110, `load ${[...load].join(' ')}`);
});

test('removing a tracker URL moves only the partitions that used it', () => {
  const fewer = URLS.filter((url) => url !== 'wss://t3.example');
  for (let p = 0; p < 100; p++) {
    const hash = partitionInfoHash(SWARM, p, 100);
    const before = trackersForPartition(hash, URLS, 2);
    const after = trackersForPartition(hash, fewer, 2);
    for (const url of before) if (url !== 'wss://t3.example') assert.ok(after.includes(url));
  }
});
