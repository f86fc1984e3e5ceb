import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { Holdings, type HeldSegmentAnnouncement } from '../../src/holdings/holdings';
import { MemoryStorage } from '../../src/storage/memory-storage';
import type { SegmentKey } from '../../src/types';

const sha256 = async (bytes: Uint8Array): Promise<string> => createHash('sha256').update(bytes).digest('base64');
const KEY: SegmentKey = { renditionId: 'r', segmentId: 1 };

function setup() {
  const storage = new MemoryStorage({ capBytes: 1_000_000, clock: new VirtualClock() });
  const holdings = new Holdings({ storage, sha256 });
  const haves: Array<[SegmentKey, HeldSegmentAnnouncement]> = [];
  const losts: SegmentKey[] = [];
  holdings.on('have', (key, held) => haves.push([key, held]));
  holdings.on('lost', (key) => losts.push(key));
  return { storage, holdings, haves, losts };
}

test('a stored segment is announced complete with its commitment, in have and in the full set', async () => {
  const { storage, holdings, haves } = setup();
  const bytes = Uint8Array.of(1, 2, 3);
  await storage.put(KEY, bytes);
  holdings.stored(KEY, 3, await sha256(bytes));
  assert.deepEqual(haves, [[KEY, { sizeBytes: 3, partial: false, sha256Base64: await sha256(bytes) }]]);
  assert.deepEqual(holdings.fullSet(), [{ renditionId: 'r', segments: [{ segmentId: 1, sizeBytes: 3, partial: false, sha256Base64: await sha256(bytes) }] }]);
});

test('discard: the segment leaves the store, peers hear lost, the commitment is forgotten', async () => {
  const { storage, holdings, losts } = setup();
  await storage.put(KEY, Uint8Array.of(9));
  holdings.stored(KEY, 1, await sha256(Uint8Array.of(9)));
  await holdings.discard(KEY);
  assert.equal(storage.has(KEY), false);
  assert.deepEqual(losts, [KEY]);
  assert.deepEqual(holdings.fullSet(), []);
});

test('restored segments are hashed before they are announced', async () => {
  const { storage, holdings, haves } = setup();
  const bytes = Uint8Array.of(4, 5);
  await storage.put(KEY, bytes);
  holdings.restored([{ ...KEY, sizeBytes: 2, lastAccessMs: 0 } as never]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(haves, [[KEY, { sizeBytes: 2, partial: false, sha256Base64: await sha256(bytes) }]]);
});
