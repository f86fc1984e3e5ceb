/** The simulator's shared SHA-256 memo answers exactly what hashing would, whatever the caller does to its buffers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeSha256, sharedNodeSha256 } from '../../sim/node-sha256';

const SEGMENT_BYTES = 200_000;

function segment(seed: number): Uint8Array {
  const bytes = new Uint8Array(SEGMENT_BYTES);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

test('equal bytes in other buffers get the digest of their bytes; a change anywhere gets its own digest', async () => {
  const sha256 = sharedNodeSha256();
  const first = segment(1);
  assert.equal(await sha256(first), await nodeSha256(first));
  const twin = segment(1);
  assert.equal(await sha256(twin), await nodeSha256(first));
  // Same length and same sampled ends and middle, one byte different elsewhere.
  const almost = segment(1);
  almost[SEGMENT_BYTES / 4] = almost[SEGMENT_BYTES / 4]! ^ 1;
  assert.equal(await sha256(almost), await nodeSha256(almost));
  assert.notEqual(await sha256(almost), await sha256(first));
});

test('a buffer written to after it was hashed is hashed anew (the memo keeps its own copy)', async () => {
  const sha256 = sharedNodeSha256();
  const bytes = segment(2);
  const before = await sha256(bytes);
  bytes[66_666] = bytes[66_666]! ^ 0xff;
  assert.equal(await sha256(bytes), await nodeSha256(bytes));
  assert.notEqual(await sha256(bytes), before);
});

test('views and small inputs hash like nodeSha256', async () => {
  const sha256 = sharedNodeSha256();
  const bytes = segment(3);
  const view = bytes.subarray(1_000, 150_000);
  assert.equal(await sha256(view), await nodeSha256(view));
  assert.equal(await sha256(view.slice()), await nodeSha256(view));
  const small = bytes.subarray(0, 100);
  assert.equal(await sha256(small), await nodeSha256(small));
});
